"""Issue 10 point 7: a save refused as too fast (429) is not lost. The page says what the server
said, keeps the answer queued, waits the Retry-After it was given (not its usual 3 s) and sends
it again; the server then has it. The counts run on the real time (the `limits` library's), so
the journey waits the window out."""
import re
import time

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.conftest import start_round


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
        start_round(page, live_server, member, "Tuần thi nhanh tay")
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))

        def choose(n):
            page.locator(f".question[data-position='{n}'] .form-check-label").first.click()

        saves = []  # (status, when) of each answer save the page sends
        page.on("response", lambda r: saves.append((r.status, time.monotonic())) if "/answers/" in r.url else None)
        choose(1)
        expect(page.locator(".question[data-position='1'] .save-state")).to_have_text("Đã lưu")
        with page.expect_response(lambda r: "/answers/" in r.url and r.status == 429) as refused:
            choose(2)  # the second save in the same 10 s: refused, Retry-After the rest of them
        wait = int(refused.value.headers["retry-after"])
        assert 0 < wait <= 10
        expect(page.locator("#connection")).to_have_text(f"Bạn thao tác quá nhanh. Vui lòng thử lại sau {wait} giây.")
        expect(page.locator("[data-testid=sync-status]")).to_have_text("Đang chờ gửi: 1 câu")
        assert _selected(2) is None
        expect(page.locator(".question[data-position='2'] .save-state")).to_have_text("Đã lưu", timeout=15_000)
        assert _selected(2) is not None
        # Sent once more, after the seconds it was told (not its usual 3 s, which the server would refuse).
        assert [status for status, _ in saves] == [200, 429, 200]
        assert saves[2][1] - saves[1][1] > wait - 0.5
        expect(page.locator("#connection")).to_have_text("")
    finally:
        app.config["RATE_LIMITS"] = limits
