"""In a real browser: the organizer's live dashboard shows a member's new attempt without reload."""
from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds import service


def test_active_now_changes_without_reload_when_a_member_starts(live_server, desktop, make):
    round_ = make.quiz(questions=3, question_count=2)
    make.user("to.chuc", role="organizer", password="mat-khau-du-dai")
    member = make.user()
    page = desktop
    page.goto(f"{live_server}/login")
    page.fill("#username", "to.chuc")
    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")
    page.goto(f"{live_server}/manage/rounds/{round_.id}/dashboard?interval_ms=300")
    expect(page.locator("h1")).to_have_text("Bảng theo dõi trực tiếp")
    active = page.locator("#fig-active")
    expect(active).to_have_text("0")
    expect(page.locator("#fig-started")).to_have_text("0")
    page.evaluate("window.stillTheSamePage = true")

    service.start_attempt(round_, member)
    db.session.commit()
    make.clock.advance(seconds=5)  # the next cache period

    expect(active).to_have_text("1")
    expect(page.locator("#fig-started")).to_have_text("1")
    expect(page.locator("#table-buckets tr td").first).to_have_text("10:00")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#dashboard [aria-live=polite] #fig-active").count() == 1
