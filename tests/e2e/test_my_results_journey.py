"""In a real browser on a phone: a stranger opens a contest's shareable page from the home page
and reads the winners; a member signs in and finds their own rank and prize in "Kết quả của tôi"."""
from datetime import timedelta

from playwright.sync_api import expect

from contest.extensions import db
from tests.web.test_my_results import _attempt


def test_the_contest_page_and_my_results_on_a_phone(live_server, phone, make):
    contest = make.contest(title="Tìm hiểu 80 năm Cách mạng Tháng Tám")
    round_ = make.round(contest=contest, title="Tuần thi thứ nhất", question_count=3, max_attempts=None,
                        prizes=[{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 1}])
    mai = make.user("mai", full_name="Lê Thị Mai", password="mat-khau-du-dai")
    _attempt(round_, make.user(full_name="Nguyễn Văn An"), 90)
    _attempt(round_, mai, 80, duration=185.25)
    make.clock.set(round_.closes_at + timedelta(minutes=5))
    round_.results_published = True
    db.session.commit()

    phone.goto(f"{live_server}/")
    phone.click(f"a[href='/contests/{contest.id}']")
    expect(phone.locator("h1")).to_have_text("Tìm hiểu 80 năm Cách mạng Tháng Tám")
    expect(phone.locator(f"#round-{round_.id} .winner").first).to_contain_text("Nguyễn Văn An")
    expect(phone.locator("meta[property='og:url']")).to_have_attribute(
        "content", f"{live_server}/contests/{contest.id}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto(f"{live_server}/login")
    phone.fill("#username", "mai")
    phone.fill("#password", "mat-khau-du-dai")
    phone.click("button[type=submit].btn-danger")
    phone.click(".navbar-toggler")
    phone.click("text=Kết quả của tôi")
    expect(phone.locator("h1")).to_have_text("Kết quả của tôi")
    card = phone.locator(f"#result-quiz-{round_.id}")
    expect(card.locator(".result-score")).to_have_text("Điểm: 80,0 / 100,0")
    expect(card.locator(".result-rank")).to_contain_text("Hạng: 2")
    expect(card.locator(".result-prize")).to_have_text("Giải Nhì")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
