"""Publishing results through the API: refused while a round is open (409 round_open) and, for a
writing round, while a sheet of its current stage is missing (409 judging_incomplete naming the
entries' codes); every publish and unpublish is in the audit log; while a round is open no member
sees anyone else's prediction anywhere."""
from datetime import timedelta

from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.essays.models import Entry
from contest.extensions import db
from contest.judging import service as judging
from contest.judging.models import Assignment
from contest.rounds import service
from contest.rounds.models import Round
from tests.api.test_essay_entries import essay_round, words
from tests.api.test_judging_api import criteria_ids

ROUND_OPEN_VI = ("Vòng thi chưa kết thúc: chỉ công bố được kết quả sau khi vòng thi đóng, để không ai "
                 "thấy bài làm hay dự đoán của người khác trong lúc vẫn còn làm bài được.")


def _patch(client, round_id, headers, **fields):
    return client.patch(f"/api/v1/rounds/{round_id}", headers=headers, json=fields)


def _published(round_id) -> bool:
    db.session.expire_all()
    return db.session.get(Round, round_id).results_published


def _publish_events(round_id):
    return [(e.action, e.before, e.after, e.actor_id, e.contest_id) for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.action.in_(["round.publish", "round.unpublish"]),
                                 AuditEvent.round_id == round_id)
        .order_by(AuditEvent.id)).scalars()]


def _finished_attempt(round_, user, prediction):
    attempt, _ = service.start_attempt(round_, user)
    service.submit_attempt(attempt, prediction)
    return attempt


# --- quiz rounds -----------------------------------------------------------------------------

def test_publishing_an_open_quiz_round_is_refused_and_changes_nothing(client, make):
    make.questions(4)
    round_ = make.round(question_count=3, prediction_prompt="Bao nhiêu người đúng hết?")
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    refused = _patch(client, round_.id, headers, results_published=True)
    assert refused.status_code == 409
    assert refused.json == {"error": {"code": "round_open", "message": ROUND_OPEN_VI}}
    # A patch that also edits the round is refused whole: the title stays as it was.
    mixed = _patch(client, round_.id, headers, title="Tuần thi đã sửa", results_published=True)
    assert mixed.status_code == 409 and mixed.json["error"]["code"] == "round_open"
    assert client.get(f"/api/v1/rounds/{round_.id}").json["title"] == "Tuần thi"
    assert _published(round_.id) is False and _publish_events(round_.id) == []


def test_a_quiz_round_publishes_once_closed_and_its_grace_has_passed(client, make):
    make.questions(4)
    round_ = make.round(question_count=3, grace_seconds=10)
    organizer = make.user(role="organizer")
    headers = make.auth(organizer)
    make.clock.set(round_.closes_at + timedelta(seconds=10))  # the last answers may still arrive
    assert _patch(client, round_.id, headers, results_published=True).json["error"]["code"] == "round_open"
    make.clock.set(round_.closes_at + timedelta(seconds=11))
    published = _patch(client, round_.id, headers, results_published=True)
    assert published.status_code == 200 and published.json["results_published"] is True
    assert client.get(f"/api/v1/rounds/{round_.id}/leaderboard").status_code == 200
    again = _patch(client, round_.id, headers, results_published=True)  # already published: no new event
    assert again.status_code == 200
    hidden = _patch(client, round_.id, headers, results_published=False)
    assert hidden.status_code == 200 and hidden.json["results_published"] is False
    assert _publish_events(round_.id) == [
        ("round.publish", {"results_published": False}, {"results_published": True}, organizer.id,
         round_.contest_id),
        ("round.unpublish", {"results_published": True}, {"results_published": False}, organizer.id,
         round_.contest_id)]


def test_a_published_round_cannot_be_reopened_by_moving_its_close(client, make):
    make.questions(4)
    round_ = make.round(question_count=3)
    headers = make.auth(make.user(role="organizer"))
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    assert _patch(client, round_.id, headers, results_published=True).status_code == 200
    later = (make.clock() + timedelta(days=1)).isoformat()
    moved = _patch(client, round_.id, headers, closes_at=later)
    assert moved.status_code == 409 and moved.json["error"]["code"] == "round_open"
    db.session.expire_all()
    assert db.session.get(Round, round_.id).closes_at == round_.closes_at
    # Hidden first, it may be reopened.
    assert _patch(client, round_.id, headers, results_published=False, closes_at=later).status_code == 200


def test_a_new_round_cannot_be_created_published_while_open(client, make):
    make.questions(4)
    contest = make.contest()
    headers = make.auth(make.user(role="organizer"))
    now = make.clock()
    created = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json={
        "title": "Tuần thi mới", "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=7)).isoformat(),
        "duration_seconds": 600, "question_count": 3, "results_published": True})
    assert created.status_code == 409 and created.json["error"]["code"] == "round_open"
    assert db.session.query(Round).count() == 0


def test_while_a_round_is_open_no_member_sees_anyone_elses_prediction(client, make):
    """Even a round marked published while open (as an old database may hold) shows nothing."""
    make.questions(4)
    round_ = make.round(question_count=3, prediction_prompt="Bao nhiêu người đúng hết?")
    other = make.user(full_name="Người Khác")
    _finished_attempt(round_, other, prediction=918273645)
    member = make.user(full_name="Thí Sinh Xem")
    mine = _finished_attempt(round_, member, prediction=17)
    round_.results_published = True
    db.session.commit()
    headers = make.auth(member)
    board = client.get(f"/api/v1/rounds/{round_.id}/leaderboard", headers=headers)
    assert board.status_code == 403 and board.json["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/rounds/{round_.id}/leaderboard").status_code == 403
    assert client.get(f"/api/v1/rounds/{round_.id}/units", headers=headers).status_code == 403
    for path in (f"/api/v1/rounds/{round_.id}", "/api/v1/contests", f"/api/v1/attempts/{mine.id}", "/api/v1/me"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert "918273645" not in response.get_data(as_text=True), path
    from tests.web.test_essay_pages import login

    login(client, member)
    for path in (f"/rounds/{round_.id}/leaderboard", f"/rounds/{round_.id}/units"):
        assert client.get(path).status_code == 403, path
    for path in ("/", f"/rounds/{round_.id}", f"/attempts/{mine.id}/result", f"/api/v1/attempts/{mine.id}"):
        response = client.get(path, headers={"X-CSRFToken": "the-page-token"})
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert "918273645" not in text and "Người Khác" not in text, path
    # The organizer sees the live leaderboard with every prediction.
    organizer = make.auth(make.user(role="organizer"))
    live = client.get(f"/api/v1/rounds/{round_.id}/leaderboard", headers=organizer).json
    assert sorted(r["prediction"] for r in live["items"]) == [17, 918273645]


def test_once_closed_and_published_members_see_the_predictions(client, make):
    make.questions(4)
    round_ = make.round(question_count=3, prediction_prompt="Bao nhiêu người đúng hết?")
    _finished_attempt(round_, make.user(full_name="Người Khác"), prediction=918273645)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    assert _patch(client, round_.id, make.auth(make.user(role="organizer")), results_published=True).status_code == 200
    board = client.get(f"/api/v1/rounds/{round_.id}/leaderboard", headers=make.auth(make.user())).json
    assert [(r["display_name"], r["prediction"]) for r in board["items"]] == [("Người Khác", 918273645)]


# --- writing rounds --------------------------------------------------------------------------

def _judged_round(client, make):
    """A writing round with three entries and two judges each; sheets: A both submitted,
    B one submitted and one draft, C one submitted and one not started."""
    round_ = essay_round(make, judges_per_entry=2, discrepancy_threshold=None)
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    organizer = make.user(role="organizer")
    unit = make.unit()
    for title in ("A", "B", "C"):
        author = make.user(unit=unit)
        assert client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(author),
                           json={"title": title, "body": words(20)}).status_code == 201
    assert client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer),
                       json={"judge_ids": [j.id for j in judges]}).status_code == 201
    entries = {e.title: e for e in db.session.execute(select(Entry)).scalars()}
    criteria = criteria_ids(round_)
    full = {cid: 20 for cid in criteria}
    for title, plan in (("A", ("submit", "submit")), ("B", ("submit", "draft")), ("C", ("submit", None))):
        rows = db.session.execute(select(Assignment).where(Assignment.entry_id == entries[title].id)
                                  .order_by(Assignment.judge_id)).scalars().all()
        for row, step in zip(rows, plan):
            if step is not None:
                judging.save_sheet(row, full if step == "submit" else {criteria[0]: 10}, None,
                                   submit=step == "submit")
    return round_, entries, organizer


def test_a_writing_round_with_missing_sheets_is_refused_naming_exactly_those_entries(client, make):
    round_, entries, organizer = _judged_round(client, make)
    headers = make.auth(organizer)
    assert _patch(client, round_.id, headers, results_published=True).json["error"]["code"] == "round_open"
    make.clock.set(round_.closes_at)
    refused = _patch(client, round_.id, headers, results_published=True)
    assert refused.status_code == 409
    error = refused.json["error"]
    missing = sorted([entries["B"].code, entries["C"].code])
    assert error["code"] == "judging_incomplete"
    assert [d["code"] for d in error["details"]] == missing
    assert error["message"] == (
        f"Việc chấm bài chưa xong: các bài dự thi sau còn thiếu phiếu chấm đã nộp: {', '.join(missing)}. "
        "Chỉ công bố được kết quả khi mọi phiếu chấm đã phân công ở vòng chấm này đều đã nộp.")
    assert _published(round_.id) is False
    assert client.get(f"/api/v1/rounds/{round_.id}/results", headers=make.auth(make.user())).status_code == 403
    # The last two sheets come in: now it publishes, and the author appears to everyone.
    for row in db.session.execute(select(Assignment).where(Assignment.status != "submitted")).scalars().all():
        judging.save_sheet(row, {cid: 25 for cid in criteria_ids(round_)}, None, submit=True)
    published = _patch(client, round_.id, headers, results_published=True)
    assert published.status_code == 200 and published.json["results_published"] is True
    public = client.get(f"/api/v1/rounds/{round_.id}/results").json
    assert public["published"] is True and len(public["items"]) == 3
    assert [e[2] for e in _publish_events(round_.id)] == [{"results_published": True}]


def test_an_entry_nobody_was_assigned_counts_as_missing(client, make):
    round_ = essay_round(make, judges_per_entry=2, discrepancy_threshold=None)
    author = make.user(unit=make.unit())
    assert client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(author),
                       json={"title": "Chưa ai chấm", "body": words(20)}).status_code == 201
    code = db.session.execute(select(Entry.code)).scalar_one()
    make.clock.set(round_.closes_at + timedelta(hours=1))
    refused = _patch(client, round_.id, make.auth(make.user(role="organizer")), results_published=True)
    assert refused.status_code == 409 and [d["code"] for d in refused.json["error"]["details"]] == [code]
