"""A member on a 360 px phone: the leaderboard fits the screen (no sideways scroll, the time of
every row visible), "Xem thứ hạng của tôi" scrolls to their highlighted row on its page, and the
search finds a name typed without diacritics."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.rounds.models import Attempt
from tests.e2e.test_accessibility import _violations
from tests.web.test_leaderboard_page import board

pytestmark = pytest.mark.e2e

# Every element of the page wider than the screen, or reaching past its right edge.
OVERFLOWING = """() => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.right > document.documentElement.clientWidth + 0.5 || r.left < -0.5);
}).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"""


def test_a_member_finds_their_rank_on_a_360px_phone(live_server, browser, make):
    unit = make.unit("Chi bộ Khu phố 3, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh")
    names = [f"Nguyễn Hoàng Phương Thảo Tôn Nữ Bảo Ngọc {i + 1}" for i in range(60)] + ["Đặng Văn Lâm"]
    round_, _ = board(make, names, unit=unit, prediction_prompt="Bao nhiêu người đúng hết?")
    me = make.user("toi", full_name="Phạm Thị Thanh Hương Người Dùng", unit=unit, password="mat-khau-du-dai")
    start = round_.opens_at + timedelta(minutes=5)
    db.session.add(Attempt(round_id=round_.id, user_id=me.id, number=1, status="submitted", started_at=start,
                           deadline=start + timedelta(minutes=10), submitted_at=start + timedelta(seconds=9),
                           score=1000 - 54.5, max_score=1000, correct_count=5, question_count=5,
                           duration_seconds=3599.9, prediction=123456))
    db.session.commit()

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/login")
        page.fill("#username", "toi")
        page.fill("#password", "mat-khau-du-dai")
        page.click("main button[type=submit]")
        page.goto(f"{live_server}/rounds/{round_.id}/leaderboard")
        expect(page.locator("#my-rank-summary")).to_contain_text("Thứ hạng của bạn: 56/62")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate(OVERFLOWING) == []
        times = page.locator("table.leaderboard td.lb-time")
        assert times.count() == 50
        for i in (0, 49):
            expect(times.nth(i)).to_be_visible()

        page.get_by_role("link", name="Xem thứ hạng của tôi").click()
        page.wait_for_url(f"**/rounds/{round_.id}/leaderboard?page=2#my-rank")
        mine = page.locator("tr#my-rank")
        expect(mine).to_have_attribute("aria-current", "true")
        expect(mine).to_contain_text("Phạm Thị Thanh Hương Người Dùng")
        expect(mine).to_be_in_viewport()
        my_time = mine.locator("td.lb-time")
        expect(my_time).to_be_visible()
        expect(my_time).to_have_text("59 phút 59,9 giây")
        label = my_time.evaluate("e => getComputedStyle(e, '::before').content")
        assert label == '"Thời gian: "'  # the card labels each figure
        box = my_time.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate(OVERFLOWING) == []
        assert _violations(page) == []  # the cards, the highlight and the pagination, by axe

        page.fill("#leaderboard-q", "dang van lam")
        page.click("#leaderboard-search button[type=submit]")
        expect(page.locator("#search-count")).to_have_text("1/62 thí sinh có tên khớp với “dang van lam”.")
        expect(page.locator("table.leaderboard td.lb-name")).to_have_count(1)
        expect(page.locator("table.leaderboard td.lb-name")).to_contain_text("Đặng Văn Lâm")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_the_desktop_keeps_the_table_with_its_header(live_server, desktop, make):
    round_, _ = board(make, ["Nguyễn Văn A", "Đặng Thị Lan"])
    desktop.goto(f"{live_server}/rounds/{round_.id}/leaderboard")
    headers = desktop.locator("table.leaderboard thead th")
    expect(headers.nth(0)).to_be_visible()
    assert [h.strip() for h in headers.all_inner_texts()] == ["Hạng", "Tên", "Đơn vị", "Điểm", "Thời gian"]
