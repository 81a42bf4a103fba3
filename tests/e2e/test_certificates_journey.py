"""In a real browser: an organizer issues the certificates of a published round (the progress bar
runs to the end) and opens one; a stranger verifies it on a phone, without signing in."""
from playwright.sync_api import expect

from contest.certificates import service
from contest.extensions import db
from tests.api.test_certificates import NAME, _round
from tests.e2e.test_accessibility import _violations


def test_issue_with_the_progress_bar_then_a_stranger_verifies_on_a_phone(live_server, desktop, phone, make):
    round_, people = _round(make)
    make.user("to.chuc", role="organizer", password="mat-khau-du-dai")
    page = desktop
    page.goto(f"{live_server}/login")
    page.fill("#username", "to.chuc")
    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")
    page.goto(f"{live_server}/rounds/{round_.id}")
    page.click("text=Giấy chứng nhận")
    page.click("[data-testid=issue-all]")
    bar = page.locator("[data-testid=job-progress]")
    expect(bar).to_have_attribute("data-job-status", "done", timeout=60_000)
    expect(bar.locator(".progress-bar")).to_have_text("100%")
    page.click("text=Xem các giấy chứng nhận")
    expect(page.locator("table")).to_contain_text(NAME)
    with page.expect_download() as download:
        page.locator("a", has_text="PDF").first.click()
    assert download.value.suggested_filename.startswith("giay-chung-nhan-")

    db.session.expire_all()
    code = service.own_certificate(round_.id, people[0].id).code
    phone.goto(f"{live_server}/verify/{code}")
    expect(phone.locator("[data-testid=verify-valid]")).to_contain_text("Giấy chứng nhận này hợp lệ")
    expect(phone.locator("[data-testid=verify-holder]")).to_have_text(NAME)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert _violations(phone) == []
    assert _violations(page) == []  # the organizer's certificates page, with its table
