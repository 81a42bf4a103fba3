"""The quiz page for everyone (issue 12): the countdown's announcer schedule, the navigator that
lands a question below the sticky bar and marks it for review, the submit dialog that lists what
is unanswered, and a round taken from sign-in to result with the keyboard only."""
import re
from pathlib import Path

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.conftest import start_round

COUNTDOWN_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "countdown.js"
TEXTS = {"minutes": "Còn __N__ phút.", "seconds": "Còn __N__ giây.", "up": "Đã hết giờ."}


def test_announcer_speaks_once_a_minute_then_every_ten_seconds(phone):
    page = phone
    page.set_content("<!doctype html><title>t</title>")
    page.add_script_tag(path=str(COUNTDOWN_JS))
    inputs = [900, 899, 841, 840, 601, 600, 121, 120, 119, 61, 60, 59, 51, 50, 41, 40, 31, 30, 11, 10, 9, 1, 0]
    said = page.evaluate("([xs, t]) => xs.map(x => window.Countdown.announcement(x, t))", [inputs, TEXTS])
    assert dict(zip(inputs, said)) == {
        900: "Còn 15 phút.", 899: "Còn 15 phút.", 841: "Còn 15 phút.", 840: "Còn 14 phút.",
        601: "Còn 11 phút.", 600: "Còn 10 phút.", 121: "Còn 3 phút.", 120: "Còn 2 phút.",
        119: "Còn 2 phút.", 61: "Còn 2 phút.", 60: "Còn 1 phút.", 59: "Còn 1 phút.", 51: "Còn 1 phút.",
        50: "Còn 50 giây.", 41: "Còn 50 giây.", 40: "Còn 40 giây.", 31: "Còn 40 giây.", 30: "Còn 30 giây.",
        11: "Còn 20 giây.", 10: "Còn 10 giây.", 9: "Còn 10 giây.", 1: "Còn 10 giây.", 0: "Đã hết giờ.",
    }
    # Over a whole 15-minute attempt, second by second: the live region changes 14 times for the
    # minutes (at 14:00 ... 1:00), 5 times in the last minute (50 ... 10 s) and once at the end.
    changes = page.evaluate("""t => { const at = []; let last = window.Countdown.announcement(900, t);
        for (let x = 899; x >= 0; x--) { const s = window.Countdown.announcement(x, t);
          if (s !== last) { at.push(x); last = s; } } return at; }""", TEXTS)
    assert changes == [840, 780, 720, 660, 600, 540, 480, 420, 360, 300, 240, 180, 120, 60, 50, 40, 30, 20, 10, 0]
    warnings = page.evaluate("xs => xs.map(x => window.Countdown.warning(x))", [600, 301, 300, 61, 60, 1, 0])
    assert warnings == [None, None, "five", "five", "one", "one", None]


def sign_in_and_start(page, live_server, member, title):
    start_round(page, live_server, member, title)
    expect(page.locator("#countdown")).not_to_have_text("--:--")


def test_navigator_lands_questions_below_the_bar_and_marks_them(live_server, phone, make):
    member = make.user(password="mat-khau-du-dai")
    make.questions(12)
    make.round(title="Tuần thi điện thoại", question_count=12, duration_seconds=900)
    page = phone
    sign_in_and_start(page, live_server, member, "Tuần thi điện thoại")
    assert page.locator("#countdown-announcer").get_attribute("aria-live") == "polite"
    assert page.locator("#countdown-announcer #countdown").count() == 0  # the ticking clock is outside
    for n in (7, 12, 3, 9):
        page.locator(f".nav-q[data-position='{n}']").click()
        page.wait_for_timeout(1200)  # Bootstrap scrolls smoothly: let the scrolling end
        bar_bottom = page.evaluate("document.querySelector('.attempt-bar').getBoundingClientRect().bottom")
        top = page.evaluate(f"document.querySelector(\".question[data-position='{n}']\").getBoundingClientRect().top")
        # Not under the bar, and on screen (the last question cannot scroll higher than the page's end).
        assert bar_bottom - 0.5 <= top <= page.viewport_size["height"] - 100, (n, top, bar_bottom)
    # Scrolled to the question, not left where it was: 9 lands right below the bar.
    assert top <= bar_bottom + 40, (top, bar_bottom)
    third = page.locator(".question[data-position='3']")
    third.locator(".form-check-label").first.click()
    flag = third.locator(".flag-toggle")
    expect(flag).to_have_text(re.compile("Đánh dấu xem lại"))
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "true")
    nav = page.locator(".nav-q[data-position='3']")
    expect(nav).to_have_attribute("aria-label", "Câu 3: đã trả lời, đánh dấu xem lại")
    expect(nav).to_contain_text("⚑")
    expect(page.locator(".nav-q[data-position='4']")).to_have_attribute("aria-label", "Câu 4: chưa trả lời")
    page.reload()  # kept on the device, per attempt
    expect(page.locator(".nav-q[data-position='3']")).to_have_attribute("aria-label", "Câu 3: đã trả lời, đánh dấu xem lại")
    expect(page.locator(".question[data-position='3'] .flag-toggle")).to_have_attribute("aria-pressed", "true")


def test_submit_dialog_lists_unanswered_flagged_and_the_prediction(live_server, phone, make):
    member = make.user(password="mat-khau-du-dai")
    make.questions(5)
    make.round(title="Tuần thi hộp thoại", question_count=5, prediction_prompt="Bao nhiêu người đúng hết?",
               duration_seconds=290)
    page = phone
    sign_in_and_start(page, live_server, member, "Tuần thi hộp thoại")
    # Under 5 minutes left: the visible warning, a status the screen reader also hears once.
    warning = page.locator("#countdown-warning")
    expect(warning).to_be_visible()
    expect(warning).to_have_text("Còn 5 phút. Hãy xem lại các câu chưa trả lời.")
    assert warning.get_attribute("role") == "status"
    for n in (1, 3, 4):
        box = page.locator(f".question[data-position='{n}']")
        box.locator(".form-check-label").first.click()
        expect(box.locator(".save-state")).to_have_class(re.compile("text-success"))
    page.locator(".question[data-position='4'] .flag-toggle").click()
    page.click("#submit-form button[data-bs-toggle=modal]")
    dialog = page.locator("#confirm-submit")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-unanswered")).to_have_text("Chưa trả lời: câu 2, 5.")
    expect(page.locator("#confirm-flagged")).to_have_text("Đánh dấu xem lại: câu 4.")
    expect(page.locator("#confirm-prediction")).to_be_visible()
    expect(page.locator("#confirm-prediction")).to_contain_text("câu hỏi dự đoán")
    # Focus moved into the dialog; Esc closes it.
    page.wait_for_function("document.getElementById('confirm-submit').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches `selector` (the keyboard's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_outline(page):
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.matches(':focus-visible'), s.outlineStyle, s.outlineWidth]; }""")


def test_keyboard_only_round_from_sign_in_to_result(live_server, phone, make):
    member = make.user(password="mat-khau-du-dai")
    make.questions(4)
    round_ = make.round(title="Tuần thi bàn phím", question_count=3)
    page = phone
    page.goto(f"{live_server}/login")
    tab_to(page, "#username")
    visible, style, width = focus_outline(page)
    assert visible and style != "none" and width != "0px"
    page.keyboard.type(member.username)
    tab_to(page, "#password")
    page.keyboard.type("mat-khau-du-dai")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    tab_to(page, f"main a[href$='/rounds/{round_.id}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/rounds/\d+$"))
    tab_to(page, "form[action$='/start'] button")
    visible, style, _ = focus_outline(page)
    assert visible and style != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    expect(page.locator("#countdown")).not_to_have_text("--:--")
    for n in (1, 2, 3):
        tab_to(page, f".question[data-position='{n}'] input")
        visible, style, _ = focus_outline(page)
        assert visible and style != "none"
        page.keyboard.press("Space")
        expect(page.locator(f".question[data-position='{n}'] .save-state")).to_have_class(re.compile("text-success"))
    tab_to(page, "#submit-form button[data-bs-toggle=modal]")
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-submit")).to_be_visible()
    expect(page.locator("#confirm-summary")).to_have_text("Bạn đã trả lời tất cả các câu hỏi.")
    tab_to(page, "#confirm-submit-button")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=score]")).to_have_text(re.compile(r"\d+(\.\d+)?( / |/)3"))
    db.session.expire_all()
    attempt = db.session.execute(db.select(Attempt)).scalar_one()
    assert attempt.status == "submitted"
    assert all(aq.selected for aq in attempt.questions)
