"""Implausible attempts are flagged for the organizers (issue 10 point 7, contest/rounds/flags.py):
every answer within two seconds of the one before; five accounts starting the round, or
registered, from one address within ten minutes. Organizers read the reason on the leaderboard
and in the attempts export; members never see a flag."""
import io
from datetime import timedelta

from openpyxl import load_workbook

from contest.accounts import registration
from contest.extensions import db
from contest.rounds.models import Round
from tests.factories import sign_in

FAST = "Mọi câu trả lời đều được lưu trong vòng 2 giây sau câu trước đó (4 câu trả lời)."
CROWD = "5 tài khoản bắt đầu vòng thi này từ cùng một địa chỉ (10.0.0.7) trong vòng 10 phút."
REGISTERED = "5 tài khoản được đăng ký từ cùng một địa chỉ (10.0.0.9) trong vòng 10 phút."
PASSWORD = "song-nui-xanh-thao"


def _take(client, make, headers, round_, address, gap):
    """Start from `address`, answer the 4 questions `gap` seconds apart, submit."""
    attempt = client.post(f"/api/v1/rounds/{round_.id}/attempts", headers=headers,
                          environ_base={"REMOTE_ADDR": address}).get_json()
    make.clock.advance(seconds=5)
    for q in attempt["questions"]:
        make.clock.advance(seconds=gap)
        saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", headers=headers,
                           json={"option_ids": [q["options"][0]["id"]]})
        assert saved.status_code == 200
    assert client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={}).status_code == 200


def _round_with_every_case(client, make):
    round_ = make.quiz(questions=4, question_count=4, open_for=timedelta(hours=3))
    _take(client, make, make.auth(make.user(full_name="Phạm Văn Nhanh")), round_, "10.0.0.1", gap=0.5)
    _take(client, make, make.auth(make.user(full_name="Lê Thị Chậm")), round_, "10.0.0.2", gap=10)
    for i in range(5):  # five accounts, a minute apart, from one address
        _take(client, make, make.auth(make.user(full_name=f"Đông Người {i}")), round_, "10.0.0.7", gap=10)
        make.clock.advance(seconds=60)
    registration.save_settings(None, {"open": True, "unit_required": False})
    db.session.commit()
    for i in range(5):  # five registrations from one address; each starts from its own
        registered = client.post("/api/v1/auth/register", environ_base={"REMOTE_ADDR": "10.0.0.9"}, json={
            "username": f"dang.ky{i}", "password": PASSWORD, "full_name": f"Đăng Ký {i}"})
        assert registered.status_code == 201
        token = client.post("/api/v1/auth/token", json={"username": f"dang.ky{i}", "password": PASSWORD}).get_json()
        _take(client, make, {"Authorization": f"Bearer {token['token']}"}, round_, f"10.0.1.{i}", gap=10)
    return round_


def test_the_organizer_sees_each_flag_with_its_reason_and_members_see_none(client, make):
    round_ = _round_with_every_case(client, make)
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
    assert page.count(FAST) == 1 and page.count(CROWD) == 5 and page.count(REGISTERED) == 5
    assert page.count('class="small text-danger-emphasis lb-flag"') == 11  # the slow member has none
    assert ("11 thành viên trên trang này có bài thi cần xem lại: lý do ghi dưới tên. "
            "Chỉ ban tổ chức thấy thông tin này.") in page
    client.post("/logout")

    make.clock.set(round_.closes_at + timedelta(minutes=5))
    db.session.get(Round, round_.id).results_published = True
    db.session.commit()
    # A flagged member reads the published board, and no flag (theirs or anyone's).
    assert client.post("/login", data={"username": "dang.ky0", "password": PASSWORD}).status_code == 302
    page = client.get(f"/rounds/{round_.id}/leaderboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Đông Người 0" in html
    assert "lb-flag" not in html and "Cần xem lại" not in html and 'id="flag-summary"' not in html
    assert "10.0.0.7" not in html and "10.0.0.9" not in html and FAST not in html
    client.post("/logout")
    anonymous = client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
    assert "Phạm Văn Nhanh" in anonymous and "lb-flag" not in anonymous and FAST not in anonymous


def test_the_attempts_export_says_why_an_attempt_is_flagged(client, make):
    round_ = _round_with_every_case(client, make)
    organizer = make.auth(make.user(role="organizer"))
    data = client.get(f"/api/v1/rounds/{round_.id}/export/attempts.xlsx", headers=organizer).data
    rows = list(load_workbook(io.BytesIO(data))["Lượt thi"].iter_rows(values_only=True))
    assert rows[0][-1] == "Cần xem lại"
    reasons = {row[0]: row[-1] for row in rows[1:]}
    assert reasons["Phạm Văn Nhanh"] == FAST
    assert reasons["Lê Thị Chậm"] is None
    assert {reasons[f"Đông Người {i}"] for i in range(5)} == {CROWD}
    assert {reasons[f"Đăng Ký {i}"] for i in range(5)} == {REGISTERED}


def test_fewer_accounts_than_the_threshold_are_not_flagged(app, client, make):
    round_ = make.quiz(questions=4, question_count=4, open_for=timedelta(hours=3))
    for i in range(4):  # four, not five
        _take(client, make, make.auth(make.user(full_name=f"Bạn Cùng Lớp {i}")), round_, "10.0.0.7", gap=10)
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
    assert "Bạn Cùng Lớp 3" in page and "lb-flag" not in page and 'id="flag-summary"' not in page
    app.config["FLAG_ACCOUNTS_PER_ADDRESS"] = 4  # an operator's lower threshold
    try:
        page = client.get(f"/rounds/{round_.id}/leaderboard").get_data(as_text=True)
        assert page.count("4 tài khoản bắt đầu vòng thi này từ cùng một địa chỉ (10.0.0.7) trong vòng 10 phút.") == 4
    finally:
        app.config["FLAG_ACCOUNTS_PER_ADDRESS"] = 5
