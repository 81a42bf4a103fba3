"""In a real browser: an organizer creates a contest (a draft: the member does not see it), adds a
round, copies it to next week, publishes the contest, and the member sees both rounds."""
from playwright.sync_api import expect


def _sign_in(page, live_server, username, password="secret-pass"):
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit].btn-danger")


def test_draft_copy_publish(live_server, browser, desktop, make):
    make.questions(10)
    make.user("bantochuc", role="organizer", full_name="Ban Tổ Chức")
    make.user("thisinh", full_name="Trần Thị Thí Sinh")
    page = desktop
    _sign_in(page, live_server, "bantochuc")
    page.goto(f"{live_server}/manage/contests/new")
    expect(page.locator("#draft-note")).to_contain_text("bắt đầu ở dạng bản nháp")
    page.fill("#title", "Cuộc thi tuần 2026")
    page.click("button[type=submit].btn-danger")
    expect(page.locator("h1")).to_contain_text("Bản nháp")
    contest_url = page.url
    contest_id = int(contest_url.rstrip("/").rsplit("/", 1)[1])
    from contest.rounds.models import Contest
    from contest.extensions import db

    make.round(contest=db.session.get(Contest, contest_id), title="Tuần 1")
    page.goto(contest_url)
    page.get_by_role("button", name="Sao chép sang tuần sau").click()
    expect(page.locator(".alert")).to_contain_text("Đã sao chép vòng thi")
    expect(page.locator("#title")).to_have_value("Tuần 1 (bản sao)")
    page.click("form button[type=submit].btn-danger")
    expect(page.locator("table")).to_contain_text("Tuần 1 (bản sao)")

    member = browser.new_context(locale="vi-VN").new_page()
    member.set_default_timeout(10_000)
    _sign_in(member, live_server, "thisinh")
    member.goto(f"{live_server}/")
    expect(member.locator("main")).not_to_contain_text("Cuộc thi tuần 2026")

    page.goto(contest_url)
    page.get_by_role("button", name="Công bố", exact=True).click()
    expect(page.locator(".alert")).to_contain_text("Đã công bố cuộc thi")
    member.goto(f"{live_server}/")
    expect(member.locator("main")).to_contain_text("Tuần 1 (bản sao)")
    expect(member.locator("main")).not_to_contain_text("Bản nháp")
    member.context.close()
