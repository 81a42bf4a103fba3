"""Copy a round, delete one nobody has taken, and each round's real participant count (issue 11
point 6): the API, the organizer's pages and the rules (contest/standings/lifecycle.py)."""
import doctest
from datetime import timedelta

from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.essays.models import EssaySettings
from contest.extensions import db
from contest.judging.criteria import round_criteria
from contest.rounds.models import Round
from contest.standings import lifecycle
from tests.api.test_essay_entries import essay_round, words
from tests.web.test_essay_pages import login


def _events(action):
    return db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "round",
                                                       AuditEvent.action == action)).scalars().all()


def test_doctests():
    assert doctest.testmod(lifecycle).failed == 0


QUIZ_FIELDS = ("kind", "rules", "duration_seconds", "question_count", "draw", "topic_ids", "max_attempts",
               "counting", "tie_break", "shuffle_options", "grace_seconds", "prediction_prompt", "prizes")


def test_copy_a_quiz_round_a_week_later(client, make):
    questions = make.questions(10)
    organizer = make.user(role="organizer")
    round_ = make.round(title="Tuần thi thứ hai", rules="Thể lệ tuần 2", max_attempts=2,
                        draw=[{"topic_id": questions[0].topic_id, "count": 5}], counting="last",
                        prediction_prompt="Bao nhiêu người dự thi?", prizes=[{"name": "Nhất", "count": 1}])
    answer = client.post(f"/api/v1/rounds/{round_.id}/copy", headers=make.auth(organizer))
    assert answer.status_code == 201
    copy = db.session.get(Round, answer.json["id"])
    assert answer.json["title"] == "Tuần thi thứ hai (bản sao)"
    assert copy.contest_id == round_.contest_id and copy.id != round_.id
    assert {f: getattr(copy, f) for f in QUIZ_FIELDS} == {f: getattr(round_, f) for f in QUIZ_FIELDS}
    assert copy.opens_at - round_.opens_at == timedelta(days=7)
    assert copy.closes_at - round_.closes_at == timedelta(days=7)
    assert copy.results_published is False
    [event] = _events("round.copy")
    assert event.object_id == copy.id and event.actor_id == organizer.id
    assert event.before == {"copied_from": round_.id}
    assert event.after["title"] == "Tuần thi thứ hai (bản sao)"


def test_copy_with_the_window_given(client, make, clock):
    make.questions(10)
    organizer = make.user(role="organizer")
    round_ = make.round()
    opens = clock() + timedelta(days=30)
    answer = client.post(f"/api/v1/rounds/{round_.id}/copy", headers=make.auth(organizer),
                         json={"opens_at": opens.isoformat(), "closes_at": (opens + timedelta(days=2)).isoformat()})
    assert answer.status_code == 201
    copy = db.session.get(Round, answer.json["id"])
    assert (copy.opens_at, copy.closes_at) == (opens, opens + timedelta(days=2))
    wrong = client.post(f"/api/v1/rounds/{round_.id}/copy", headers=make.auth(organizer),
                        json={"opens_at": opens.isoformat(), "closes_at": opens.isoformat()})
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0] == {"field": "closes_at",
                                                 "message": "Thời gian đóng vòng thi phải sau thời gian mở."}
    assert db.session.scalar(select(db.func.count()).select_from(Round)) == 2  # nothing kept
    member = make.user()
    assert client.post(f"/api/v1/rounds/{round_.id}/copy", headers=make.auth(member)).status_code == 403


def test_copy_a_writing_round_with_its_criteria_and_settings(client, make):
    organizer = make.user(role="organizer")
    round_ = essay_round(make, title="Bài viết tháng 5", max_words=1500)
    settings = db.session.get(EssaySettings, round_.id) or EssaySettings(round_id=round_.id)
    settings.allowed_kinds, settings.similarity_limit = ["docx"], 0.3
    db.session.add(settings)
    db.session.commit()
    answer = client.post(f"/api/v1/rounds/{round_.id}/copy", headers=make.auth(organizer))
    assert answer.status_code == 201
    copy = db.session.get(Round, answer.json["id"])
    assert copy.kind == "essay" and (copy.min_words, copy.max_words) == (round_.min_words, 1500)
    strip = lambda rows: [{k: v for k, v in c.items() if k != "id"} for c in rows]  # noqa: E731
    assert strip(round_criteria(copy)) == strip(round_criteria(round_)) != []
    copied = db.session.get(EssaySettings, copy.id)
    assert (copied.allowed_kinds, copied.similarity_limit) == (["docx"], 0.3)


def test_the_copy_button_opens_the_copy_s_form(client, make):
    make.questions(10)
    organizer = make.user(role="organizer")
    round_ = make.round(title="Tuần 3")
    login(client, organizer)
    page = client.get(f"/manage/contests/{round_.contest_id}").get_data(as_text=True)
    assert "Sao chép sang tuần sau" in page
    answer = client.post(f"/manage/rounds/{round_.id}/copy")
    copy = db.session.execute(select(Round).where(Round.id != round_.id)).scalar_one()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/manage/rounds/{copy.id}/edit")
    form = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'value="Tuần 3 (bản sao)"' in form


def test_delete_a_round_nobody_took(client, make):
    make.questions(10)
    organizer = make.user(role="organizer")
    round_ = make.round(title="Tuần thừa")
    round_id, contest_id = round_.id, round_.contest_id
    answer = client.delete(f"/api/v1/rounds/{round_id}", headers=make.auth(organizer))
    assert answer.status_code == 204 and answer.get_data() == b""
    db.session.expire_all()
    assert db.session.get(Round, round_id) is None
    [event] = _events("round.delete")
    assert (event.object_id, event.contest_id, event.after) == (round_id, contest_id, None)
    assert event.before["title"] == "Tuần thừa" and event.before["question_count"] == 5
    assert client.get(f"/api/v1/rounds/{round_id}", headers=make.auth(organizer)).status_code == 404


def test_a_taken_round_is_not_deleted_and_says_why(client, make):
    make.questions(10)
    organizer = make.user(role="organizer")
    round_ = make.round(max_attempts=None)
    for i in range(3):
        member = make.user()
        for _ in range(2 if i == 0 else 1):
            started = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(member)).json
            client.post(f"/api/v1/attempts/{started['id']}/submit", headers=make.auth(member))
    answer = client.delete(f"/api/v1/rounds/{round_.id}", headers=make.auth(organizer))
    assert answer.status_code == 409
    assert answer.json["error"] == {"code": "round_taken", "message": "Đã có 4 lượt thi: không thể xoá vòng thi."}
    assert db.session.get(Round, round_.id) is not None
    assert _events("round.delete") == []
    # the page: the reason, nothing deleted
    login(client, organizer)
    page = client.post(f"/manage/rounds/{round_.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Đã có 4 lượt thi: không thể xoá vòng thi." in page
    assert db.session.get(Round, round_.id) is not None


def test_a_writing_round_with_an_entry_is_not_deleted(client, make):
    organizer, author = make.user(role="organizer"), make.user()
    round_ = essay_round(make)
    assert client.post(f"/api/v1/rounds/{round_.id}/entries", json={"title": "Học Bác", "body": words(10)},
                       headers=make.auth(author)).status_code in (200, 201)
    answer = client.delete(f"/api/v1/rounds/{round_.id}", headers=make.auth(organizer))
    assert answer.status_code == 409
    assert answer.json["error"]["message"] == "Đã có 1 bài dự thi: không thể xoá vòng thi."


def test_the_delete_button_deletes_an_untaken_writing_round(client, make):
    organizer = make.user(role="organizer")
    round_ = essay_round(make, title="Bài viết thử")
    round_id, contest_id = round_.id, round_.contest_id
    login(client, organizer)
    page = client.get(f"/manage/contests/{contest_id}").get_data(as_text=True)
    assert "Xoá hẳn vòng thi này" in page
    answer = client.post(f"/manage/rounds/{round_id}/delete", follow_redirects=True)
    assert "Đã xoá vòng thi." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Round, round_id) is None
    assert [e.object_id for e in _events("round.delete")] == [round_id]


def test_participant_counts_quiz_and_writing_in_one_query(client, make):
    make.questions(10)
    organizer = make.user(role="organizer")
    quiz = make.round(title="Tuần trắc nghiệm", max_attempts=None)
    writing = essay_round(make, contest=quiz.contest, title="Bài viết")
    empty = make.round(contest=quiz.contest, title="Tuần chưa ai thi")
    members = [make.user() for _ in range(4)]
    for i, member in enumerate(members[:3]):
        for _ in range(2 if i == 0 else 1):  # one member twice: still one participant
            started = client.post(f"/api/v1/rounds/{quiz.id}/attempts", headers=make.auth(member)).json
            client.post(f"/api/v1/attempts/{started['id']}/submit", headers=make.auth(member))
    for member in members:
        client.post(f"/api/v1/rounds/{writing.id}/entries", json={"title": "Học Bác", "body": words(10)},
                    headers=make.auth(member))
    ids = [quiz.id, writing.id, empty.id]
    db.session.commit()
    statements = []
    from sqlalchemy import event

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        counts = lifecycle.participant_counts(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counts == {ids[0]: 3, ids[1]: 4}
    assert len(statements) == 1
    login(client, organizer)
    manage = client.get("/manage/").get_data(as_text=True)
    contest_page = client.get(f"/manage/contests/{quiz.contest_id}").get_data(as_text=True)
    for page in (manage, contest_page):
        rows = {title: page.split(title, 1)[1].split("</tr>", 1)[0] for title in ("Tuần trắc nghiệm", "Bài viết", "Tuần chưa ai thi")}
        assert "<td>3</td>" in rows["Tuần trắc nghiệm"]
        assert "<td>4</td>" in rows["Bài viết"]
        assert "<td>0</td>" in rows["Tuần chưa ai thi"]
