"""In a real browser: an organizer imports members from Excel, waits for the progress bar of the
job that generates their passwords and downloads the credentials sheet; a member signs in with
one, is made to change it, and lands on the home page."""
import io

from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from tests.e2e.test_accessibility import _violations


def _sheet(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Tên đăng nhập", "Đơn vị", "Ngày sinh"])
    sheet.append(["Phạm Thị Thu", "thu.pt", "Huyện ủy/Chi bộ A", "12/03/1995"])
    sheet.append(["Vũ Văn Nam", "nam.vv", "Huyện ủy/Chi bộ B", ""])
    book.save(path)


def test_organizer_imports_members_and_a_member_changes_the_handed_out_password(
        live_server, browser, desktop, make, tmp_path):
    make.user("btc", role="organizer", full_name="Ban Tổ Chức", password="mat-khau-du-dai")
    page = desktop
    page.goto(f"{live_server}/login")
    page.fill("#username", "btc")
    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")
    page.click("nav.navbar >> text=Thành viên")
    page.click("text=Nhập thành viên")
    path = tmp_path / "thanh-vien.xlsx"
    _sheet(path)
    page.set_input_files("#file", str(path))
    page.click("button:has-text('Kiểm tra và nhập')")
    expect(page.locator("#import-errors")).to_contain_text("Không có đơn vị “Huyện ủy/Chi bộ A”.")
    page.set_input_files("#file", str(path))
    page.check("#create_units")
    page.click("button:has-text('Kiểm tra và nhập')")
    expect(page.locator("#import-result")).to_contain_text("Đã tạo 2 thành viên (3 đơn vị mới).")
    bar = page.locator("[data-testid=job-progress]")
    expect(bar).to_have_attribute("data-job-status", "done", timeout=60_000)
    expect(bar.locator(".progress-bar")).to_have_text("100%")
    expect(bar.locator("[data-job-status]")).to_have_text("Đã xong.")
    expect(page.locator("[data-testid=credentials-retry]")).to_be_hidden()
    assert _violations(page) == []
    with page.expect_download() as download:
        page.click("#credentials-link")
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert [r[:2] for r in rows] == [("Họ và tên", "Tên đăng nhập"), ("Phạm Thị Thu", "thu.pt"), ("Vũ Văn Nam", "nam.vv")]
    password = rows[1][2]

    member_context = browser.new_context(locale="vi-VN")
    member = member_context.new_page()
    member.set_default_timeout(10_000)
    member.goto(f"{live_server}/login")
    member.fill("#username", "thu.pt")
    member.fill("#password", password)
    member.click("button[type=submit].btn-danger")
    expect(member.locator("#must-change")).to_contain_text("Mật khẩu của bạn do ban tổ chức cấp")
    member.goto(f"{live_server}/")  # any page sends them back until they choose their own
    expect(member).to_have_url(f"{live_server}/account/password")
    member.fill("#current_password", password)
    member.fill("#new_password", "hoa-sen-no-muon-2026")
    member.fill("#confirm", "hoa-sen-no-muon-2026")
    member.click("button:has-text('Đổi mật khẩu')")
    expect(member).to_have_url(f"{live_server}/")
    expect(member.locator(".alert-success")).to_contain_text("Đã đổi mật khẩu.")
    expect(member.locator("nav.navbar")).to_contain_text("Phạm Thị Thu")
    member_context.close()
