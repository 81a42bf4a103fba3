"""A member takes a quiz round through the pages (session + autosave endpoint)."""
import re
from datetime import timedelta

from contest.extensions import db
from contest.rounds.models import Attempt
from question_bank.models import Option
from tests.factories import sign_in


# What the page's script sends with the session cookie to read the API (CSRF checks are off in
# the test app; tests/api/test_session_auth.py checks the token itself).
PAGE = {"X-CSRFToken": "the-page-token"}


def login(client, user, password="secret-pass"):
    sign_in(client, user, password=password)


def start(client, round_):
    response = client.post(f"/rounds/{round_.id}/start")
    assert response.status_code == 302
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))


def correct_ids(attempt_id):
    """The right options of each question by the ids the page shows (its public keys)."""
    attempt = db.session.get(Attempt, attempt_id)
    return {aq.question_id: aq.public_ids(o.id for o in aq.version.options if o.is_correct)
            for aq in attempt.questions}


def test_member_takes_round_and_sees_score(client, make):
    round_ = make.quiz(questions=8, question_count=5)
    member = make.user()
    login(client, member)
    attempt_id = start(client, round_)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Câu hỏi số" in page
    keys = correct_ids(attempt_id)
    for i, (qid, options) in enumerate(keys.items()):
        shown = db.session.get(Attempt, attempt_id).questions[i]
        chosen = options if i < 3 else [o for o in shown.public_ids(shown.option_order) if o not in options][:1]
        saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": chosen})
        assert saved.status_code == 200
        assert saved.json["option_ids"] == chosen
    make.clock.advance(minutes=3)
    result = client.post(f"/attempts/{attempt_id}/submit", data={})
    assert result.status_code == 302
    page = client.get(result.headers["Location"]).get_data(as_text=True)
    assert '<p class="display-5 fw-bold mb-1" data-testid="score">3,0 / 5,0</p>' in page
    assert "3 phút 00,0 giây" in page  # time taken, as a person reads it


def test_reload_restores_saved_answers(client, make):
    round_ = make.quiz(questions=5, question_count=5)
    member = make.user()
    login(client, member)
    attempt_id = start(client, round_)
    qid, options = next(iter(correct_ids(attempt_id).items()))
    client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": options})
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(rf'id="o{options[0]}" value="{options[0]}"\s+checked', page)
    state = client.get(f"/api/v1/attempts/{attempt_id}", headers=PAGE).json
    assert state["answers"][str(qid)] == options
    # Starting again gives the same attempt, not a second one.
    assert start(client, round_) == attempt_id


def test_no_answer_key_in_pages_while_open(client, make):
    round_ = make.quiz(questions=5, question_count=5)
    member = make.user()
    login(client, member)
    attempt_id = start(client, round_)
    keys = correct_ids(attempt_id)
    texts = ["is_correct", "correct_option_ids", "Giải thích"]
    for url in (f"/attempts/{attempt_id}", f"/api/v1/attempts/{attempt_id}"):
        response = client.get(url, headers=PAGE)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for marker in texts:
            assert marker not in body, (url, marker)
    client.post(f"/attempts/{attempt_id}/submit", data={})
    body = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Giải thích" not in body and "✔" not in body
    # Once the round closes, the review shows the right answers and explanations.
    make.clock.set(round_.closes_at + timedelta(seconds=1))
    body = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "✔" in body and "Giải thích" in body
    assert keys  # the attempt had questions


def test_expired_attempt_is_scored_with_what_was_saved(client, make):
    round_ = make.quiz(questions=5, question_count=5, duration_seconds=300)
    member = make.user()
    login(client, member)
    attempt_id = start(client, round_)
    keys = correct_ids(attempt_id)
    qid, options = next(iter(keys.items()))
    client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": options})
    make.clock.advance(seconds=300 + 10 + 1)  # past deadline and grace
    late = client.put(f"/api/v1/attempts/{attempt_id}/answers/{list(keys)[1]}", json={"option_ids": keys[list(keys)[1]]})
    assert late.status_code == 409 and late.json["error"]["code"] == "attempt_closed"
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)  # nobody pressed submit
    attempt = db.session.get(Attempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.status == "expired" and attempt.score == 1 and attempt.duration_seconds == 300
    assert "<span>1,0 / 5,0</span>" in page


def test_within_grace_is_accepted(client, make):
    round_ = make.quiz(questions=5, question_count=5, duration_seconds=300, grace_seconds=10)
    member = make.user()
    login(client, member)
    attempt_id = start(client, round_)
    qid, options = next(iter(correct_ids(attempt_id).items()))
    make.clock.advance(seconds=305)
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": options}).status_code == 200


def test_member_cannot_touch_another_members_attempt(client, make):
    round_ = make.quiz(questions=5, question_count=5)
    owner, other = make.user(), make.user()
    login(client, owner)
    attempt_id = start(client, round_)
    qid = next(iter(correct_ids(attempt_id)))
    client.post("/logout")
    login(client, other)
    assert client.get(f"/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=PAGE).status_code == 404
    assert client.get(f"/attempts/{attempt_id}/result").status_code == 404
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"option_ids": []}).status_code == 404
    assert client.post(f"/attempts/{attempt_id}/submit", data={}).status_code == 404


def test_members_cannot_reach_organizer_pages_or_unpublished_leaderboard(client, make):
    round_ = make.quiz(questions=5, question_count=5)
    login(client, make.user())
    for url in ("/manage/", "/manage/contests/new", f"/manage/rounds/{round_.id}/edit", "/manage/bank/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/rounds/{round_.id}/leaderboard").status_code == 403
    assert client.post(f"/manage/rounds/{round_.id}/publish").status_code == 403


def test_attempt_limit_and_round_window(client, make):
    round_ = make.quiz(questions=10, question_count=5, max_attempts=1)
    login(client, make.user())
    attempt_id = start(client, round_)
    client.post(f"/attempts/{attempt_id}/submit", data={})
    response = client.post(f"/rounds/{round_.id}/start", follow_redirects=True)
    assert "Bạn đã dùng hết số lượt thi của vòng thi này." in response.get_data(as_text=True)
    upcoming = make.round(opens_in=timedelta(days=1))
    response = client.post(f"/rounds/{upcoming.id}/start", follow_redirects=True)
    assert db.session.query(Attempt).filter_by(round_id=upcoming.id).count() == 0


def test_invalid_option_is_refused(client, make):
    round_ = make.quiz(questions=5, question_count=2)
    login(client, make.user())
    attempt_id = start(client, round_)
    keys = correct_ids(attempt_id)
    (q1, _), (q2, opts2) = list(keys.items())[:2]
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{q1}", json={"option_ids": opts2})
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_option"
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{q1}", json={"option_ids": "x"})
    assert response.status_code == 422
    assert db.session.query(Option).count() > 0


def test_a_question_retired_after_the_bank_was_cached_is_never_drawn(client, make):
    from contest.rounds import service
    from question_bank.candidates import load_candidates
    from question_bank.models import Question

    questions = make.questions(4)
    round_ = make.round(question_count=3)
    load_candidates()  # cached with all four approved
    retired = questions[0]
    db.session.get(Question, retired.id).status = "retired"  # e.g. by another app server
    db.session.commit()
    for _ in range(5):
        member = make.user()
        attempt, _ = service.start_attempt(round_, member)
        assert retired.id not in {aq.question_id for aq in attempt.questions}
