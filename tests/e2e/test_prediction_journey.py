"""The prediction question in a real browser: saved as it is typed, there again after a reload
and on another device, queued offline, refused in words without clearing the field, and the
submit dialog warns when it is empty."""
import re

from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.conftest import sign_in

WHOLE = "Dự đoán phải là số nguyên, từ 0 trở lên."
EMPTY_WARNING = "Bạn chưa trả lời câu hỏi dự đoán. Câu dự đoán dùng để xếp hạng khi bằng điểm."



def _dialog(page, event, action):
    """Do `action` and wait for Bootstrap's `event` on the submit dialog (its fade ignores a
    second click while it runs, as a person's slower thumb never notices)."""
    page.evaluate("""event => { window.__dialog = false; document.getElementById('confirm-submit')
        .addEventListener(event, () => { window.__dialog = true; }, {once: true}); }""", event)
    action()
    page.wait_for_function("() => window.__dialog === true")


def open_dialog(page):
    _dialog(page, "shown.bs.modal", lambda: page.click("#submit-form button[data-bs-toggle=modal]"))


def keep_working(page):
    _dialog(page, "hidden.bs.modal", lambda: page.click("#confirm-submit .btn-secondary"))


def saved_prediction():
    db.session.expire_all()
    return db.session.execute(db.select(Attempt)).scalar_one().prediction


def test_prediction_typed_reloaded_on_another_device_offline_and_submitted(live_server, phone, browser, make, network):
    member = make.user(password="mat-khau-du-dai")
    make.questions(3)
    make.round(title="Tuần thi dự đoán", question_count=3, prediction_prompt="Bao nhiêu người đúng hết?")
    page = phone
    sign_in(page, live_server, member)
    page.click("text=Tuần thi dự đoán")
    page.click("form[action$='/start'] button")
    expect(page.locator("#countdown")).not_to_have_text("--:--")  # the page's script has loaded
    field, state = page.locator("#prediction"), page.locator("#prediction-state")

    # Empty: the submit dialog says so before anyone submits.
    open_dialog(page)
    expect(page.locator("#confirm-prediction")).to_have_text(EMPTY_WARNING)
    expect(page.locator("#confirm-prediction")).to_be_visible()
    expect(page.locator("#confirm-submit-button")).to_be_enabled()
    keep_working(page)
    expect(page.locator("#confirm-submit")).to_be_hidden()

    # Not a whole number: refused in words, the text stays, nothing is saved.
    field.fill("-5")
    expect(state).to_have_text(WHOLE)
    expect(state).to_have_class(re.compile("text-danger"))
    expect(field).to_have_value("-5")
    open_dialog(page)
    expect(page.locator("#confirm-prediction")).to_have_text(WHOLE)
    expect(page.locator("#confirm-submit-button")).to_be_disabled()
    keep_working(page)
    expect(page.locator("#confirm-submit")).to_be_hidden()
    assert saved_prediction() is None

    # Typed: saved as it is typed, there after a reload and on another device.
    field.fill("42")
    expect(state).to_have_text("Đã lưu")
    assert saved_prediction() == 42
    page.reload()
    expect(page.locator("#prediction")).to_have_value("42")
    expect(page.locator("#countdown")).not_to_have_text("--:--")  # the page's script has loaded
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    try:
        sign_in(other, live_server, member)
        other.click("text=Tuần thi dự đoán")
        other.click("a.btn-danger[href*='/attempts/']")  # Continue my attempt
        expect(other.locator("#prediction")).to_have_value("42")
    finally:
        other.context.close()

    # Offline: kept on the phone, sent when the connection is back.
    network.off(page.context)
    page.locator("#prediction").fill("43")
    expect(page.locator("#connection")).not_to_be_empty()
    assert saved_prediction() == 42
    network.on(page.context)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#prediction-state")).to_have_text("Đã lưu")
    assert saved_prediction() == 43

    open_dialog(page)
    expect(page.locator("#confirm-prediction")).to_be_hidden()
    page.click("#confirm-submit-button")
    expect(page.locator("[data-testid=score]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Dự đoán của bạn: 43")
