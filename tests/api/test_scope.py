"""Organizer scope, the API side (issue 11 point 5, accounts/scope.py, rounds/scope.py): who owns
a new contest, members-only contests, imports limited to the organizer's units."""
import doctest

from sqlalchemy import func, select

from contest.accounts import scope
from contest.accounts.models import User
from contest.extensions import db
from contest.rounds.models import Contest
from tests.api.test_members import _import, _xlsx


def test_the_scope_rules_worked_examples():
    assert doctest.testmod(scope).failed == 0


def _cells(make):
    province = make.unit("Huyện ủy")
    return province, make.unit("Chi bộ A", parent=province), make.unit("Chi bộ B", parent=province)


def test_a_contest_created_by_an_organizer_of_a_unit_is_owned_by_it_and_an_admins_is_platform_wide(client, make):
    _province, cell_a, _cell_b = _cells(make)
    organizer = make.user(role="organizer", unit=cell_a)
    created = client.post("/api/v1/contests", headers=make.auth(organizer),
                          json={"title": "Thi nội bộ chi bộ A", "members_only": True})
    assert created.status_code == 201
    assert (created.json["owner_unit_id"], created.json["members_only"]) == (cell_a.id, True)
    admin_contest = client.post("/api/v1/contests", headers=make.auth(make.user(role="admin", unit=cell_a)),
                                json={"title": "Thi toàn tỉnh"})
    assert (admin_contest.json["owner_unit_id"], admin_contest.json["members_only"]) == (None, False)


def test_a_members_only_contest_is_seen_and_taken_only_by_the_owners_subtree(client, make):
    province, cell_a, cell_b = _cells(make)
    team = make.unit("Tổ 1", parent=cell_a)
    make.questions(6)
    contest = make.contest("Thi nội bộ chi bộ A")
    contest.owner_unit_id, contest.members_only = cell_a.id, True
    db.session.commit()
    round_ = make.round(contest=contest)
    open_round = make.round(contest=make.contest("Cuộc thi toàn tỉnh"))
    inside, outside = make.user(unit=team), make.user(unit=cell_b)
    above = make.user(unit=province)  # the province's member is not of cell A's subtree

    def titles(user):
        listed = client.get("/api/v1/contests", headers=make.auth(user) if user else {}).json["items"]
        return sorted(c["title"] for c in listed)

    assert titles(inside) == ["Cuộc thi toàn tỉnh", "Thi nội bộ chi bộ A"]
    assert titles(outside) == titles(above) == titles(None) == ["Cuộc thi toàn tỉnh"]
    assert client.get(f"/api/v1/rounds/{round_.id}", headers=make.auth(outside)).status_code == 404
    refused = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(outside))
    assert (refused.status_code, refused.json["error"]["code"]) == (404, "not_found")
    assert client.post(f"/api/v1/rounds/{open_round.id}/attempts", headers=make.auth(outside)).status_code == 201
    started = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=make.auth(inside))
    assert started.status_code == 201
    attempt = started.json["id"]
    assert client.post(f"/api/v1/attempts/{attempt}/submit", headers=make.auth(inside)).status_code == 200
    # the pages too: the home page lists it only for cell A's members, its page is "not found"
    from tests.factories import sign_in

    sign_in(client, outside)
    assert "Thi nội bộ chi bộ A" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/rounds/{round_.id}").status_code == 404
    assert client.post(f"/rounds/{round_.id}/start").status_code == 404


def test_an_import_by_an_organizer_of_cell_a_refuses_the_rows_of_other_units(client, make):
    _province, cell_a, _cell_b = _cells(make)
    organizer = make.user(role="organizer", unit=cell_a)
    rows = [["Nguyễn Văn An", "an.a", "Huyện ủy/Chi bộ A", "", "", "", ""],
            ["Trần Thị Bình", "binh.b", "Huyện ủy/Chi bộ B", "", "", "", ""],
            ["Lê Văn Cường", "cuong.tinh", "Huyện ủy", "", "", "", ""],
            ["Phạm Thị Dung", "dung.to1", "Huyện ủy/Chi bộ A/Tổ 1", "", "", "", ""],
            ["Hoàng Văn Em", "em.moi", "Huyện ủy/Chi bộ C", "", "", "", ""]]
    before = db.session.execute(select(func.count()).select_from(User)).scalar()
    refused = _import(client, make.auth(organizer), _xlsx(rows), create_units="true")
    assert refused.status_code == 422
    assert refused.json["error"]["details"] == [
        {"line": 3, "message": "Đơn vị “Huyện ủy/Chi bộ B” không thuộc các đơn vị bạn quản lý."},
        {"line": 4, "message": "Đơn vị “Huyện ủy” không thuộc các đơn vị bạn quản lý."},
        {"line": 6, "message": "Đơn vị “Huyện ủy/Chi bộ C” không thuộc các đơn vị bạn quản lý."}]
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == before
    done = _import(client, make.auth(organizer), _xlsx([rows[0], rows[3]]), create_units="true")
    assert (done.status_code, done.json["created"], done.json["units_created"]) == (201, 2, 1)
    admin = _import(client, make.auth(make.user(role="admin")), _xlsx([rows[1], rows[2]]))
    assert admin.status_code == 201


def test_an_organizer_of_cell_a_cannot_open_cell_b_contest_by_api(client, make):
    _province, cell_a, cell_b = _cells(make)
    contest = Contest(title="Cuộc thi của chi bộ B", owner_unit_id=cell_b.id)
    db.session.add(contest)
    db.session.commit()
    organizer_a = make.user(role="organizer", unit=cell_a)
    body = {"kind": "quiz", "title": "Tuần 1", "opens_at": "2026-12-08T01:00:00Z",
            "closes_at": "2026-12-09T01:00:00Z", "duration_seconds": 600, "question_count": 5}
    refused = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=make.auth(organizer_a), json=body)
    assert (refused.status_code, refused.json["error"]["code"]) == (404, "not_found")
    organizer_b = make.user(role="organizer", unit=cell_b)
    assert client.post(f"/api/v1/contests/{contest.id}/rounds", headers=make.auth(organizer_b),
                       json=body).status_code != 404
