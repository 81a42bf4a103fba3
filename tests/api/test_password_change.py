"""POST /api/v1/me/password: the contract's codes, and every other session and token ends."""
from contest.accounts.models import ApiToken, LoginSession
from contest.extensions import db

NEW = "lua-chin-vang-2026"


def test_changing_the_password_ends_every_other_token_and_session(client, make):
    user = make.user("hoa")
    headers = make.auth(user)
    other = make.auth(user)
    LoginSession.open(user)
    db.session.commit()
    response = client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": "secret-pass", "new_password": NEW})
    assert response.status_code == 204 and response.data == b""
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # the token that asked stays
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert db.session.query(LoginSession).filter_by(user_id=user.id).count() == 0
    assert client.post("/api/v1/auth/token", json={"username": "hoa", "password": NEW}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"username": "hoa", "password": "secret-pass"}).status_code == 401


def test_a_wrong_current_password_is_403_and_changes_nothing(client, make):
    user = make.user("khanh")
    headers = make.auth(user)
    other = make.auth(user)
    response = client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": "khong-dung", "new_password": NEW})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "wrong_password"
    assert response.json["error"]["message"] == "Mật khẩu hiện tại không đúng."
    assert client.get("/api/v1/me", headers=other).status_code == 200
    assert client.post("/api/v1/auth/token", json={"username": "khanh", "password": "secret-pass"}).status_code == 200


def test_a_weak_new_password_is_422_weak_password(client, make):
    user = make.user("loan")
    response = client.post("/api/v1/me/password", headers=make.auth(user),
                           json={"current_password": "secret-pass", "new_password": "loan12345"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "weak_password"
    assert response.json["error"]["details"][0]["field"] == "new_password"
    assert db.session.query(ApiToken).filter_by(user_id=user.id, revoked_at=None).count() == 1


def test_guessing_the_current_password_is_slowed_like_a_sign_in(client, make):
    user = make.user("mai")
    headers = make.auth(user)
    codes = [client.post("/api/v1/me/password", headers=headers,
                         json={"current_password": f"sai-{n}", "new_password": NEW}).status_code for n in range(7)]
    assert codes[:5] == [403] * 5 and codes[6] == 429


def test_without_a_token_it_is_401(client):
    response = client.post("/api/v1/me/password", json={"current_password": "a", "new_password": NEW})
    assert response.status_code == 401
