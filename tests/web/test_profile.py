"""A member's own profile (issue 11 point 4): name, username and unit shown, contact details
edited with the same check as an import row's."""
from contest.accounts.models import User
from contest.extensions import db
from tests.web.test_essay_pages import login


def test_a_member_sees_their_profile_and_saves_their_contact_details(client, make):
    unit = make.unit("Chi bộ Lê Lợi")
    member = make.user(username="an.nguyen", full_name="Nguyễn Văn An", unit=unit)
    login(client, member)
    page = client.get("/account").get_data(as_text=True)
    assert '<dt class="col-sm-4">Họ và tên</dt><dd class="col-sm-8">Nguyễn Văn An</dd>' in page
    assert '<dd class="col-sm-8">an.nguyen</dd>' in page and "Chi bộ Lê Lợi" in page
    assert "nếu cần sửa, hãy đề nghị ban tổ chức" in page
    saved = client.post("/account", data={"email": " An.Nguyen@Example.VN ", "phone": "0912 345 678"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Đã lưu thông tin liên hệ của bạn." in saved
    db.session.expire_all()
    user = db.session.get(User, member.id)
    assert (user.email, user.phone, user.full_name) == ("an.nguyen@example.vn", "0912 345 678", "Nguyễn Văn An")


def test_bad_contact_details_are_refused_with_the_reason_and_change_nothing(client, make):
    member = make.user(username="binh")
    login(client, member)
    client.post("/account", data={"email": "binh@example.vn", "phone": ""})
    page = client.post("/account", data={"email": "binh@", "phone": "12"}).get_data(as_text=True)
    assert '<div class="invalid-feedback d-block">Email “binh@” không hợp lệ.</div>' in page
    assert '<div class="invalid-feedback d-block">Số điện thoại “12” không hợp lệ.</div>' in page
    db.session.expire_all()
    assert db.session.get(User, member.id).email == "binh@example.vn"


def test_the_profile_needs_a_sign_in(client):
    assert client.get("/account").status_code == 302
