"""Editing a question that an attempt has drawn makes a new version; the attempt keeps its own."""
from datetime import timedelta

from sqlalchemy import select

from contest.extensions import db
from contest.rounds import service as rounds
from contest.rounds.models import Attempt
from question_bank.models import Question, QuestionVersion
from question_bank.service import create_question, edit_question
from tests.factories import sign_in


def login(client, user):
    sign_in(client, user, locale="en")  # assertions read the English texts


def test_unused_question_is_edited_in_place(make):
    question = make.questions(1)[0]
    created = edit_question(question, text="Câu đã sửa?", kind="single",
                            options=[("X", False), ("Y", True)], explanation="Vì Y.")
    db.session.commit()
    assert created is False
    assert [v.number for v in question.versions] == [1]
    assert question.current.text == "Câu đã sửa?"
    assert [(o.text, o.is_correct) for o in question.current.options] == [("X", False), ("Y", True)]


def test_saving_without_changes_makes_no_version(make):
    question = create_question(text="Câu?", kind="single", options=[("A", True), ("B", False)])
    db.session.commit()
    assert edit_question(question, text="Câu?", kind="single", options=[("A", True), ("B", False)],
                         difficulty=3) is False
    assert question.difficulty == 3 and len(question.versions) == 1


def test_attempt_review_and_score_survive_an_edit(client, make, clock):
    organizer = make.user(role="organizer")
    member = make.user()
    round_ = make.quiz(questions=5, question_count=5, open_for=timedelta(hours=2))
    attempt, _ = rounds.start_attempt(round_, member)
    for aq in attempt.questions:  # answer every question right
        right = [o.id for o in aq.version.options if o.is_correct]
        rounds.save_answer(attempt.id, aq.question_id, aq.public_ids(right))
    attempt = rounds.submit_attempt(db.session.get(Attempt, attempt.id))
    assert attempt.correct_count == 5
    clock.advance(hours=3)  # the round closes: the review shows keys and explanations
    before = rounds.attempt_view(db.session.get(Attempt, attempt.id))

    # The organizer changes the key and wording of a drawn question through the page.
    target = db.session.get(Question, attempt.questions[0].question_id)
    old_version_id = target.current_version_id
    login(client, organizer)
    r = client.post(f"/manage/bank/questions/{target.id}/edit", data={
        "text": "Câu hỏi đã sửa lại?", "kind": "single", "options-0-text": "Mới A",
        "options-1-text": "Mới B", "options-1-is_correct": "y", "topic_id": str(target.topic_id),
        "difficulty": "0", "status": "approved", "explanation": "Giải thích mới", "truth": "1"},
        follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Saved as version 2" in page
    assert "Version 1" in page and "Version 2" in page  # the question page shows its history

    db.session.expire_all()
    target = db.session.get(Question, target.id)
    assert target.current.number == 2 and target.current_version_id != old_version_id
    assert db.session.get(QuestionVersion, old_version_id).text.startswith("Câu hỏi số")
    after = rounds.attempt_view(db.session.get(Attempt, attempt.id))
    assert after["questions"] == before["questions"]
    assert after["result"] == before["result"]
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.score == 5 * (attempt.max_score / 5) and attempt.correct_count == 5
    # a second edit of the (still unused) version 2 stays version 2
    assert edit_question(target, text="Lần sửa thứ ba?", kind="single",
                         options=[("Mới A", True), ("Mới B", False)]) is False
    db.session.commit()
    assert [v.number for v in target.versions] == [1, 2]


def test_new_attempts_draw_the_new_version(make, clock):
    member = make.user()
    round_ = make.quiz(questions=1, question_count=1, max_attempts=2)
    first, _ = rounds.start_attempt(round_, member)
    rounds.submit_attempt(first)
    question = db.session.execute(select(Question)).scalar_one()
    assert edit_question(question, text="Phiên bản mới?", kind="true_false",
                         options=[("Đúng", False), ("Sai", True)]) is True
    db.session.commit()
    second, _ = rounds.start_attempt(round_, member)
    assert second.questions[0].version.text == "Phiên bản mới?"
    assert db.session.get(Attempt, first.id).questions[0].version.number == 1
