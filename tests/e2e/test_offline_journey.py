"""Issue 12 point 5: the quiz page works through a dropped connection, even a reload. The member
answers online, loses the network, answers two more (the page says they wait), reloads without a
network (the service worker reopens the page, the answers still chosen, the countdown running),
gets the network back, and the page says everything is saved; so does the server."""
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.test_accessibility import _violations
from tests.e2e.conftest import start_round


def stored_pages(page, wanted: int) -> int:
    """How many attempt pages the service worker keeps, waited for until it is `wanted` (10 s)."""
    count = None
    for _ in range(50):
        count = page.evaluate("async () => (await (await caches.open('attempt-pages-v1')).keys()).length")
        if count == wanted:
            break
        page.wait_for_timeout(200)
    return count


def test_answers_survive_a_reload_offline_and_reach_the_server(live_server, browser, make, network):
    member = make.user(password="mat-khau-du-dai")
    make.questions(6)
    make.round(title="Tuần thi mất mạng", question_count=4, duration_seconds=900)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        start_round(page, live_server, member, "Tuần thi mất mạng")
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))
        # The worker controls the page (registered since the sign-in page) and has stored it.
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        attempt_url = page.url
        assert stored_pages(page, 1) == 1
        attempt_id = int(re.search(r"/attempts/(\d+)$", attempt_url).group(1))
        status = page.locator("[data-testid=sync-status]")

        def choose(n):
            box = page.locator(f".question[data-position='{n}']")
            box.locator(".form-check-label").first.click()
            return box.locator("input").first.get_attribute("value")

        chosen = {1: choose(1)}
        expect(page.locator(".question[data-position='1'] .save-state")).to_have_text("Đã lưu")
        db.session.expire_all()
        first = db.session.execute(db.select(Attempt)).scalar_one().questions[0]
        at = first.saved_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M")
        expect(status).to_have_text(f"Đã lưu trên máy chủ lúc {at}")

        network.off(context)
        chosen[2] = choose(2)
        chosen[3] = choose(3)
        expect(status).to_have_text("Đang chờ gửi: 2 câu")
        expect(page.locator("#connection")).to_contain_text("Mất kết nối")

        page.reload()  # no network: the service worker answers with the stored page
        expect(page.locator("#attempt")).to_have_attribute("data-from-cache", "1")
        expect(status).to_have_text("Đang chờ gửi: 2 câu")
        for n, value in chosen.items():
            expect(page.locator(f".question[data-position='{n}'] input[value='{value}']")).to_be_checked()
        expect(page.locator(".question[data-position='4'] input:checked")).to_have_count(0)
        expect(page.locator(".nav-q[data-position='3']")).to_have_attribute("aria-label", "Câu 3: đã trả lời")
        # The countdown runs from the deadline in the page, on the server's clock.
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))
        assert _violations(page) == []  # the page reopened offline, waiting answers said, for everyone
        db.session.expire_all()
        assert [aq.selected is not None for aq in db.session.execute(db.select(Attempt)).scalar_one().questions] \
            == [True, False, False, False]

        network.on(context)  # the `online` event sends the queue
        expect(status).to_have_text(re.compile(r"^Đã lưu trên máy chủ lúc \d\d:\d\d$"), timeout=20_000)
        expect(page.locator("#connection")).to_have_text("")
        assert page.evaluate(f"localStorage.getItem('attempt-{attempt_id}-pending')") == "{}"
        db.session.expire_all()
        attempt = db.session.get(Attempt, attempt_id)
        saved = {aq.position: aq.public_ids(aq.selected or []) for aq in attempt.questions}
        assert saved == {1: [int(chosen[1])], 2: [int(chosen[2])], 3: [int(chosen[3])], 4: []}
        # Signing out forgets the stored attempt page: the next person on the phone cannot reopen it.
        with page.expect_navigation():
            page.evaluate("document.querySelector(\"form[action='/logout']\").submit()")
        assert stored_pages(page, 0) == 0
    finally:
        context.close()


def test_an_answer_that_arrives_after_the_time_is_up_is_said_refused(live_server, browser, make, clock, network):
    member = make.user(password="mat-khau-du-dai")
    make.questions(4)
    make.round(title="Tuần thi về muộn", question_count=3, duration_seconds=600)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        start_round(page, live_server, member, "Tuần thi về muộn")
        expect(page.locator("#countdown")).not_to_have_text("--:--")
        network.off(context)
        page.locator(".question[data-position='2'] .form-check-label").first.click()
        expect(page.locator("[data-testid=sync-status]")).to_have_text("Đang chờ gửi: 1 câu")
        clock.advance(minutes=11)  # the server's time runs out while the phone has no network
        network.on(context)
        expect(page.locator("[data-testid=sync-status]")).to_have_text(
            "Không được nhận vì gửi đến sau khi hết giờ: 1 câu.", timeout=20_000)
        expect(page.locator(".question[data-position='2'] .save-state")).to_have_text(
            "Không được nhận: câu trả lời đến máy chủ sau khi đã hết giờ.")
        expect(page.locator("#connection")).to_have_text("Đã hết giờ: lượt thi này không nhận thêm câu trả lời.")
        # The member stays to read it, then goes on by the link (no redirect hides the refusal).
        page.wait_for_timeout(2000)
        assert re.search(r"/attempts/\d+$", page.url)
        link = page.locator("#result-link")
        expect(link).to_be_visible()
        expect(link).to_have_text("Xem kết quả của bạn")
        assert _violations(page) == []
        db.session.expire_all()
        assert all(aq.selected is None for aq in db.session.execute(db.select(Attempt)).scalar_one().questions)
    finally:
        context.close()
