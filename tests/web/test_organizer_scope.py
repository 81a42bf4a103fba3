"""Organizer scope (issue 11 point 5, accounts/scope.py): an organizer of cell A can neither see
nor change anything of cell B — every organizer route, pages and API, answers 404 — while an
admin can. The routes are read from app.url_map, so a new organizer route cannot escape."""
import pytest
from sqlalchemy import select, update

from contest.accounts.models import User
from contest.extensions import db
from contest.rounds.models import Contest
from tests.web.test_essay_pages import login
from tests.web.test_get_writes_nothing import _forget_the_last_request, _keep_crawl_credentials, _world

# The arguments that name an object of a cell: a contest, its rounds, attempts, entries, files,
# flags and sheets, a member, a unit, a certificate (by its code).
SCOPED = {"contest_id", "round_id", "attempt_id", "entry_id", "file_id", "flag_id", "assignment_id", "user_id",
          "unit_id", "code"}
# Organizer routes that name no object of a cell: the question bank is the platform's, shared by
# every organizer; an import's credentials sheet is handed to the organizer who imported only.
UNSCOPED = {"bank.question", "bank.edit_question", "bank.question_status", "bank.topic",
            "accounts.members_credentials", "api_accounts.download_credentials_api",
            "accounts.members_credentials_retry"}
# Organizer routes without an object in the path: lists (filtered, tested below) and forms.
LISTS = {"rounds.manage", "audit.index", "accounts.members", "accounts.units", "api_audit.audit_list",
         "api_accounts.list_members", "accounts.registration_settings", "accounts.registration_codes_sheet"}
NO_OBJECT = {"bank.index", "bank.bulk", "bank.export", "bank.import_page", "bank.new_question", "bank.template",
             "bank.topics", "rounds.new_contest", "accounts.import_members_page", "accounts.members_template",
             "accounts.unit_create", "accounts.unit_import", "api_rounds.create_contest", "api_bank.list_questions",
             "api_bank.create_question_api", "api_bank.import_questions", "api_bank.list_topics",
             "api_bank.create_topic", "api_accounts.create_unit", "api_accounts.create_user_api",
             "api_accounts.import_members_api", "accounts.registration_platform",
             "accounts.registration_codes_missing"}


def _organizer_rules(app):
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "_roles_required", None) or ()
        if "organizer" in roles or "admin" in roles:
            yield rule


def test_every_organizer_route_is_classified(app):
    """A new organizer route must say here whether it names an object of a cell."""
    unknown = [rule.rule for rule in _organizer_rules(app)
               if not set(rule.arguments) & SCOPED and rule.endpoint not in UNSCOPED | LISTS | NO_OBJECT]
    assert unknown == []


@pytest.fixture
def cells(app, client, make, clock, monkeypatch):
    """The crawl's world (test_get_writes_nothing) made cell B's: its contests are owned by cell
    B and its people are B's members; an organizer of cell A, an admin. Background jobs the
    crawl starts (issuing certificates) run before the request answers, so none is still
    writing when the next test empties the tables."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    ids, people = _world(client, make, clock)
    province = make.unit(name="Đảng bộ Tỉnh")
    cell_a = make.unit(name="Chi bộ A", parent=province)
    cell_b = make.unit(name="Chi bộ B", parent=province)
    db.session.execute(update(Contest).values(owner_unit_id=cell_b.id))
    db.session.execute(update(User).values(unit_id=cell_b.id))
    db.session.commit()
    ids["unit_id"] = [cell_b.id]
    ids["user_id"] = [people["member"].id]
    _keep_crawl_credentials(people["organizer"])
    return {"ids": ids, "people": people, "a": cell_a, "b": cell_b, "province": province,
            "organizer_a": make.user(username="to.chuc.a", role="organizer", unit=cell_a),
            "admin": make.user(username="quan.tri", role="admin")}


def _requests(app, ids):
    """{(endpoint, method): [url, …]} for every organizer route naming an object of cell B, with
    every id of the world for its objects (a quiz round's id is "not found" on a writing round's
    route, for anyone: the admin must reach at least one of them)."""
    from flask import url_for

    out = {}
    for rule in _organizer_rules(app):
        if not set(rule.arguments) & SCOPED:
            continue
        combos = [{}]
        for name in sorted(rule.arguments):
            values = ids[name] if name in SCOPED else ids[name][:1]
            combos = [{**c, name: value} for c in combos for value in values]
        with app.test_request_context():
            urls = [url_for(rule.endpoint, **c) for c in combos]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out[(rule.endpoint, method)] = urls
    return out


# A body the API's schema takes, so that the answer is the loader's and not the schema's 422.
BODIES = {"/reopen": {"reason": "Chấm lại"}, "/prize": {"prize": None, "reason": "Chấm lại"},
          "/certificates": {"scope": "all"}, "/extra-time": {"user_id": 1, "minutes": 5, "reason": "Khiếm thị"}}


def _call(app, client, headers, method, url, form=None):
    _forget_the_last_request()
    if url.startswith("/api/"):
        body = next((b for end, b in BODIES.items() if url.endswith(end)), {})
        return client.open(url, method=method, headers=headers, json=body if method != "GET" else None)
    return client.open(url, method=method, data=form if method == "POST" else None)


def _form(ids):
    """What a page's form names besides the path: a sheet to take back, an entry to give a prize."""
    return {"assignment_id": ids["assignment_id"][0], "prize-entry_id": ids["entry_id"][0]}


def _clients(app, make, user):
    page = app.test_client()
    _forget_the_last_request()
    login(page, user)
    return page, make.auth(user)


def test_an_organizer_of_cell_a_finds_nothing_of_cell_b_and_an_admin_does(app, make, cells):
    requests = _requests(app, cells["ids"])
    assert len(requests) > 40  # pages and API of contests, rounds, entries, sheets, members, units
    page, headers = _clients(app, make, cells["organizer_a"])
    found = {}
    for (endpoint, method), urls in requests.items():
        for url in urls:
            status = _call(app, page, headers, method, url, _form(cells["ids"])).status_code
            if status != 404:
                found[(method, url)] = status
    assert found == {}

    page, headers = _clients(app, make, cells["admin"])
    refused = {}
    # GETs first: the admin's actions (publish, deactivate, merge…) come after every reading, and
    # taking a sheet back after reopening it.
    last = {"judging.unassign", "accounts.unit_merge"}
    for (endpoint, method), urls in sorted(requests.items(), key=lambda item: (item[0][1] != "GET",
                                                                                item[0][0] in last)):
        statuses = [_call(app, page, headers, method, url, _form(cells["ids"])).status_code for url in urls]
        reached = [s for s in statuses if s not in (403, 404)]
        if not reached or (method == "GET" and 200 not in reached):
            refused[(endpoint, method)] = statuses
    assert refused == {}


def test_an_organizer_of_the_parent_unit_manages_cell_b(app, make, cells):
    """The subtree: the province's organizer sees cell B's contest, round and member."""
    province_organizer = make.user(username="to.chuc.tinh", role="organizer", unit=cells["province"])
    page, headers = _clients(app, make, province_organizer)
    ids = cells["ids"]
    for url in (f"/manage/contests/{ids['contest_id'][0]}", f"/manage/rounds/{ids['round_id'][0]}/dashboard",
                f"/members/{ids['user_id'][0]}"):
        assert _call(app, page, headers, "GET", url).status_code == 200, url
    assert _call(app, page, headers, "GET", f"/api/v1/rounds/{ids['round_id'][0]}/dashboard").status_code == 200


def test_an_organizer_of_cell_a_cannot_see_cell_b_attempts_or_entries(app, make, cells):
    ids = cells["ids"]
    page, headers = _clients(app, make, cells["organizer_a"])
    for url in [f"/attempts/{a}/result" for a in ids["attempt_id"]] + \
            [f"/api/v1/attempts/{a}" for a in ids["attempt_id"]] + [f"/api/v1/entries/{ids['entry_id'][0]}"]:
        assert _call(app, page, headers, "GET", url).status_code == 404, url
    page, headers = _clients(app, make, cells["admin"])
    assert _call(app, page, headers, "GET", f"/api/v1/entries/{ids['entry_id'][0]}").status_code == 200
    assert _call(app, page, headers, "GET", f"/api/v1/attempts/{ids['attempt_id'][0]}").status_code == 200


def test_the_lists_show_an_organizer_only_their_subtree(app, make, cells):
    organizer_a = cells["organizer_a"]
    own = make.user(username="dang.vien.a", unit=cells["a"], full_name="Nguyễn Thị Bình")
    page, headers = _clients(app, make, organizer_a)
    listed = _call(app, page, headers, "GET", "/api/v1/users").json
    assert sorted(u["username"] for u in listed["items"]) == ["dang.vien.a", "to.chuc.a"]
    assert listed["total"] == 2
    members_page = _call(app, page, headers, "GET", "/members").get_data(as_text=True)
    assert "Nguyễn Thị Bình" in members_page and "thi.sinh.hai" not in members_page
    assert "Cuộc thi tìm hiểu" not in _call(app, page, headers, "GET", "/manage/").get_data(as_text=True)
    units_page = _call(app, page, headers, "GET", "/units").get_data(as_text=True)
    assert "Chi bộ A" in units_page and "Chi bộ B" not in units_page
    audit = _call(app, page, headers, "GET", "/api/v1/audit").json
    assert audit["total"] == 0
    assert _call(app, page, headers, "GET",
                 f"/api/v1/audit?contest_id={cells['ids']['contest_id'][0]}").status_code == 404

    page, headers = _clients(app, make, cells["admin"])
    assert _call(app, page, headers, "GET", "/api/v1/users").json["total"] == db.session.execute(
        select(db.func.count()).select_from(User)).scalar()
    assert "Cuộc thi tìm hiểu" in _call(app, page, headers, "GET", "/manage/").get_data(as_text=True)
    assert _call(app, page, headers, "GET", "/api/v1/audit").json["total"] > 0


def test_an_organizer_of_cell_a_cannot_move_a_member_or_unit_into_cell_b(app, make, cells):
    organizer_a = cells["organizer_a"]
    own = make.user(username="dang.vien.a", unit=cells["a"])
    page, headers = _clients(app, make, organizer_a)
    moved = _call(app, page, headers, "PATCH", f"/api/v1/users/{own.id}")
    assert moved.status_code == 200  # an empty change of their own member
    _forget_the_last_request()
    moved = page.open(f"/api/v1/users/{own.id}", method="PATCH", headers=headers, json={"unit_id": cells["b"].id})
    assert moved.status_code == 422, moved.json
    assert moved.json["error"]["details"] == [{"field": "unit_id", "message": "Đơn vị không tồn tại."}]
    _forget_the_last_request()
    created = page.post("/api/v1/units", headers=headers, json={"name": "Tổ 1", "parent_id": cells["b"].id})
    assert created.status_code == 422
    assert created.json["error"]["details"] == [{"field": "parent_id", "message": "Đơn vị không tồn tại."}]
    _forget_the_last_request()
    created = page.post("/api/v1/units", headers=headers, json={"name": "Tổ 1", "parent_id": cells["a"].id})
    assert created.status_code == 201
    _forget_the_last_request()
    top = page.post("/api/v1/units", headers=headers, json={"name": "Đảng bộ khác", "parent_id": None})
    assert top.status_code == 422


def test_a_members_page_shows_only_the_attempts_of_contests_the_organizer_manages(app, make, cells):
    """A member of cell A who took cell B's round: cell A's organizer sees the member, not that
    attempt; the admin sees it."""
    from contest.rounds.models import Attempt

    member = cells["people"]["member"]
    member.unit_id = cells["a"].id
    db.session.commit()
    taken = db.session.execute(select(Attempt).where(Attempt.user_id == member.id)).scalars().all()
    assert taken
    page, headers = _clients(app, make, cells["organizer_a"])
    shown = _call(app, page, headers, "GET", f"/members/{member.id}")
    assert shown.status_code == 200
    assert 'id="attempts"' not in shown.get_data(as_text=True)
    assert "Chưa có lượt làm bài nào." in shown.get_data(as_text=True)
    page, headers = _clients(app, make, cells["admin"])
    shown = _call(app, page, headers, "GET", f"/members/{member.id}").get_data(as_text=True)
    assert 'id="attempts"' in shown and taken[0].round.title in shown


def test_an_organizer_of_cell_a_chooses_judges_among_cell_a_only(client, make):
    from tests.api.test_essay_entries import essay_round

    province = make.unit(name="Huyện ủy")
    cell_a, cell_b = make.unit(name="Chi bộ A", parent=province), make.unit(name="Chi bộ B", parent=province)
    round_ = essay_round(make)
    round_.contest.owner_unit_id = cell_a.id
    db.session.commit()
    ours = make.user(username="gk.a", role="judge", unit=cell_a, full_name="Giám khảo Chi bộ A")
    theirs = make.user(username="gk.b", role="judge", unit=cell_b, full_name="Giám khảo Chi bộ B")
    login(client, make.user(role="organizer", unit=cell_a))
    base = f"/judging/manage/rounds/{round_.id}"
    page = client.get(base).get_data(as_text=True)
    assert "Giám khảo Chi bộ A" in page and "Giám khảo Chi bộ B" not in page and "Chi bộ B" not in page
    client.post(f"{base}/panel?stage=1", data={"panel-judge_ids": [theirs.id]})
    client.post(f"{base}/panel?stage=1", data={"panel-judge_ids": [ours.id]})
    from contest.judging.service import panel

    assert [j.username for j in panel(round_.id, 1)] == ["gk.a"]
    client.post(f"{base}/judges?stage=1", data={"new-username": "gk.moi", "new-password": "mat-khau-rat-dai-2026",
                                                 "new-full_name": "Giám khảo Mới", "new-unit_id": 0})
    assert db.session.execute(select(User.unit_id).where(User.username == "gk.moi")).scalar() == cell_a.id
