"""Prize tiers through the API: a round's `prizes` (201/422, audited), the leaderboard's `prize`
(ties at a boundary share it) and the export's prize column."""
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Attempt
from contest.rounds.prizes import DEFAULT_PRIZES


def _round_body(make, **extra):
    now = make.clock()
    return {"title": "Tuần 1", "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=1)).isoformat(),
            "duration_seconds": 600, "question_count": 3, **extra}


def test_create_and_patch_a_round_with_prizes(client, make):
    org = make.auth(make.user(role="organizer"))
    make.questions(3)
    contest = make.contest()
    created = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=org,
                          json=_round_body(make, prizes=DEFAULT_PRIZES))
    assert created.status_code == 201, created.json
    assert created.json["prizes"] == DEFAULT_PRIZES
    round_id = created.json["id"]
    assert client.get(f"/api/v1/rounds/{round_id}").json["prizes"] == DEFAULT_PRIZES

    patched = client.patch(f"/api/v1/rounds/{round_id}", headers=org,
                           json={"prizes": [{"name": "Giải Đặc biệt", "count": 1}]})
    assert patched.status_code == 200
    assert patched.json["prizes"] == [{"name": "Giải Đặc biệt", "count": 1}]
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.object_type == "round", AuditEvent.action == "round.update")).scalar_one()
    assert event.before == {"prizes": DEFAULT_PRIZES}
    assert event.after == {"prizes": [{"name": "Giải Đặc biệt", "count": 1}]}

    cleared = client.patch(f"/api/v1/rounds/{round_id}", headers=org, json={"prizes": None})
    assert cleared.status_code == 200 and cleared.json["prizes"] is None


def test_bad_prizes_are_refused_with_every_problem(client, make):
    org = make.auth(make.user(role="organizer"))
    make.questions(3)
    contest = make.contest()
    bad = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=org, json=_round_body(
        make, prizes=[{"name": "", "count": 1}, {"name": "Giải Ba", "count": 0}]))
    assert bad.status_code == 422
    assert bad.json["error"]["code"] == "validation_error"
    assert bad.json["error"]["details"] == [
        {"field": "prizes", "message": "Hạng giải 1: hãy đặt tên cho giải."},
        {"field": "prizes", "message": "Hạng giải 2: số lượng giải phải là số nguyên từ 1 đến 10000."}]
    round_ = make.round(contest=contest)
    same = client.patch(f"/api/v1/rounds/{round_.id}", headers=org, json={
        "prizes": [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhất", "count": 2}]})
    assert same.status_code == 422
    assert same.json["error"]["details"] == [
        {"field": "prizes", "message": 'Hạng giải 2: hai hạng giải trùng tên "Giải Nhất".'}]
    db.session.expire_all()
    assert db.session.get(type(round_), round_.id).prizes is None
    too_many = client.patch(f"/api/v1/rounds/{round_.id}", headers=org, json={
        "prizes": [{"name": f"Giải {i}", "count": 1} for i in range(21)]})
    assert too_many.status_code == 422
    assert too_many.json["error"]["details"] == [{"field": "prizes", "message": "Tối đa 20 hạng giải."}]


def ranked_round(make, scores, prizes=DEFAULT_PRIZES, published=True):
    """A closed quiz round whose members finished with these scores (same duration, same
    submission time: equal scores are tied on every ranking key)."""
    round_ = make.round(prizes=prizes, question_count=3)
    done = round_.opens_at + timedelta(minutes=10)
    for i, score in enumerate(scores):
        user = make.user(full_name=f"Thí sinh số {i + 1}")
        db.session.add(Attempt(round_id=round_.id, user_id=user.id, number=1, status="submitted",
                               started_at=done - timedelta(minutes=5), deadline=done, submitted_at=done,
                               score=score, max_score=100, correct_count=0, question_count=3,
                               duration_seconds=300))
    make.clock.set(round_.closes_at + timedelta(minutes=5))
    round_.results_published = published
    db.session.commit()
    return round_


SCORES = [100 - i for i in range(15)] + [50, 50, 40]  # ranks 1..15, then 16, 16, 18


def test_two_members_tied_at_the_eighth_consolation_place_both_get_it(client, make):
    round_ = ranked_round(make, SCORES)
    board = client.get(f"/api/v1/rounds/{round_.id}/leaderboard?limit=100").json
    prizes = [(row["rank"], row["prize"]) for row in board["items"]]
    assert prizes[0] == (1, "Giải Nhất")
    assert prizes[1:3] == [(2, "Giải Nhì"), (3, "Giải Nhì")]
    assert prizes[3:8] == [(r, "Giải Ba") for r in range(4, 9)]
    assert prizes[8:17] == [(r, "Giải Khuyến khích") for r in range(9, 16)] + [(16, "Giải Khuyến khích")] * 2
    assert prizes[17] == (18, None)
    from contest.standings.service import prizes_by_member  # what certificates and reports read

    by_member = prizes_by_member(db.session.get(type(round_), round_.id))
    assert len(by_member) == 17 and sorted(set(by_member.values())) == [
        "Giải Ba", "Giải Khuyến khích", "Giải Nhì", "Giải Nhất"]


def test_a_change_of_prizes_reaches_a_cached_leaderboard(client, make, app):
    app.config["LEADERBOARD_CACHE_SECONDS"] = 15
    try:
        make.questions(3)
        round_ = ranked_round(make, [90, 80])
        org = make.auth(make.user(role="organizer"))
        url = f"/api/v1/rounds/{round_.id}/leaderboard"
        assert [r["prize"] for r in client.get(url).json["items"]] == ["Giải Nhất", "Giải Nhì"]
        assert client.patch(f"/api/v1/rounds/{round_.id}", headers=org,
                            json={"prizes": [{"name": "Giải Vàng", "count": 2}]}).status_code == 200
        assert [r["prize"] for r in client.get(url).json["items"]] == ["Giải Vàng", "Giải Vàng"]
    finally:
        app.config["LEADERBOARD_CACHE_SECONDS"] = 0


def test_the_leaderboard_export_has_the_prize_column(client, make):
    round_ = ranked_round(make, [90, 80, 80, 10], prizes=[{"name": "Giải Nhất", "count": 1},
                                                           {"name": "Giải Nhì", "count": 1}])
    org = make.auth(make.user(role="organizer"))
    response = client.get(f"/api/v1/rounds/{round_.id}/export/leaderboard.xlsx", headers=org)
    sheet = load_workbook(io.BytesIO(response.data))["Bảng xếp hạng"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Giải thưởng"
    assert [(r[0], r[-1]) for r in rows[1:]] == [(1, "Giải Nhất"), (2, "Giải Nhì"), (2, "Giải Nhì"), (4, None)]
