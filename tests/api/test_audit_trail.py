"""GET /api/v1/audit and the "Nhật ký thao tác" page: the trail read back, newest first, narrowed
by contest (its rounds' rows too), round, person, action and time; organizers only."""
from datetime import timedelta

from contest.audit.service import record
from contest.extensions import db
from tests.factories import sign_in


def _trail(make, clock):
    organizer = make.user("btc.tinh", role="organizer", full_name="Ban tổ chức tỉnh")
    other = make.user("btc.huyen", role="organizer", full_name="Ban tổ chức huyện")
    round_ = make.round(title="Tuần 1")
    elsewhere = make.round(title="Tuần khác")
    record("round.update", "round", round_.id, actor=organizer, round_id=round_.id,
           before={"closes_at": "2026-12-14T02:00:00+00:00"}, after={"closes_at": "2026-12-13T02:00:00+00:00"})
    clock.advance(minutes=5)
    record("round.publish", "round", round_.id, actor=other, round_id=round_.id, contest_id=round_.contest_id,
           before={"results_published": False}, after={"results_published": True})
    clock.advance(minutes=5)
    record("sheet.reopen", "assignment", 9, actor=organizer, round_id=elsewhere.id,
           before={"status": "submitted"}, after={"status": "draft"}, reason="Nhập nhầm điểm")
    db.session.commit()
    return organizer, round_, elsewhere


def test_the_trail_newest_first_with_every_field(client, make, clock):
    organizer, round_, elsewhere = _trail(make, clock)
    body = client.get("/api/v1/audit", headers=make.auth(organizer)).json
    assert body["total"] == 3
    assert [e["action"] for e in body["items"]] == ["sheet.reopen", "round.publish", "round.update"]
    first = body["items"][0]
    assert first["actor"] == {"id": organizer.id, "username": "btc.tinh"}
    assert first["object"] == {"type": "assignment", "id": 9}
    assert first["before"] == {"status": "submitted"} and first["after"] == {"status": "draft"}
    assert first["reason"] == "Nhập nhầm điểm"


def test_filters_and_paging(client, make, clock):
    organizer, round_, elsewhere = _trail(make, clock)
    auth = make.auth(organizer)

    def actions(**query):
        body = client.get("/api/v1/audit", headers=auth, query_string=query).json
        return body["total"], [e["action"] for e in body["items"]]

    # A contest takes in the rows that name only one of its rounds.
    assert actions(contest_id=round_.contest_id) == (2, ["round.publish", "round.update"])
    assert actions(round_id=elsewhere.id) == (1, ["sheet.reopen"])
    assert actions(actor="btc.huyen") == (1, ["round.publish"])
    assert actions(actor="nobody") == (0, [])
    assert actions(action="round.") == (2, ["round.publish", "round.update"])
    assert actions(action="round.publish") == (1, ["round.publish"])
    since = (clock() - timedelta(minutes=7)).isoformat()
    assert actions(since=since) == (2, ["sheet.reopen", "round.publish"])
    assert actions(limit=1, offset=1) == (3, ["round.publish"])
    bad = client.get("/api/v1/audit", headers=auth, query_string={"since": "hôm qua"})
    assert bad.status_code == 422 and bad.json["error"]["code"] == "validation_error"


def test_only_organizers_read_the_trail(client, make, clock):
    _trail(make, clock)
    assert client.get("/api/v1/audit").status_code == 401
    member = client.get("/api/v1/audit", headers=make.auth(make.user()))
    assert member.status_code == 403 and member.json["error"]["code"] == "forbidden"
    sign_in(client, make.user("thi.sinh"))
    assert client.get("/manage/audit/").status_code == 403


def test_the_page_shows_who_did_what_before_and_after(client, make, clock):
    organizer, round_, elsewhere = _trail(make, clock)
    sign_in(client, organizer)
    html = client.get("/manage/audit/", query_string={"round_id": round_.id}).get_data(as_text=True)
    assert "<h1 class=\"h3\">Nhật ký thao tác · Tuần 1</h1>" in html
    assert "Tìm thấy 2 thao tác." in html
    assert "<strong>results_published</strong>: False → True" in html
    assert "Ban tổ chức huyện" in html and "Nhập nhầm điểm" not in html
    html = client.get("/manage/audit/", query_string={"actor": "btc.tinh"}).get_data(as_text=True)
    assert "Tìm thấy 2 thao tác." in html and "Nhập nhầm điểm" in html
