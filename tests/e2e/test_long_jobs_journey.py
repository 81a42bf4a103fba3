"""In a real browser: the organizer prepares the anthology on the results page and the round's
report on the leaderboard — the progress bar runs to the end, then the file's link downloads it,
opened back."""
import io

import pypdf
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.anthology_data import judged_round
from tests.e2e.test_accessibility import _violations
from tests.web.test_long_jobs import ENTRIES, _closed_quiz_round


def _sign_in(page, live_server, make):
    make.user("to.chuc", role="organizer", password="mat-khau-du-dai")
    page.goto(f"{live_server}/login")
    page.fill("#username", "to.chuc")
    page.fill("#password", "mat-khau-du-dai")
    page.click("button[type=submit].btn-danger")


def _download_when_done(page):
    bar = page.locator("[data-testid=job-progress]")
    expect(bar).to_have_attribute("data-job-status", "done", timeout=60_000)
    expect(bar.locator(".progress-bar")).to_have_text("100%")
    with page.expect_download() as download:
        page.click("[data-testid=job-file]")
    return download.value


def test_prepare_the_anthology_and_the_report_then_download_them(live_server, desktop, make):
    round_, _ = judged_round(make, ENTRIES)
    quiz = _closed_quiz_round(make)
    page = desktop
    _sign_in(page, live_server, make)

    page.goto(f"{live_server}/essays/rounds/{round_.id}/results")
    page.click("[data-testid=prepare-anthology-pdf]")
    got = _download_when_done(page)
    assert got.suggested_filename == f"ky-yeu-vong-{round_.id}.pdf"
    pages = [p.extract_text() for p in pypdf.PdfReader(got.path()).pages]
    assert pages[2].split("\n")[:2] == ["Ánh sáng từ lời Người dạy", "Trần Văn Đức · Huyện ủy Củ Chi"]
    assert _violations(page) == []  # the results page with its progress bar and link

    page.goto(f"{live_server}/rounds/{quiz.id}/leaderboard")
    page.click("[data-testid=prepare-report]")
    got = _download_when_done(page)
    assert got.suggested_filename == f"round-{quiz.id}-report.xlsx"
    with open(got.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert book.sheetnames == ["Tổng quan", "Bảng xếp hạng", "Đơn vị", "Phân tích câu hỏi", "Nhật ký thao tác"]
