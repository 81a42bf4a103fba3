"""Issue 10 point 7: a save refused as too fast (429) is not lost. The page says what the server
said, keeps the answer queued, waits the Retry-After it was given (not its usual 3 s) and sends
it again; the server then has it."""
import re

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt


def _selected(position):
    db.session.expire_all()
    return db.session.execute(db.select(Attempt)).scalar_one().questions[position - 1].selected


def test_a_save_refused_as_too_fast_waits_the_retry_after_and_is_sent_again(live_server, phone, make, app, clock):
    member = make.user(password="mat-khau-du-dai")
    make.questions(4)
    make.round(title="Tuần thi nhanh tay", question_count=3, duration_seconds=900)
    limits = app.config["RATE_LIMITS"]
    app.config["RATE_LIMITS"] = {**limits, "save": ("1 per 10 seconds", "100000 per minute")}
    page = phone
    try:
        page.goto(f"{live_server}/login")
        page.fill("#username", member.username)
        page.fill("#password", "mat-khau-du-dai")
        page.click("main button[type=submit]")
        page.click("text=Tuần thi nhanh tay")
        page.click("form[action$='/start'] button")
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))

        def choose(n):
            page.locator(f".question[data-position='{n}'] .form-check-label").first.click()

        choose(1)
        expect(page.locator(".question[data-position='1'] .save-state")).to_have_text("Đã lưu")
        choose(2)  # the second save in the same 10 s: refused, Retry-After 10
        expect(page.locator("#connection")).to_have_text("Bạn thao tác quá nhanh. Vui lòng thử lại sau 10 giây.")
        expect(page.locator("[data-testid=sync-status]")).to_have_text("Đang chờ gửi: 1 câu")
        assert _selected(2) is None
        clock.advance(seconds=10)  # the server would take it now ...
        page.wait_for_timeout(5000)
        assert _selected(2) is None  # ... but the page waits the 10 s it was told, not 3
        expect(page.locator(".question[data-position='2'] .save-state")).to_have_text("Đã lưu", timeout=15_000)
        assert _selected(2) is not None
        expect(page.locator("#connection")).to_have_text("")
    finally:
        app.config["RATE_LIMITS"] = limits
