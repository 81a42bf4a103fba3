"""Item analysis from real attempts, on the round statistics page and the question page;
organizers retire the flagged questions from there."""
from datetime import timedelta

from sqlalchemy import select

from contest.accounts.models import User
from contest.extensions import db
from contest.rounds import service as rounds
from contest.rounds.models import Attempt
from question_bank.models import Question
from tests.factories import sign_in


def play_round(make):
    """8 members take a 4-question round: 'easy' everyone gets right, 'broken' nobody does,
    'a' and 'b' are sound (the stronger members get them)."""
    questions = make.questions(4)
    roles = dict(zip([q.id for q in questions], ["easy", "broken", "a", "b"]))
    round_ = make.round(question_count=4, open_for=timedelta(hours=3))
    for k in range(8):
        member = User(username=f"member{k}", password_hash="-", full_name=f"Thí sinh {k}")
        db.session.add(member)  # no password hashing: these members never sign in
        db.session.commit()
        attempt, _ = rounds.start_attempt(round_, member)
        for aq in attempt.questions:
            role = roles[aq.question_id]
            right = {"easy": True, "broken": False, "a": k >= 2, "b": k >= 4}[role]
            options = [o for o in aq.version.options if o.is_correct == right]
            rounds.save_answer(attempt.id, aq.question_id, aq.public_ids([options[k % len(options)].id]))
        rounds.submit_attempt(db.session.get(Attempt, attempt.id))
    ids = {role: qid for qid, role in roles.items()}
    return round_, ids


def login(client, make):
    sign_in(client, make.user(role="organizer"), locale="en")


def test_round_page_flags_broken_questions_and_retires_them(client, make, clock):
    round_, ids = play_round(make)
    login(client, make)
    page = client.get(f"/manage/bank/rounds/{round_.id}/analysis").get_data(as_text=True)
    assert "8 finished attempts, 4 questions drawn" in page
    assert "2 questions to check" in page
    # flagged questions come first
    assert page.index(f'value="{ids["broken"]}"') < page.index(f'value="{ids["a"]}"')
    assert page.index(f'value="{ids["easy"]}"') < page.index(f'value="{ids["b"]}"')
    assert "Only 0% answered right" in page and "100% answered right" in page

    r = client.post("/manage/bank/bulk", data={"ids": [ids["broken"], ids["easy"]], "action": "retire",
                                               "next": f"/manage/bank/rounds/{round_.id}/analysis"},
                    follow_redirects=True)
    assert "2 questions retired" in r.get_data(as_text=True)
    statuses = dict(db.session.execute(select(Question.id, Question.status)).all())
    assert statuses == {ids["broken"]: "retired", ids["easy"]: "retired", ids["a"]: "approved", ids["b"]: "approved"}


def test_question_page_shows_its_item_statistics(client, make, clock):
    round_, ids = play_round(make)
    login(client, make)
    page = client.get(f"/manage/bank/questions/{ids['broken']}").get_data(as_text=True)
    assert "Item analysis" in page and "Check this question" in page
    assert "Seen in attempts" in page and "<dd class=\"col-5 col-sm-8\">8</dd>" in page
    assert "wrong" in page  # distractor rows
    page = client.get(f"/manage/bank/questions/{ids['a']}").get_data(as_text=True)
    assert "75%" in page and "Check this question" not in page


def test_in_progress_attempts_are_not_counted_and_essay_rounds_have_no_page(client, make, clock):
    questions = make.questions(3)
    round_ = make.round(question_count=3)
    rounds.start_attempt(round_, make.user())
    login(client, make)
    page = client.get(f"/manage/bank/rounds/{round_.id}/analysis").get_data(as_text=True)
    assert "No finished attempt yet." in page
    essay = make.round(kind="essay", question_count=None)
    assert client.get(f"/manage/bank/rounds/{essay.id}/analysis").status_code == 404
    assert client.get("/manage/bank/rounds/9999/analysis").status_code == 404
    assert questions


def test_questions_drawn_too_few_times_are_said_to_be_not_judged_yet(client, make):
    questions = make.questions(2)
    round_ = make.round(question_count=2, open_for=timedelta(hours=3))
    for k in range(2):  # two attempts: discrimination can be -1.00, yet nothing is judged on 2
        member = User(username=f"few{k}", password_hash="-", full_name=f"Thí sinh {k}")
        db.session.add(member)
        db.session.commit()
        attempt, _ = rounds.start_attempt(round_, member)
        for aq in attempt.questions:
            right = (k == 0) == (aq.question_id == questions[0].id)
            option = next(o for o in aq.version.options if o.is_correct == right)
            rounds.save_answer(attempt.id, aq.question_id, aq.public_ids([option.id]))
        rounds.submit_attempt(db.session.get(Attempt, attempt.id))
    login(client, make)
    page = client.get(f"/manage/bank/rounds/{round_.id}/analysis").get_data(as_text=True)
    assert ("0 questions to check. 2 questions were drawn fewer than 5 times: too few to judge yet.") in page
    assert page.count("Drawn 2 times: too few to judge yet.") == 2
