"""A contest's own self-registration switch (issue 11 point 7): the public contest page's
"Đăng ký" link opens /register?contest=<id>, where the contest's `registration` narrows what the
platform's and units' settings allow (registration.for_contest): off refuses in plain words and
creates nothing, unit_required asks for a unit, code_required for a unit's invitation code."""
from sqlalchemy import func, select

from contest.accounts import registration
from contest.accounts.models import Unit, User
from contest.extensions import db
from tests.web.test_registration_pages import _form, _set

OFF = "Cuộc thi này không nhận đăng ký tài khoản. Vui lòng liên hệ ban tổ chức để được cấp tài khoản."
CLOSED = "Đã đóng đăng ký. Vui lòng liên hệ ban tổ chức để được cấp tài khoản."
ENTER_CODE = "Nhập mã mời của đơn vị bạn."
CHOOSE_UNIT = "Chọn đơn vị của bạn."


def _contest(make, mode):
    contest = make.contest(title="Tìm hiểu 80 năm Quốc khánh")
    contest.registration = mode
    db.session.commit()
    return contest


def _count_users():
    return db.session.scalar(select(func.count()).select_from(User))


def test_off_refuses_with_its_reason_and_creates_no_account(client, make):
    make.unit("Chi bộ 1")
    contest = _contest(make, "off")
    assert f'href="/register?contest={contest.id}"' not in client.get(f"/contests/{contest.id}").get_data(as_text=True)
    shown = client.get(f"/register?contest={contest.id}")
    assert (shown.status_code, shown.headers["Location"]) == (302, f"/contests/{contest.id}")
    page = client.get(f"/register?contest={contest.id}", follow_redirects=True).get_data(as_text=True)
    assert OFF in page and "Tìm hiểu 80 năm Quốc khánh" in page
    posted = client.post(f"/register?contest={contest.id}", data=_form(unit_id="0"), follow_redirects=True)
    assert OFF in posted.get_data(as_text=True)
    assert _count_users() == 0
    # The platform's own page is not the contest's: it still registers.
    unit_id = db.session.execute(select(Unit.id)).scalar_one()
    assert client.post("/register", data=_form(unit_id=str(unit_id))).status_code == 302
    assert _count_users() == 1


def test_open_links_the_registration_and_lands_on_the_contest(client, make):
    cell = make.unit("Chi bộ 1")
    contest = _contest(make, "open")
    assert f'href="/register?contest={contest.id}">Đăng ký</a>' in client.get(f"/contests/{contest.id}").get_data(as_text=True)
    form = client.get(f"/register?contest={contest.id}").get_data(as_text=True)
    assert '<p class="text-muted" id="register-contest">Tìm hiểu 80 năm Quốc khánh</p>' in form
    done = client.post(f"/register?contest={contest.id}", data=_form(unit_id=str(cell.id)))
    assert (done.status_code, done.headers["Location"]) == (302, f"/contests/{contest.id}")
    assert db.session.execute(select(User.unit_id).where(User.username == "le.mai")).scalar_one() == cell.id


def test_code_required_needs_a_units_invitation_code(client, make):
    listed = make.unit("Chi bộ Mở")
    coded = make.unit("Chi bộ Có Mã")
    code = registration.new_code(coded.id)
    db.session.commit()
    contest = _contest(make, "code_required")
    form = client.get(f"/register?contest={contest.id}").get_data(as_text=True)
    assert 'name="code"' in form and 'name="unit_id"' not in form and "Chi bộ Mở" not in form
    without = client.post(f"/register?contest={contest.id}", data=_form(unit_id="0"))
    assert without.status_code == 200 and ENTER_CODE in without.get_data(as_text=True)
    chosen = client.post(f"/register?contest={contest.id}", data=_form(unit_id=str(listed.id)))  # not offered here
    assert chosen.status_code == 200 and ENTER_CODE in chosen.get_data(as_text=True)
    assert _count_users() == 0
    right = client.post(f"/register?contest={contest.id}", data=_form(code=registration.printed(code)))
    assert (right.status_code, right.headers["Location"]) == (302, f"/contests/{contest.id}")
    assert db.session.execute(select(User.unit_id).where(User.username == "le.mai")).scalar_one() == coded.id


def test_code_required_without_any_code_is_closed(client, make):
    make.unit("Chi bộ 1")
    contest = _contest(make, "code_required")
    assert f'href="/register?contest={contest.id}"' not in client.get(f"/contests/{contest.id}").get_data(as_text=True)
    page = client.get(f"/register?contest={contest.id}", follow_redirects=True).get_data(as_text=True)
    assert CLOSED in page
    client.post(f"/register?contest={contest.id}", data=_form(unit_id="0"))
    assert _count_users() == 0


def test_unit_required_asks_for_a_unit_where_the_platform_does_not(client, make):
    cell = make.unit("Chi bộ 1")
    _set(None, open=True, unit_required=False)
    contest = _contest(make, "unit_required")
    refused = client.post(f"/register?contest={contest.id}", data=_form(unit_id="0"))
    assert refused.status_code == 200 and CHOOSE_UNIT in refused.get_data(as_text=True)
    assert _count_users() == 0
    assert client.post(f"/register?contest={contest.id}", data=_form(unit_id=str(cell.id))).status_code == 302
    assert db.session.execute(select(User.unit_id).where(User.username == "le.mai")).scalar_one() == cell.id


def test_a_draft_or_unknown_contest_is_not_found(client, make):
    make.unit("Chi bộ 1")
    draft = _contest(make, "open")
    draft.status = "draft"
    db.session.commit()
    assert client.get(f"/register?contest={draft.id}").status_code == 404
    assert client.get("/register?contest=2147483648").status_code == 404
    assert client.get("/register?contest=abc").status_code == 404
    assert client.post(f"/register?contest={draft.id}", data=_form(unit_id="0")).status_code == 404
    assert _count_users() == 0
