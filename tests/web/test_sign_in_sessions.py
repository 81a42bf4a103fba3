"""Signing out ends the session everywhere: a copy of the session cookie or of the remember-me
cookie kept from before signs in no more; "end all sessions" ends every browser's.

Requests here run with no app context held around them (the `people` fixture makes users in
one of its own): otherwise every test client would share one `g`, where Flask-Login keeps the
user it loaded, and a copied cookie would never reach the user loader at all."""
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from contest.accounts.models import ApiToken, LoginSession
from contest.accounts.models import User
from contest.accounts.service import create_user, end_all_sessions
from contest.extensions import db


@pytest.fixture
def people(app, clock):
    def person(username, full_name=None):
        with app.app_context():
            user = create_user(username, "secret-pass", full_name or f"Thí sinh {username}")
            db.session.commit()
            return SimpleNamespace(id=user.id, username=user.username, full_name=user.full_name)

    return person


def count(app, model, **where):
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def sign_in(app, user, password="secret-pass"):
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302
    return client, response


def signed_in_as(client, user) -> bool:
    page = client.get("/").get_data(as_text=True)
    signed_in = user.full_name in page
    assert signed_in != ('href="/login"' in page)  # one or the other, never both
    return signed_in


def cookie(client, name):
    found = client.get_cookie(name)
    assert found is not None, name
    return found.value


def client_with(app, **cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def test_session_cookie_kept_from_before_logout_no_longer_signs_in(app, people):
    user = people("lan", full_name="Lê Thị Lan")
    browser, _ = sign_in(app, user)
    kept = cookie(browser, "session")
    assert count(app, LoginSession, user_id=user.id) == 1
    assert signed_in_as(client_with(app, session=kept), user)  # the copy works while signed in
    browser.post("/logout")
    assert not signed_in_as(browser, user)
    assert not signed_in_as(client_with(app, session=kept), user)
    assert count(app, LoginSession) == 0


def test_remember_me_cookie_alone_no_longer_signs_in_after_logout(app, people):
    user = people("minh", full_name="Đỗ Văn Minh")
    browser, _ = sign_in(app, user)
    remembered = cookie(browser, "remember_token")
    assert signed_in_as(client_with(app, remember_token=remembered), user)  # before: it does
    browser.post("/logout")
    assert not signed_in_as(client_with(app, remember_token=remembered), user)


def test_remember_me_cookie_is_samesite_lax_and_http_only(app, people):
    user = people("ngoc")
    _, response = sign_in(app, user)
    remember = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert len(remember) == 1
    assert "SameSite=Lax" in remember[0] and "HttpOnly" in remember[0]


def test_each_sign_in_is_its_own_session_and_logout_ends_only_that_one(app, people):
    user = people("oanh", full_name="Vũ Thị Oanh")
    phone, _ = sign_in(app, user)
    laptop, _ = sign_in(app, user)
    assert count(app, LoginSession, user_id=user.id) == 2
    phone.post("/logout")
    assert not signed_in_as(phone, user)
    assert signed_in_as(laptop, user)


def test_end_all_sessions_ends_every_browser_and_api_tokens_when_asked(app, people):
    user = people("phuc", full_name="Trần Hữu Phúc")
    other = people("quang", full_name="Lý Quang")
    phone, _ = sign_in(app, user)
    laptop, _ = sign_in(app, user)
    bystander, _ = sign_in(app, other)
    token = app.test_client().post("/api/v1/auth/token", json={"username": user.username,
                                                                "password": "secret-pass"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def end_all(**options):
        with app.app_context():
            ended = end_all_sessions(db.session.get(User, user.id), **options)
            db.session.commit()
            return ended

    assert end_all() == 2
    assert not signed_in_as(phone, user) and not signed_in_as(laptop, user)
    assert signed_in_as(bystander, other)
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200  # not asked

    end_all(api_tokens=True)
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert count(app, ApiToken, revoked_at=None) == 0


def test_a_password_change_keeps_the_browser_that_made_it(ctx, make):
    user = make.user("son")
    kept = LoginSession.open(user)
    LoginSession.open(user)  # another browser
    LoginSession.open(user)
    db.session.commit()  # `user` now carries the last key opened
    assert end_all_sessions(user, api_tokens=True, keep_current=True) == 2
    db.session.commit()
    remaining = db.session.execute(select(LoginSession)).scalars().all()
    assert [row.key_hash for row in remaining] == [LoginSession.digest(user.session_key)]
    assert kept not in remaining


def test_cookies_from_before_sessions_existed_sign_in_no_more(app, people):
    user = people("tam", full_name="Hồ Minh Tâm")
    client = app.test_client()
    with client.session_transaction() as session:  # what Flask-Login stored before e_accounts
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not signed_in_as(client, user)


def test_a_forged_or_garbled_session_id_is_refused_not_an_error(app, people):
    user = people("uyen")
    for forged in (f"{user.id}:", f"{user.id}:not-a-key", ":x", "²:x", "9" * 40 + ":x", "x:y:z"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = forged
        response = client.get("/")
        assert response.status_code == 200, forged
        assert 'href="/login"' in response.get_data(as_text=True), forged


def test_the_user_loader_reads_user_and_session_in_one_query(ctx, make):
    user = make.user("vinh")
    LoginSession.open(user)
    db.session.commit()
    flask_login_id = user.get_id()
    db.session.expunge_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        loaded = LoginSession.find_user(flask_login_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert loaded.id == user.id and loaded.get_id() == flask_login_id
    assert len(statements) == 1


def test_a_remembered_session_ends_when_the_remember_me_cookie_would_have_expired(app, people, clock):
    user = people("xuan", full_name="Mai Xuân")
    browser, _ = sign_in(app, user)
    remembered = cookie(browser, "remember_token")
    clock.advance(days=364)
    assert signed_in_as(client_with(app, remember_token=remembered), user)
    clock.advance(days=2)  # 366 days: the browser would have dropped it; the server refuses it
    assert not signed_in_as(client_with(app, remember_token=remembered), user)
    assert not signed_in_as(browser, user)
    sign_in(app, user)  # the next sign-in clears the stale row away
    assert count(app, LoginSession, user_id=user.id) == 1


def test_users_compare_by_account_not_by_session(ctx, make):
    user = make.user("yen")
    other = make.user("yen2")
    assert user == user and user != other  # neither has a session: comparing never raises
    LoginSession.open(user)
    assert user != other and [user] == [db.session.get(User, user.id)]


NEW_PASSWORD = "lua-chin-vang-2026"


def test_changing_the_password_in_the_page_signs_out_every_other_copy(app, people):
    user = people("uyen", full_name="Đặng Thu Uyên")
    phone, _ = sign_in(app, user)
    laptop, _ = sign_in(app, user)
    kept = cookie(laptop, "remember_token")
    token = app.test_client().post("/api/v1/auth/token", json={"username": user.username,
                                                                "password": "secret-pass"}).get_json()["token"]
    page = phone.get("/account/password").get_data(as_text=True)
    assert "Đổi mật khẩu" in page and "Mật khẩu hiện tại" in page
    wrong = phone.post("/account/password", data={"current_password": "khong-dung", "new_password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD}).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in wrong
    assert signed_in_as(laptop, user)  # nothing changed
    changed = phone.post("/account/password", data={"current_password": "secret-pass", "new_password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Đã đổi mật khẩu. Mọi thiết bị khác đã được đăng xuất." in changed.get_data(as_text=True)
    assert signed_in_as(phone, user)  # the browser that changed it stays
    assert not signed_in_as(laptop, user)
    assert not signed_in_as(client_with(app, remember_token=kept), user)
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": user.username, "password": "secret-pass"}).status_code == 200
    assert fresh.post("/login", data={"username": user.username, "password": NEW_PASSWORD}).status_code == 302


def test_a_weak_new_password_is_refused_in_words_and_changes_nothing(app, people):
    user = people("vinh", full_name="Phan Vinh")
    browser, _ = sign_in(app, user)
    page = browser.post("/account/password", data={"current_password": "secret-pass", "new_password": "password123",
                                                   "confirm": "password123"}).get_data(as_text=True)
    assert "Mật khẩu này quá phổ biến" in page
    assert app.test_client().post("/login", data={"username": user.username,
                                                  "password": "secret-pass"}).status_code == 302


def test_sign_out_everywhere_ends_this_browser_too(app, people):
    user = people("xuan", full_name="Mai Xuân")
    phone, _ = sign_in(app, user)
    laptop, _ = sign_in(app, user)
    response = phone.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "Bạn đã được đăng xuất khỏi mọi thiết bị." in response.get_data(as_text=True)
    assert not signed_in_as(phone, user) and not signed_in_as(laptop, user)
    assert count(app, LoginSession, user_id=user.id) == 0


def test_the_password_page_needs_a_signed_in_user(app):
    response = app.test_client().get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
