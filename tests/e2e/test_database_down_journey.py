"""Issue 10 point 6: the database stops answering while a member takes a round. The app answers
503 `service_unavailable`; the page says the server is not answering, keeps the answer on the
device, reopens itself from the service worker on a reload (the server's page is a 503), and
sends the answer again once the database is back, after the Retry-After; so the server has it."""
import re

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.test_offline_journey import stored_pages
from tests.faultlab import database_down
from tests.e2e.conftest import start_round

UNAVAILABLE = ("Máy chủ tạm thời chưa phản hồi: câu trả lời được giữ trên thiết bị này và sẽ được gửi lại "
               "sau vài giây.")


def test_answers_wait_while_the_database_is_down_and_reach_it_when_it_is_back(live_server, browser, make, app):
    member = make.user(password="mat-khau-du-dai")
    make.questions(6)
    make.round(title="Tuần thi mất cơ sở dữ liệu", question_count=4, duration_seconds=900)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        start_round(page, live_server, member, "Tuần thi mất cơ sở dữ liệu")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        assert stored_pages(page, 1) == 1
        attempt_id = int(re.search(r"/attempts/(\d+)$", page.url).group(1))
        status = page.locator("[data-testid=sync-status]")

        def choose(n):
            box = page.locator(f".question[data-position='{n}']")
            box.locator(".form-check-label").first.click()
            return box.locator("input").first.get_attribute("value")

        chosen = {1: choose(1)}
        expect(page.locator(".question[data-position='1'] .save-state")).to_have_text("Đã lưu")

        with database_down(app) as calls:
            chosen[2] = choose(2)
            expect(page.locator("#connection")).to_have_text(UNAVAILABLE)
            expect(status).to_have_text("Đang chờ gửi: 1 câu")
            expect(page.locator(".question[data-position='2'] .save-state")).to_have_text("Chưa lưu được. Đang thử lại…")
            page.reload()  # the server answers its 503 page: the service worker reopens the stored one
            expect(page.locator("#attempt")).to_have_attribute("data-from-cache", "1")
            expect(page.locator(f".question[data-position='2'] input[value='{chosen[2]}']")).to_be_checked()
            expect(page.locator("#connection")).to_have_text(UNAVAILABLE)  # sent again on load: 503 again
            expect(status).to_have_text("Đang chờ gửi: 1 câu")
            assert calls  # the server really reached for its database, and got nothing

        # Back: the page sends the queue again after the server's Retry-After (5 s).
        expect(status).to_have_text(re.compile(r"^Đã lưu trên máy chủ lúc \d\d:\d\d$"), timeout=20_000)
        expect(page.locator("#connection")).to_have_text("")
        assert page.evaluate(f"localStorage.getItem('attempt-{attempt_id}-pending')") == "{}"
        db.session.expire_all()
        attempt = db.session.get(Attempt, attempt_id)
        saved = {aq.position: aq.public_ids(aq.selected or []) for aq in attempt.questions}
        assert saved == {1: [int(chosen[1])], 2: [int(chosen[2])], 3: [], 4: []}
    finally:
        context.close()
