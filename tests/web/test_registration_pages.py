"""Self-registration as organizations run it (issue 11 point 7): the settings an organizer sets
for their unit's subtree, invitation codes, pending registrations; the sign-in's plain words for
a pending account and an expired temporary password."""
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from contest.accounts import registration
from contest.accounts.models import User
from contest.audit.models import AuditEvent
from contest.extensions import db
from tests.factories import sign_in

CLOSED = "Đã đóng đăng ký. Vui lòng liên hệ ban tổ chức để được cấp tài khoản."
WRONG_CODE = "Mã mời này không đúng. Hãy kiểm tra lại mã in trên thông báo của ban tổ chức."
PENDING = "Tài khoản của bạn đang chờ duyệt"
EXPIRED = "Mật khẩu tạm thời của bạn đã hết hạn. Hãy đề nghị ban tổ chức cấp cho bạn mật khẩu mới."
PASSWORD = "song-nui-xanh-thao"


def _form(**extra):
    return {"full_name": "Lê Thị Mai", "username": "le.mai", "password": PASSWORD, "confirm": PASSWORD, **extra}


def _set(unit, **values):
    registration.save_settings(unit.id if unit else None, values)
    db.session.commit()


def _users():
    return db.session.execute(select(User.username)).scalars().all()


def test_registration_closed_for_the_platform_says_so(client, make):
    make.unit("Chi bộ 1")
    _set(None, open=False, unit_required=True)
    page = client.get("/register", follow_redirects=True).get_data(as_text=True)
    assert CLOSED in page
    client.post("/register", data=_form())
    assert _users() == []


def test_every_unit_closed_means_registration_closed(client, make):
    cell = make.unit("Chi bộ 1")
    _set(cell, open=False)
    assert CLOSED in client.get("/register", follow_redirects=True).get_data(as_text=True)


def test_the_platform_switch_stays_the_master(app, client, make):
    make.unit("Chi bộ 1")
    app.config["SELF_REGISTRATION"] = False
    try:
        assert CLOSED in client.get("/register", follow_redirects=True).get_data(as_text=True)
    finally:
        app.config["SELF_REGISTRATION"] = True


def test_registration_asks_only_what_is_needed(client, make):
    make.unit("Chi bộ 1")
    page = client.get("/register").get_data(as_text=True)
    for name in ("full_name", "username", "password", "confirm", "unit_id"):
        assert f'name="{name}"' in page
    for name in ("email", "phone", "date_of_birth", 'name="code"'):
        assert name not in page


def test_code_required_refuses_a_wrong_code_and_the_right_one_names_the_unit(client, make):
    open_cell = make.unit("Chi bộ Mở")
    coded = make.unit("Chi bộ Mã")
    _set(coded, open=True, code_required=True)
    code = registration.new_code(coded.id)
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert 'name="code"' in page and "Chi bộ Mở" in page and "Chi bộ Mã" not in page

    wrong = client.post("/register", data=_form(code="ABCD-EFGH" if code != "ABCDEFGH" else "ABCD-EFGJ"))
    assert wrong.status_code == 200 and WRONG_CODE in wrong.get_data(as_text=True)
    refused = client.post("/register", data=_form(unit_id=str(coded.id)))  # not in the list
    assert "Chọn đơn vị của bạn." in refused.get_data(as_text=True)
    assert _users() == []

    right = client.post("/register", data=_form(code=registration.printed(code).lower(), unit_id="0"))
    assert right.status_code == 302
    user = db.session.execute(select(User).where(User.username == "le.mai")).scalar_one()
    assert user.unit_id == coded.id and user.active and not user.pending
    assert open_cell.id != coded.id


def test_a_regenerated_code_replaces_the_old_one(client, make):
    cell = make.unit("Chi bộ 1")
    _set(None, open=True, unit_required=True, code_required=True)
    old = registration.new_code(cell.id)
    db.session.commit()
    new = registration.new_code(cell.id)
    db.session.commit()
    assert old != new
    page = client.get("/register").get_data(as_text=True)
    assert 'name="unit_id"' not in page  # no unit list: the code decides
    assert WRONG_CODE in client.post("/register", data=_form(code=old)).get_data(as_text=True)
    assert client.post("/register", data=_form(code=new)).status_code == 302


def test_a_code_of_a_closed_unit_is_refused(client, make):
    make.unit("Chi bộ Mở")
    cell = make.unit("Chi bộ Đóng")
    code = registration.new_code(cell.id)
    db.session.commit()
    _set(cell, open=False)
    page = client.post("/register", data=_form(code=code)).get_data(as_text=True)
    assert "Đơn vị này đã đóng đăng ký." in page
    assert _users() == []


def test_bad_input_changes_nothing(client, make):
    cell = make.unit("Chi bộ 1")
    code = registration.new_code(cell.id)
    db.session.commit()
    page = client.post("/register", data=_form(code=code, password="12345678", confirm="12345678")).get_data(as_text=True)
    assert "Mật khẩu này quá phổ biến" in page
    page = client.post("/register", data=_form(code=code, full_name="")).get_data(as_text=True)
    assert "Nhập họ và tên của bạn." in page
    assert _users() == []


def test_no_unit_needed_when_the_platform_says_so(client, make):
    make.unit("Chi bộ 1")
    _set(None, open=True, unit_required=False)
    assert client.post("/register", data=_form(unit_id="0")).status_code == 302
    assert db.session.execute(select(User.unit_id).where(User.username == "le.mai")).scalar_one() is None


def test_pending_registration_cannot_sign_in_until_the_units_organizer_approves(client, make, app):
    province = make.unit("Đảng bộ Tỉnh")
    cell = make.unit("Chi bộ A", parent=province)
    _set(province, open=True, approval_required=True)  # holds for the cell below
    done = client.post("/register", data=_form(unit_id=str(cell.id)), follow_redirects=True)
    assert "Đăng ký của bạn đã được ghi nhận" in done.get_data(as_text=True)
    user = db.session.execute(select(User).where(User.username == "le.mai")).scalar_one()
    assert user.pending and not user.active

    login = client.post("/login", data={"username": "le.mai", "password": PASSWORD})
    assert login.status_code == 403 and PENDING in login.get_data(as_text=True)
    wrong = client.post("/login", data={"username": "le.mai", "password": "khong-dung-dau"})
    assert PENDING not in wrong.get_data(as_text=True)  # only the one who knows the password is told
    api = client.post("/api/v1/auth/token", json={"username": "le.mai", "password": PASSWORD})
    assert api.status_code == 401 and PENDING in api.get_json()["error"]["message"]

    organizer = app.test_client()
    sign_in(organizer, make.user("to.chuc", role="organizer", unit=cell))
    page = organizer.get("/registration").get_data(as_text=True)
    assert "Lê Thị Mai" in page
    assert organizer.post(f"/registration/pending/{user.id}", data={"action": "approve"}).status_code == 302
    events = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "user",
                                                         AuditEvent.object_id == user.id)).scalars().all()
    assert [e.action for e in events] == ["user.registration_approved"]
    assert client.post("/login", data={"username": "le.mai", "password": PASSWORD}).status_code == 302


def test_a_rejected_registration_is_gone_and_audited(client, make, app):
    cell = make.unit("Chi bộ A")
    _set(cell, open=True, approval_required=True)
    client.post("/register", data=_form(unit_id=str(cell.id)))
    user_id = db.session.execute(select(User.id).where(User.username == "le.mai")).scalar_one()
    organizer = app.test_client()
    sign_in(organizer, make.user("to.chuc", role="organizer", unit=cell))
    assert organizer.post(f"/registration/pending/{user_id}", data={"action": "reject"}).status_code == 302
    assert "le.mai" not in _users()
    events = db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                                AuditEvent.object_id == user_id)).scalars().all()
    assert events == ["user.registration_rejected"]
    # deciding again: nothing pending there any more
    assert organizer.post(f"/registration/pending/{user_id}", data={"action": "approve"}).status_code == 404


def test_organizer_of_cell_a_neither_sees_nor_approves_cell_b(client, make, app):
    province = make.unit("Đảng bộ Tỉnh")
    cell_a = make.unit("Chi bộ A", parent=province)
    cell_b = make.unit("Chi bộ B", parent=province)
    _set(province, open=True, approval_required=True)
    client.post("/register", data=_form(unit_id=str(cell_b.id), full_name="Trần Văn Bê", username="tran.be"))
    pending = db.session.execute(select(User).where(User.username == "tran.be")).scalar_one()
    organizer = app.test_client()
    sign_in(organizer, make.user("to.chuc.a", role="organizer", unit=cell_a))
    page = organizer.get("/registration").get_data(as_text=True)
    assert "Trần Văn Bê" not in page and "Chi bộ B" not in page
    assert organizer.post(f"/registration/pending/{pending.id}", data={"action": "approve"}).status_code == 404
    assert organizer.post(f"/registration/units/{cell_b.id}", data={"open": ""}).status_code == 404
    assert organizer.post(f"/registration/units/{cell_b.id}/code").status_code == 404
    assert organizer.post("/registration/platform", data={"open": ""}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, pending.id).pending
    assert registration.unit_settings(cell_b.id).open


def test_organizer_sets_their_cell_and_downloads_its_codes(client, make, app):
    cell = make.unit("Chi bộ A")
    other = make.unit("Chi bộ B")
    organizer = app.test_client()
    sign_in(organizer, make.user("to.chuc.a", role="organizer", unit=cell))
    assert organizer.post(f"/registration/units/{cell.id}",
                          data={"open": "y", "code_required": "y", "action": "save"}).status_code == 302
    assert registration.unit_settings(cell.id) == registration.Settings(code_required=True)
    assert organizer.post("/registration/codes").status_code == 302
    codes = registration.codes_of([cell.id, other.id])
    assert list(codes) == [cell.id]  # only the organizer's own units get a code
    sheet = organizer.get("/registration/codes.xlsx")
    rows = list(load_workbook(__import__("io").BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert ("Chi bộ A", registration.printed(codes[cell.id])) in rows
    assert all("Chi bộ B" not in str(row) for row in rows)
    assert organizer.post(f"/registration/units/{cell.id}", data={"action": "inherit"}).status_code == 302
    assert registration.unit_settings(cell.id) == registration.Settings()


def test_an_expired_temporary_password_says_so(client, make, clock):
    user = make.user("binh")
    user.password_expires_at = clock() - timedelta(minutes=1)
    db.session.commit()
    page = client.post("/login", data={"username": "binh", "password": "secret-pass"}).get_data(as_text=True)
    assert EXPIRED in page
    wrong = client.post("/login", data={"username": "binh", "password": "nope-nope"}).get_data(as_text=True)
    assert EXPIRED not in wrong and "Sai tên đăng nhập hoặc mật khẩu." in wrong


def test_the_api_registration_follows_the_units_settings(client, make):
    closed = make.unit("Chi bộ Đóng")
    coded = make.unit("Chi bộ Mã")
    held = make.unit("Chi bộ Duyệt")
    _set(closed, open=False)
    _set(coded, open=True, code_required=True)
    _set(held, open=True, approval_required=True)
    body = {"username": "le.mai", "password": PASSWORD, "full_name": "Lê Thị Mai"}
    for unit in (closed, coded):
        answer = client.post("/api/v1/auth/register", json={**body, "unit_id": unit.id})
        assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    assert _users() == []
    assert client.post("/api/v1/auth/register", json={**body, "unit_id": held.id}).status_code == 201
    user = db.session.execute(select(User).where(User.username == "le.mai")).scalar_one()
    assert user.pending and not user.active
    assert client.post("/api/v1/auth/register", json={**body, "username": "khong.don.vi"}).status_code == 201
