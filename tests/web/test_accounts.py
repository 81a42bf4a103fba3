"""Registration, sign-in, language, rate limiting, the create-user command."""
from contest.accounts.models import User
from contest.accounts.rules import verify_password
from contest.config import TestConfig
from contest.extensions import db


def test_register_validates_in_plain_words(client, make):
    unit = make.unit("Chi bộ 3")
    taken = make.user("da.co")
    response = client.post("/register", data={
        "full_name": "", "unit_id": "0", "username": taken.username, "password": "ngan", "confirm": "khac"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("Nhập họ và tên của bạn.", "Chọn đơn vị của bạn.", "Tên đăng nhập này đã có người dùng",
                    "Mật khẩu cần ít nhất 8 ký tự.", "Hai mật khẩu không giống nhau."):
        assert message in page, message
    assert db.session.query(User).count() == 1

    response = client.post("/register", data={
        "full_name": "Phạm  Thu Hà", "unit_id": str(unit.id), "username": "Thu.Ha", "password": "mat-khau-dai",
        "confirm": "mat-khau-dai", "email": "ha@example.vn"})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(username="thu.ha").one()
    assert user.unit_id == unit.id and user.role == "member"
    assert user.password_hash.startswith("$argon2id$") and verify_password(user.password_hash, "mat-khau-dai")


def test_login_logout_and_wrong_password(client, make):
    user = make.user("binh")
    wrong = client.post("/login", data={"username": "binh", "password": "nope"})
    assert "Sai tên đăng nhập hoặc mật khẩu." in wrong.get_data(as_text=True)
    assert client.post("/login", data={"username": "BINH", "password": "secret-pass"}).status_code == 302
    assert user.full_name in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Đăng nhập" in client.get("/").get_data(as_text=True)


def test_login_redirect_is_never_offsite(client, make):
    make.user("chi")
    response = client.post("/login?next=https://evil.example/x", data={"username": "chi", "password": "secret-pass"})
    assert response.headers["Location"] == "/"


def test_vietnamese_by_default_english_on_request_and_remembered(client, make):
    assert "Cuộc thi" in client.get("/").get_data(as_text=True)
    client.post("/language/en", data={"next": "/"})
    assert "Contests" in client.get("/").get_data(as_text=True)
    user = make.user("dung")
    client.post("/login", data={"username": "dung", "password": "secret-pass"})
    client.post("/language/en", data={"next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"


def test_login_is_rate_limited(app, client):
    from contest.extensions import limiter

    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"  # read at each request
    limiter.reset()
    try:
        codes = [client.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        assert "Bạn đã thử quá nhiều lần" in client.post("/login", data={}).get_data(as_text=True)
        api = [client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}) for _ in range(4)]
        assert api[3].status_code == 429 and api[3].get_json()["error"]["code"] == "rate_limited"
    finally:
        limiter.reset()
        app.config["LOGIN_RATE_LIMIT"] = TestConfig.LOGIN_RATE_LIMIT


def test_create_user_command(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "btc", "--password", "mat-khau-dai", "--role", "organizer"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="btc").one()
    assert user.role == "organizer" and verify_password(user.password_hash, "mat-khau-dai")
    again = runner.invoke(args=["create-user", "btc", "--password", "mat-khau-khac"])
    assert again.exit_code != 0 and "already taken" in again.output


def test_demo_data_loads_once(app, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    assert "admin / admin" in first.output and "demo / demo" in first.output
    from contest.rounds.models import Attempt, Round
    from question_bank.models import Question

    assert db.session.query(Question).count() >= 60
    assert db.session.query(Round).filter_by(kind="quiz").count() == 2
    assert db.session.query(Attempt).filter(Attempt.status != "in_progress").count() >= 10
    from contest.essays.models import Entry

    essay = db.session.query(Round).filter_by(kind="essay").one()
    entries = db.session.query(Entry).filter_by(round_id=essay.id).all()
    assert len(entries) == 3 and all(e.code for e in entries)
    second = runner.invoke(args=["load-demo"])
    assert "already loaded" in second.output
    assert db.session.query(Round).count() == 3


def test_sign_in_page_names_the_demo_accounts_only_in_demo_mode(app, client):
    """Issue 12 point 6: the demo's short passwords are said to be demo-only, never shown elsewhere."""
    assert "demo-accounts" not in client.get("/login").get_data(as_text=True)
    app.config["DEMO"] = True
    try:
        html = client.get("/login").get_data(as_text=True)
    finally:
        app.config["DEMO"] = False
    assert "Ban tổ chức: admin / admin" in html and "Giám khảo: giamkhao1–3 / giamkhao" in html
    assert "Các thành viên khác: thisinh1–12 / thisinh" in html
    assert ("Các mật khẩu ngắn này chỉ có trong dữ liệu dùng thử; ở nơi khác chúng sẽ bị từ chối, "
            "vì mật khẩu phải có ít nhất 8 ký tự.") in html
