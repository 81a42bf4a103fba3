"""Password guessing is slowed per account, whatever the address, in storage every worker
shares: after 5 wrong passwords each further one doubles the wait; while the account waits,
sign-in answers 429 without checking the password; the member gets in once the wait is over."""
import os

import pytest
import redis

from app import create_app
from contest.accounts import throttle
from contest.accounts.service import create_user
from contest.extensions import db

WAIT_2 = "Tài khoản này đã bị nhập sai mật khẩu quá nhiều lần. Vui lòng chờ 2 giây rồi thử lại."
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def token(client, password, address="127.0.0.1", username="hoa"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def hoa(app, clock):
    with app.app_context():
        create_user("hoa", "mat-khau-dai", "Nguyễn Thị Hoa")
        db.session.commit()


def test_forty_guesses_from_forty_addresses_mostly_refused_and_the_member_still_gets_in(client, clock, hoa):
    answers = [token(client, f"doan-sai-{i}", address=f"127.0.0.{i + 1}") for i in range(40)]
    codes = [a.status_code for a in answers]
    assert codes[:5] == [401] * 5  # the first five wrong passwords are checked, and wrong
    assert codes[5:] == [429] * 35
    refused = answers[5].get_json()["error"]
    assert refused == {"code": "rate_limited", "message": WAIT_2}
    assert answers[5].headers["Retry-After"] == "2"

    # During the wait even the right password is not checked.
    assert token(client, "mat-khau-dai", address="127.0.0.99").status_code == 429
    clock.advance(seconds=2)
    signed_in = token(client, "mat-khau-dai", address="127.0.0.99")
    assert signed_in.status_code == 200 and signed_in.get_json()["user"]["username"] == "hoa"
    # ... and the count started again: five free mistakes.
    assert [token(client, "sai-nua").status_code for _ in range(6)] == [401] * 5 + [429]


def test_each_further_wrong_password_doubles_the_wait(client, clock, hoa):
    for _ in range(5):
        assert token(client, "sai").status_code == 401
    clock.advance(seconds=2)
    assert token(client, "sai").status_code == 401  # the sixth: now 4 s
    waiting = token(client, "mat-khau-dai")
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "4"
    clock.advance(seconds=3)
    assert token(client, "mat-khau-dai").headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert token(client, "mat-khau-dai").status_code == 200


def test_the_wait_is_told_in_minutes_and_never_passes_five(client, clock, hoa):
    for _ in range(5):
        token(client, "sai")
    for wait in (2, 4, 8, 16, 32, 64, 128, 256, 300, 300):
        clock.advance(seconds=wait)
        assert token(client, "sai").status_code == 401
    refused = token(client, "mat-khau-dai")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "300"
    assert refused.get_json()["error"]["message"] == (
        "Tài khoản này đã bị nhập sai mật khẩu quá nhiều lần. Vui lòng chờ 5 phút rồi thử lại.")
    clock.advance(seconds=300)
    assert token(client, "mat-khau-dai").status_code == 200


def test_an_unknown_username_is_slowed_the_same_way(client, clock):
    codes = [token(client, "x", username="khong.co.ai").status_code for _ in range(7)]
    assert codes == [401] * 5 + [429, 429]


def test_the_sign_in_page_waits_too_with_the_message_and_retry_after(client, clock, hoa):
    for i in range(5):
        page = client.post("/login", data={"username": "Hoa", "password": "sai"},
                           environ_base={"REMOTE_ADDR": f"127.0.1.{i}"})
        assert page.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu." in page.get_data(as_text=True)
    page = client.post("/login", data={"username": "hoa", "password": "mat-khau-dai"})
    assert page.status_code == 429 and page.headers["Retry-After"] == "2"
    assert WAIT_2 in page.get_data(as_text=True)
    # the page and the API count one account
    assert token(client, "mat-khau-dai").status_code == 429
    clock.advance(seconds=2)
    assert client.post("/login", data={"username": "hoa", "password": "mat-khau-dai"}).status_code == 302


def _redis_or_skip():
    try:
        store = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
        store.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL)")
    return store


@pytest.fixture
def two_servers(app, clock):
    """Two app instances (as two gunicorn workers or two servers) sharing REDIS_URL db 5."""
    store = _redis_or_skip()
    store.flushdb()  # db 5 only
    config = {**app.config, "REDIS_URL": TEST_REDIS_URL, "CLOCK": clock}
    config.pop("SERVER_NAME", None)
    servers = [create_app(config), create_app(config)]
    with app.app_context():
        create_user("hoa", "mat-khau-dai", "Nguyễn Thị Hoa")
        db.session.commit()
    yield servers
    store.flushdb()
    store.close()


def test_two_servers_sharing_redis_share_the_accounts_count(two_servers, clock):
    first, second = (server.test_client() for server in two_servers)
    assert [token(first, "sai").status_code for _ in range(3)] == [401] * 3
    assert [token(second, "sai").status_code for _ in range(2)] == [401] * 2
    on_first, on_second = token(first, "mat-khau-dai"), token(second, "mat-khau-dai")
    assert on_first.status_code == on_second.status_code == 429
    assert on_second.headers["Retry-After"] == "2"
    clock.advance(seconds=2)
    assert token(second, "mat-khau-dai").status_code == 200
    assert [token(first, "sai").status_code for _ in range(6)] == [401] * 5 + [429]


def test_when_redis_does_not_answer_the_process_counts_instead(app, clock):
    config = {**app.config, "REDIS_URL": "redis://127.0.0.1:1/0", "CLOCK": clock}
    server = create_app(config)
    with app.app_context():
        create_user("hoa", "mat-khau-dai", "Nguyễn Thị Hoa")
        db.session.commit()
    client = server.test_client()
    assert [token(client, "sai").status_code for _ in range(6)] == [401] * 5 + [429]
    clock.advance(seconds=2)
    assert token(client, "mat-khau-dai").status_code == 200


def test_parallel_guesses_are_all_counted(app, clock, hoa):
    """Every attempt is counted before its password is checked, with a compare-and-set: forty
    guesses in flight at once still get five checks between them."""
    from concurrent.futures import ThreadPoolExecutor

    def guess(i):
        return token(app.test_client(), f"sai-{i}", address=f"127.0.2.{i}").status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(guess, range(40)))
    assert codes.count(401) == 5 and codes.count(429) == 35


def test_a_browser_that_signed_in_before_is_not_delayed_by_a_strangers_guesses(app, clock, hoa):
    right = {"username": "hoa", "password": "mat-khau-dai"}
    wrong = {"username": "hoa", "password": "doan-bua"}
    phone = app.test_client()
    assert phone.post("/login", data=right).status_code == 302
    assert phone.get_cookie("known_device") is not None
    phone.post("/logout")

    stranger = app.test_client()
    assert [token(stranger, "doan-bua").status_code for _ in range(6)] == [401] * 5 + [429]
    assert stranger.post("/login", data=right).status_code == 429  # the account waits ...
    assert phone.post("/login", data=right).status_code == 302  # ... not the member's own phone
    phone.post("/logout")

    # The phone's own wrong passwords are slowed all the same, on their own count.
    codes = [phone.post("/login", data=wrong).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_a_forged_or_borrowed_known_device_cookie_counts_as_a_stranger(app, clock, hoa):
    from itsdangerous import URLSafeSerializer

    with app.app_context():
        create_user("khanh", "mat-khau-dai", "Phạm Khánh")
        db.session.commit()
    friend = app.test_client()
    assert friend.post("/login", data={"username": "khanh", "password": "mat-khau-dai"}).status_code == 302
    borrowed = friend.get_cookie("known_device").value  # a device cookie of another account
    forged = URLSafeSerializer("not-the-secret", salt="known-device").dumps({"u": "hoa", "d": "x"})
    for _ in range(5):
        token(app.test_client(), "doan-bua")
    for cookie in (borrowed, forged, "rác"):
        client = app.test_client()
        client.set_cookie("known_device", cookie)
        assert client.post("/login", data={"username": "hoa", "password": "mat-khau-dai"}).status_code == 429
