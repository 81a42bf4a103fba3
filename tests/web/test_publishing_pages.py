"""Publishing from the organizer pages: the quiz leaderboard page and the writing results page
refuse in Vietnamese and change nothing while the round is open or judging is incomplete; a
writing round publishes only with its confirmation ticked; `next=` never leaves the site."""
from datetime import timedelta

from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.essays.models import Entry
from contest.extensions import db
from contest.judging import service as judging
from contest.judging.models import Assignment
from contest.rounds.models import Round
from tests.api.test_essay_entries import essay_round, words
from tests.api.test_judging_api import criteria_ids
from tests.web.test_essay_pages import login

ROUND_OPEN_VI = ("Vòng thi chưa kết thúc: chỉ công bố được kết quả sau khi vòng thi đóng, để không ai "
                 "thấy bài làm hay dự đoán của người khác trong lúc vẫn còn làm bài được.")
CONFIRM_VI = ("Chưa công bố gì: hãy đánh dấu vào ô xác nhận rằng kết quả đã được kiểm tra và có thể "
              "công bố cho mọi người, kèm họ tên và đơn vị của tác giả.")


def _published(round_id) -> bool:
    db.session.expire_all()
    return db.session.get(Round, round_id).results_published


def _events(round_id) -> int:
    return db.session.query(AuditEvent).filter(
        AuditEvent.action.in_(["round.publish", "round.unpublish"]), AuditEvent.round_id == round_id).count()


def test_the_leaderboard_page_refuses_to_publish_an_open_round_in_vietnamese(client, make):
    make.questions(4)
    round_ = make.round(question_count=3)
    login(client, make.user(role="organizer"))
    page = client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
    assert ROUND_OPEN_VI in page  # said before anyone tries
    response = client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "1"}, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<div class="alert alert-danger' in html and ROUND_OPEN_VI in html
    assert _published(round_.id) is False and _events(round_.id) == 0


def test_the_leaderboard_page_publishes_a_closed_round_and_records_it(client, make):
    make.questions(4)
    round_ = make.round(question_count=3)
    organizer = make.user(role="organizer")
    login(client, organizer)
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    assert ROUND_OPEN_VI not in client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
    response = client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "1"}, follow_redirects=True)
    assert "Đã công bố kết quả: mọi người đã có thể xem bảng xếp hạng." in response.get_data(as_text=True)
    assert _published(round_.id) is True
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "round.publish")).scalar_one()
    assert (event.object_type, event.object_id, event.actor_id, event.before, event.after) == (
        "round", round_.id, organizer.id, {"results_published": False}, {"results_published": True})
    client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "0"})
    assert _published(round_.id) is False and _events(round_.id) == 2


def test_next_after_publishing_stays_on_the_site(client, make):
    make.questions(4)
    round_ = make.round(question_count=3)
    login(client, make.user(role="organizer"))
    make.clock.set(round_.closes_at + timedelta(minutes=1))
    board = f"/rounds/{round_.id}/leaderboard"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example",
                 "javascript:alert(1)"):
        response = client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "1", "next": evil})
        assert response.status_code == 302 and response.headers["Location"] == board, evil
        client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "0"})
    inside = client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "1", "next": "/manage/"})
    assert inside.headers["Location"] == "/manage/"


def test_sign_in_uses_the_same_next_check(client, make):
    user = make.user()
    response = client.post("/login?next=/\\evil.example", data={"username": user.username, "password": "secret-pass"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_writing_rounds_publish_from_their_results_page_only(client, make):
    round_ = essay_round(make)
    login(client, make.user(role="organizer"))
    make.clock.set(round_.closes_at)
    assert client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "1"}).status_code == 404
    assert _published(round_.id) is False


def _writing_round(client, make):
    round_ = essay_round(make, judges_per_entry=2, discrepancy_threshold=None)
    judges = [make.user(role="judge", unit=make.unit()) for _ in range(2)]
    organizer = make.user(role="organizer")
    unit = make.unit()
    for title in ("Bài một", "Bài hai"):
        assert client.post(f"/api/v1/rounds/{round_.id}/entries", headers=make.auth(make.user(unit=unit)),
                           json={"title": title, "body": words(20)}).status_code == 201
    client.post(f"/api/v1/rounds/{round_.id}/assignments", headers=make.auth(organizer),
                json={"judge_ids": [j.id for j in judges]})
    rows = db.session.execute(select(Assignment).order_by(Assignment.id)).scalars().all()
    assert len(rows) == 4
    return round_, organizer, rows


def test_the_results_page_refuses_while_open_and_while_a_sheet_is_missing(client, make):
    round_, organizer, rows = _writing_round(client, make)
    for row in rows[:3]:
        judging.save_sheet(row, {cid: 30 for cid in criteria_ids(round_)}, None, submit=True)
    login(client, organizer)
    results = f"/judging/manage/rounds/{round_.id}/results"
    open_page = client.post(f"{results}/publish", data={"confirm": "yes"}, follow_redirects=True)
    assert ROUND_OPEN_VI in open_page.get_data(as_text=True)
    make.clock.set(round_.closes_at)
    code = db.session.get(Entry, rows[3].entry_id).code
    missing_vi = (f"Việc chấm bài chưa xong: các bài dự thi sau còn thiếu phiếu chấm đã nộp: {code}. "
                  "Chỉ công bố được kết quả khi mọi phiếu chấm đã phân công ở vòng chấm này đều đã nộp.")
    page = client.get(results).get_data(as_text=True)
    assert missing_vi in page and 'id="publish" disabled' in page
    refused = client.post(f"{results}/publish", data={"confirm": "yes"}, follow_redirects=True)
    assert '<div class="alert alert-danger' in refused.get_data(as_text=True)
    assert missing_vi in refused.get_data(as_text=True)
    assert _published(round_.id) is False and _events(round_.id) == 0


def test_the_results_page_publishes_only_with_the_confirmation_ticked(client, make):
    round_, organizer, rows = _writing_round(client, make)
    for row in rows:
        judging.save_sheet(row, {cid: 30 for cid in criteria_ids(round_)}, None, submit=True)
    login(client, organizer)
    make.clock.set(round_.closes_at + timedelta(days=1))
    results = f"/judging/manage/rounds/{round_.id}/results"
    page = client.get(results).get_data(as_text=True)
    assert 'name="confirm" value="yes" id="confirm-publish" required>' in page
    unconfirmed = client.post(f"{results}/publish", data={}, follow_redirects=True)
    assert CONFIRM_VI in unconfirmed.get_data(as_text=True)
    assert _published(round_.id) is False and _events(round_.id) == 0
    done = client.post(f"{results}/publish", data={"confirm": "yes"}, follow_redirects=True)
    assert "Đã công bố kết quả: thí sinh đã có thể xem thứ hạng, tác giả và đơn vị." in done.get_data(as_text=True)
    assert _published(round_.id) is True and _events(round_.id) == 1
    client.post(f"{results}/unpublish")
    assert _published(round_.id) is False and _events(round_.id) == 2


WINDOW_VI = ("Kết quả của vòng thi này đã được công bố: hãy ẩn kết quả trước rồi mới dời thời gian "
             "của vòng thi, để không ai thấy kết quả của người khác trong lúc vòng thi mở lại.")


def test_the_round_form_cannot_reopen_a_published_round(client, make):
    make.questions(6)
    round_ = make.round(title="Tuần thi", question_count=5)
    close = round_.closes_at
    login(client, make.user(role="organizer"))
    make.clock.set(close + timedelta(minutes=1))
    client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "1"})
    assert _published(round_.id) is True
    later = (make.clock() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    form = {"title": "Tuần thi", "opens_at": "2026-01-01T10:00", "closes_at": later,
            "duration_minutes": "15", "question_count": "5", "counting": "best", "tie_break": "duration",
            "grace_seconds": "10"}
    page = client.post(f"/manage/rounds/{round_.id}/edit", data=form).get_data(as_text=True)
    assert WINDOW_VI in page
    db.session.expire_all()
    assert db.session.get(Round, round_.id).closes_at == close
    # Hidden first, the window may move again.
    client.post(f"/manage/rounds/{round_.id}/publish", data={"publish": "0"})
    assert client.post(f"/manage/rounds/{round_.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, round_.id).closes_at > close
