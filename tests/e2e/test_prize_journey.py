"""Prizes in a real browser: the organizer moves a writing entry's prize with a reason on the
results page (desktop); once published, a member reads the winners by prize on a phone."""
from playwright.sync_api import expect

from contest.extensions import db
from tests.anthology_data import judged_round
from tests.e2e.test_essay_journey import login, logout


def test_organizer_moves_a_prize_and_members_read_the_winners(live_server, phone, desktop, make):
    round_, entries = judged_round(make, [
        {"title": "Bài A", "author": "Nguyễn Văn An", "unit": "Chi bộ 1", "score": 90},
        {"title": "Bài B", "author": "Trần Thị Bình", "unit": "Chi bộ 2", "score": 60}], published=False)
    round_.prizes = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 1}]
    db.session.commit()
    organizer = make.user(username="btc", full_name="Ban tổ chức", role="organizer")
    member = make.user(username="hoa.le", full_name="Lê Thị Hoa")

    page = desktop
    login(page, live_server, organizer)
    page.goto(f"{live_server}/judging/manage/rounds/{round_.id}/results")
    form = page.locator("form.prize-form").filter(has=page.locator(f"#prize-{entries[1].id}"))
    form.locator("select").select_option("Giải Nhất")
    form.locator("input[name='prize-reason']").fill("Hội đồng chung khảo đồng giải")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu giải")
    expect(page.locator("#results-table")).to_contain_text("Lý do: Hội đồng chung khảo đồng giải")
    page.check("#confirm-publish")
    page.click("#publish")
    expect(page.locator(".alert-success")).to_be_visible()
    logout(page)

    page = phone
    login(page, live_server, member)
    page.goto(f"{live_server}/essays/rounds/{round_.id}")
    winners = page.locator("#winners")
    expect(winners.locator(".winner-prize")).to_have_text(["Giải Nhất"])
    expect(winners.locator(".winner")).to_have_text([
        "Nguyễn Văn An — Chi bộ 1 (“Bài A”)", "Trần Thị Bình — Chi bộ 2 (“Bài B”)"])
    expect(page.locator("#prize-rule")).to_contain_text(
        "Những người bằng nhau ở mọi tiêu chí xếp hạng tại ranh giới giải cùng nhận giải đó.")
