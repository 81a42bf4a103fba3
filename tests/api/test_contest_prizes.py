"""A contest's own prize tiers through the API (issue 9): PATCH and POST `prizes` (the rounds'
one check: 422 `validation_error` with each problem in `details`, nothing changed), audited as
`contest.update`; the standings rows and the export carry the prize, ties at a boundary share it.
And the contest's `registration` switch in the same PATCH."""
import csv
import io

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Contest
from tests.api.test_contest_standings import _standings, after_the_close, quiz_round

TIERS = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}, {"name": "Giải Ba", "count": 1}]


def _ranked_contest(make):
    """One published quiz round: An 10, Bình 9, Chi and Dũng 8 at the same minute (tied on every
    ranking key), Em 7."""
    contest = make.contest()
    people = {name: make.user(full_name=name) for name in ("An", "Bình", "Chi", "Dũng", "Em")}
    quiz_round(make, contest, {people["An"]: (10, 1), people["Bình"]: (9, 2), people["Chi"]: (8, 3),
                               people["Dũng"]: (8, 3), people["Em"]: (7, 4)})
    after_the_close(make)
    return contest


def test_patch_prizes_cleans_them_audits_and_the_standings_rows_carry_them(client, make):
    contest = _ranked_contest(make)
    organizer_user = make.user(role="organizer")
    organizer = make.auth(organizer_user)
    assert [r["prize"] for r in _standings(client, contest, organizer)["items"]] == [None] * 5
    typed = [{"name": " Giải  Nhất ", "count": 1}, {"name": "Gia\u0309i Nhì", "count": 2},  # decomposed "ả"
             {"name": "Giải Ba", "count": 1}]
    response = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"prizes": typed})
    assert response.status_code == 200, response.json
    assert response.json["prizes"] == TIERS
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).prizes == TIERS
    # Chi and Dũng tie on the last place of Giải Nhì: both get it, and Em loses Giải Ba's one place.
    rows = _standings(client, contest, organizer)["items"]
    assert [(r["rank"], r["display_name"], r["prize"]) for r in rows] == [
        (1, "An", "Giải Nhất"), (2, "Bình", "Giải Nhì"), (3, "Chi", "Giải Nhì"), (3, "Dũng", "Giải Nhì"),
        (5, "Em", None)]
    events = db.session.query(AuditEvent).filter_by(object_type="contest", object_id=contest.id).all()
    assert [(e.action, e.before, e.after, e.actor_id) for e in events] == [
        ("contest.update", {"prizes": None}, {"prizes": TIERS}, organizer_user.id)]
    # The same tiers again: no new row. None: the prizes are gone.
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"prizes": TIERS})
    assert db.session.query(AuditEvent).filter_by(object_type="contest").count() == 1
    cleared = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"prizes": []})
    assert cleared.json["prizes"] is None
    assert [r["prize"] for r in _standings(client, contest, organizer)["items"]] == [None] * 5


def test_the_standings_export_has_the_prize_column(client, make):
    contest = _ranked_contest(make)
    organizer = make.auth(make.user(role="organizer"))
    client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"prizes": TIERS})
    response = client.get(f"/api/v1/contests/{contest.id}/export/standings.csv", headers=organizer)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][-1] == "Giải thưởng"
    assert [(row[1], row[-1]) for row in rows[1:]] == [
        ("An", "Giải Nhất"), ("Bình", "Giải Nhì"), ("Chi", "Giải Nhì"), ("Dũng", "Giải Nhì"), ("Em", "")]


def test_bad_prizes_are_refused_with_each_problem_and_nothing_changes(client, make):
    contest = make.contest()
    organizer = make.auth(make.user(role="organizer"))
    bad = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={
        "title": "Tên mới", "prizes": [{"name": "", "count": 1}, {"name": "Giải Nhì", "count": 0}]})
    assert bad.status_code == 422
    assert bad.json["error"]["code"] == "validation_error"
    assert bad.json["error"]["message"] == "Một số mục nhập chưa hợp lệ."
    assert bad.json["error"]["details"] == [
        {"field": "prizes", "message": "Hạng giải 1: hãy đặt tên cho giải."},
        {"field": "prizes", "message": "Hạng giải 2: số lượng giải phải là số nguyên từ 1 đến 10000."}]
    not_a_list = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"prizes": "Giải Nhất"})
    assert not_a_list.status_code == 422
    assert not_a_list.json["error"]["details"] == [
        {"field": "prizes", "message": "Cơ cấu giải phải là danh sách {name, count}."}]
    created = client.post("/api/v1/contests", headers=organizer, json={
        "title": "Cuộc thi mới", "prizes": [{"name": "Giải Nhất", "count": 1}, {"name": "giải nhất", "count": 1}]})
    assert created.status_code == 422
    assert created.json["error"]["details"] == [
        {"field": "prizes", "message": 'Hạng giải 2: hai hạng giải trùng tên "giải nhất".'}]
    db.session.expire_all()
    stored = db.session.get(Contest, contest.id)
    assert (stored.title, stored.prizes) == ("Cuộc thi tìm hiểu", None)
    assert db.session.query(Contest).count() == 1
    assert db.session.query(AuditEvent).filter_by(object_type="contest").count() == 0


def test_a_contest_created_with_prizes_and_a_registration_switch(client, make):
    organizer = make.auth(make.user(role="organizer"))
    created = client.post("/api/v1/contests", headers=organizer, json={
        "title": "Cuộc thi có giải", "prizes": TIERS, "registration": "code_required"})
    assert created.status_code == 201, created.json
    assert (created.json["prizes"], created.json["registration"]) == (TIERS, "code_required")
    plain = client.post("/api/v1/contests", headers=organizer, json={"title": "Cuộc thi không giải"})
    assert (plain.json["prizes"], plain.json["registration"]) == (None, "open")


def test_patch_the_registration_switch_audited_and_bad_values_refused(client, make):
    contest = make.contest()
    organizer = make.auth(make.user(role="organizer"))
    response = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"registration": "off"})
    assert response.status_code == 200, response.json
    assert response.json["registration"] == "off"
    events = db.session.query(AuditEvent).filter_by(object_type="contest", object_id=contest.id).all()
    assert [(e.action, e.before, e.after) for e in events] == [
        ("contest.update", {"registration": "open"}, {"registration": "off"})]
    bad = client.patch(f"/api/v1/contests/{contest.id}", headers=organizer, json={"registration": "closed"})
    assert bad.status_code == 422
    assert bad.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in bad.json["error"]["details"]] == ["registration"]
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).registration == "off"
    member = make.auth(make.user())
    assert client.patch(f"/api/v1/contests/{contest.id}", headers=member,
                        json={"prizes": TIERS}).status_code == 403
