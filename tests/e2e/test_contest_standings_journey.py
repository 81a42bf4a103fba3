"""In a real browser: the organizer picks the contest standings rule and publishes them; a member
on a phone then reads the standings and switches the unit table's order."""
from playwright.sync_api import expect

from tests.api.test_contest_standings import after_the_close, quiz_round


def _sign_in(page, base, username, password):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit].btn-danger")


def test_organizer_publishes_the_contest_standings_and_a_member_reads_them(live_server, browser, desktop, phone, make):
    small = make.unit("Chi bộ Nhỏ")
    big = make.unit("Đảng bộ Lớn")
    contest = make.contest(title="Tìm hiểu lịch sử Đảng bộ")
    an = make.user("an", unit=small, full_name="Nguyễn Văn An", password="mat-khau-du-dai")
    binh = make.user(unit=big, full_name="Trần Thị Bình")
    chi = make.user(unit=big, full_name="Lê Minh Chí")
    make.user(unit=big)  # did not take part: Đảng bộ Lớn 2/3, Chi bộ Nhỏ 1/1
    quiz_round(make, contest, {an: (8, 10), binh: (10, 20), chi: (3, 5)})
    quiz_round(make, contest, {an: (6, 10), chi: (4, 5)})
    after_the_close(make)
    make.user("to.chuc", role="organizer", password="mat-khau-du-dai")

    _sign_in(desktop, live_server, "to.chuc", "mat-khau-du-dai")
    desktop.goto(f"{live_server}/manage/contests/{contest.id}")
    desktop.select_option("#standings_rule", "best")
    desktop.click("#standings-rule-form button[type=submit]")
    expect(desktop.locator(".alert-success")).to_contain_text("Đã lưu cuộc thi.")
    desktop.click("#standings-publish-form button[type=submit]")
    expect(desktop.locator(".alert-success")).to_contain_text("Đã công bố bảng tổng sắp")
    expect(desktop.locator("#standings-heading")).to_contain_text("Đã công bố bảng tổng sắp")

    _sign_in(phone, live_server, "an", "mat-khau-du-dai")
    phone.goto(f"{live_server}/contests/{contest.id}/standings")
    expect(phone.locator("h1")).to_have_text("Bảng tổng sắp")
    first_cells = phone.locator("#contest-standings tbody tr td:nth-child(2)")
    # best: Bình 10, An 8 (two rounds), Chí 4
    expect(first_cells.nth(0)).to_contain_text("Trần Thị Bình")
    expect(first_cells.nth(1)).to_contain_text("Nguyễn Văn An")
    expect(phone.locator("#contest-standings tr.table-info")).to_contain_text("Nguyễn Văn An")
    phone.click("text=Tỷ lệ tham gia theo đơn vị")
    units = phone.locator("#contest-units tbody tr td:nth-child(2)")
    expect(units.nth(0)).to_have_text("Chi bộ Nhỏ")
    phone.click("text=Theo số người tham gia")
    expect(units.nth(0)).to_have_text("Đảng bộ Lớn")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
