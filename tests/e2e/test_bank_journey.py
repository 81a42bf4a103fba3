"""Organizer journeys through the question bank in a real browser."""
import io
import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from contest.extensions import db
from question_bank import formats
from question_bank.formats import OptionDraft, QuestionDraft
from question_bank.models import Question


def bank_xlsx(n=40, bad_rows=()):
    from openpyxl import load_workbook

    drafts = [QuestionDraft(text=f"Câu {i}: Bác Hồ về nước năm nào?", kind="single",
                            options=[OptionDraft(f"1941 ({i})", True), OptionDraft(f"1945 ({i})", False)],
                            topic_path=[f"Chủ đề {i % 3}"]) for i in range(n)]
    wb = load_workbook(io.BytesIO(formats.export(drafts, "xlsx")))
    ws = wb.active
    answer = [c.value for c in ws[1]].index("dap_an") + 1
    for row in bad_rows:
        ws.cell(row=row, column=answer).value = "Z"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sign_in(page, live_server, make):
    make.user(username="btc", role="organizer", password="mat-khau-du-dai")
    page.goto(f"{live_server}/login")
    page.fill("#username", "btc")
    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")


def count():
    db.session.expire_all()
    return db.session.execute(select(func.count(Question.id))).scalar_one()


def test_organizer_fixes_the_bad_rows_and_imports(live_server, desktop, make):
    page = desktop
    sign_in(page, live_server, make)
    page.goto(f"{live_server}/manage/bank/import")
    file_input = page.locator("input[type=file]")
    file_input.set_input_files({"name": "ngan-hang.xlsx", "mimeType": "application/octet-stream",
                                "buffer": bank_xlsx(bad_rows=(7, 33))})
    page.select_option("#status", "approved")
    page.click("form[enctype] button[type=submit]")
    errors = page.locator("#import-errors .import-line")
    expect(errors).to_have_count(2)
    expect(errors).to_have_text(["7", "33"])
    assert count() == 0

    page.locator("input[type=file]").set_input_files({"name": "ngan-hang.xlsx", "mimeType": "application/octet-stream",
                                                      "buffer": bank_xlsx()})
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("40")
    expect(page.locator("#import-errors")).to_have_count(0)
    assert count() == 40


def test_question_form_on_a_phone(live_server, phone, make, app):
    page = phone
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, make)
    page.goto(f"{live_server}/manage/bank/questions/new")
    page.fill("#text", "Những câu nào là lời Bác Hồ?")
    page.select_option("#kind", "multiple")
    rows = page.locator("#options .option-row")
    expect(rows).to_have_count(4)
    page.click("#add-option")
    expect(rows).to_have_count(5)
    for i, text in enumerate(["Không có gì quý hơn độc lập, tự do", "Dĩ bất biến, ứng vạn biến",
                              "Sai một", "Sai hai", "Sai ba"]):
        rows.nth(i).locator("textarea").fill(text)
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    rows.nth(4).locator(".remove-option").click()
    expect(rows).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("#question-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    question = db.session.execute(select(Question)).scalar_one()
    assert [(o.text, o.is_correct) for o in question.current.options] == [
        ("Không có gì quý hơn độc lập, tự do", True), ("Dĩ bất biến, ứng vạn biến", True),
        ("Sai một", False), ("Sai hai", False)]

    page.goto(f"{live_server}/manage/bank/questions/new")
    page.select_option("#kind", "true_false")
    expect(page.locator("#options-block")).to_be_hidden()
    expect(page.locator("#truth")).to_be_visible()
    page.goto(f"{live_server}/manage/bank/?q=bac ho")
    expect(page.locator("#bank-total")).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert re.search(r"\d", page.locator("#bank-total").inner_text())
