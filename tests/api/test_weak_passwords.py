"""The commonest passwords, and passwords containing the username, are refused wherever a
password is chosen: 422 weak_password in the API, the reason on the page and in the shell."""
import pytest

from contest.accounts.models import User
from contest.extensions import db

COMMON = ("Mật khẩu này quá phổ biến, rất dễ bị đoán ra. Hãy chọn mật khẩu dài hơn, ví dụ ghép vài từ "
          "không liên quan đến nhau, thêm một chữ số hoặc một ký hiệu.")
USERNAME = "Mật khẩu không được chứa tên đăng nhập. Hãy chọn một mật khẩu không liên quan gì đến tên của bạn."


@pytest.mark.parametrize("password, message", [
    ("12345678", COMMON), ("password1", COMMON), ("iloveyou", COMMON),
    ("an.nguyen", USERNAME), ("An.Nguyen-2026", USERNAME),
])
def test_register_refuses_a_weak_password(client, ctx, password, message):
    response = client.post("/api/v1/auth/register", json={
        "username": "an.nguyen", "password": password, "full_name": "Nguyễn Văn An"})
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "weak_password", "message": message, "details": [{"field": "password", "message": message}]}
    assert db.session.query(User).count() == 0


def test_register_takes_a_password_hard_to_guess(client, ctx):
    response = client.post("/api/v1/auth/register", json={
        "username": "an.nguyen", "password": "sen-hong-thang-nam", "full_name": "Nguyễn Văn An"})
    assert response.status_code == 201


def test_organizer_creating_a_user_gets_the_same_refusal(client, make):
    organizer = make.user("btc", role="organizer")
    response = client.post("/api/v1/users", headers=make.auth(organizer), json={
        "username": "giamkhao9", "password": "giamkhao9", "full_name": "Giám khảo 9", "role": "judge"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "weak_password"
    assert response.get_json()["error"]["message"] == USERNAME
    response = client.post("/api/v1/users", headers=make.auth(organizer), json={
        "username": "giamkhao9", "password": "qwertyuiop", "full_name": "Giám khảo 9", "role": "judge"})
    assert response.status_code == 422 and response.get_json()["error"]["message"] == COMMON
    assert db.session.query(User).filter_by(username="giamkhao9").count() == 0


def test_the_register_page_says_what_to_do(client, make):
    unit = make.unit("Chi bộ 5")
    form = {"full_name": "Trần Thị Mai", "unit_id": str(unit.id), "username": "mai.tran"}
    page = client.post("/register", data={**form, "password": "mai.tran.123", "confirm": "mai.tran.123"})
    assert page.status_code == 200 and USERNAME in page.get_data(as_text=True)
    page = client.post("/register", data={**form, "password": "abc12345", "confirm": "abc12345"})
    assert page.status_code == 200 and COMMON in page.get_data(as_text=True)
    assert db.session.query(User).count() == 0
    done = client.post("/register", data={**form, "password": "hoa-sen-mua-ha", "confirm": "hoa-sen-mua-ha"})
    assert done.status_code == 302


def test_create_user_command_refuses_a_weak_password(app, ctx):
    result = app.test_cli_runner().invoke(args=["create-user", "btc2", "--password", "password123",
                                                "--role", "organizer"])
    assert result.exit_code == 1
    assert result.output == f"Error: {COMMON}\n"
    assert db.session.query(User).count() == 0


def test_demo_accounts_keep_their_documented_passwords(app, ctx):
    assert app.test_cli_runner().invoke(args=["load-demo"]).exit_code == 0
    client = app.test_client()
    for username, password in (("admin", "admin"), ("demo", "demo"), ("giamkhao1", "giamkhao")):
        answer = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert answer.status_code == 200, username
