"""A contest's own prize tiers on the pages (issue 9): the contest form offers the VCNET default,
the organizer's contest page saves them (audited), the standings page and its export show each
row's prize, and the public contest page lists the winners only once the standings are published."""
import re
from html import unescape

from contest.audit.models import AuditEvent
from contest.extensions import db
from contest.rounds.models import Contest
from tests.api.test_contest_prizes import TIERS, _ranked_contest
from tests.factories import sign_in
from tests.web.test_contest_page import _text

TIE_RULE = "Những người bằng nhau ở mọi tiêu chí xếp hạng tại ranh giới giải cùng nhận giải đó."
TIERS_TEXT = "Giải Nhất × 1\nGiải Nhì × 2\nGiải Ba × 1"


def _prizes_field(html: str) -> str:
    """What the prizes textarea holds (WTForms starts it with a line break)."""
    return unescape(re.search(r'<textarea[^>]*name="prizes"[^>]*>(.*?)</textarea>', html, re.S).group(1)).strip()


def test_the_contest_form_offers_the_default_and_creates_the_contest_with_its_tiers(client, make):
    sign_in(client, make.user(role="organizer"))
    form = client.get("/manage/contests/new").get_data(as_text=True)
    assert "Giải thưởng toàn cuộc thi (mỗi dòng một giải: tên × số giải, giải cao nhất trước)" in form
    assert _prizes_field(form) == "Giải Nhất × 1\nGiải Nhì × 2\nGiải Ba × 5\nGiải Khuyến khích × 8"
    assert "Tự đăng ký tài khoản qua cuộc thi này" in form
    created = client.post("/manage/contests/new", data={"title": "Cuộc thi có giải", "description": "",
                                                        "prizes": TIERS_TEXT, "registration": "unit_required"})
    assert created.status_code == 302
    contest = db.session.execute(db.select(Contest)).scalar_one()
    assert (contest.prizes, contest.registration) == (TIERS, "unit_required")
    bad = client.post("/manage/contests/new", data={"title": "Cuộc thi lỗi", "prizes": "Giải Nhất"})
    assert bad.status_code == 200
    assert 'Dòng 1: ghi tên giải, dấu "×" và số lượng, ví dụ "Giải Nhất × 1".' in unescape(_text(bad.get_data(as_text=True)))
    assert db.session.query(Contest).count() == 1


def test_the_organizer_saves_the_tiers_on_the_contest_page_and_they_show_in_the_standings(client, make):
    contest = _ranked_contest(make)
    sign_in(client, make.user(role="organizer"))
    page = client.get(f"/manage/contests/{contest.id}").get_data(as_text=True)
    assert _prizes_field(page) == ""  # none yet
    saved = client.post(f"/manage/contests/{contest.id}/standings", follow_redirects=True, data={
        "standings_rule": "sum", "prizes": TIERS_TEXT, "registration": "open"})
    assert "Đã lưu cuộc thi." in saved.get_data(as_text=True)
    assert _prizes_field(saved.get_data(as_text=True)) == TIERS_TEXT
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).prizes == TIERS
    events = db.session.query(AuditEvent).filter_by(object_type="contest", object_id=contest.id).all()
    assert [(e.action, e.before, e.after) for e in events] == [("contest.update", {"prizes": None}, {"prizes": TIERS})]

    standings = client.get(f"/contests/{contest.id}/standings").get_data(as_text=True)
    assert ("Giải thưởng toàn cuộc thi: Giải Nhất × 1, Giải Nhì × 2, Giải Ba × 1. " + TIE_RULE) in _text(standings)
    table = standings.split('id="contest-standings"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<td>([^<]+)<div.*?<td class="prize">([^<]*)</td>', table, re.S) == [
        ("An", "Giải Nhất"), ("Bình", "Giải Nhì"), ("Chi", "Giải Nhì"), ("Dũng", "Giải Nhì"), ("Em", "")]

    bad = client.post(f"/manage/contests/{contest.id}/standings", follow_redirects=True, data={
        "standings_rule": "sum", "prizes": "Giải Nhất × 0", "registration": "open"})
    assert "Hạng giải 1: số lượng giải phải là số nguyên từ 1 đến 10000." in unescape(bad.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).prizes == TIERS
    assert db.session.query(AuditEvent).filter_by(object_type="contest").count() == 1


def test_the_public_page_lists_the_contest_winners_only_once_the_standings_are_published(client, make):
    contest = _ranked_contest(make)
    contest.prizes = TIERS
    db.session.commit()
    before = _text(client.get(f"/contests/{contest.id}").get_data(as_text=True))  # nobody signed in
    assert ("Giải thưởng toàn cuộc thi: Giải Nhất × 1, Giải Nhì × 2, Giải Ba × 1. " + TIE_RULE) in before
    assert "Danh sách đoạt giải toàn cuộc thi" not in before
    assert "Bình" not in before
    contest.standings_published = True
    db.session.commit()
    html = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    winners = _text(html.split('id="contest-winners"', 1)[1].split(">", 1)[1].split("</section>", 1)[0])
    assert winners == "Danh sách đoạt giải toàn cuộc thi Giải Nhất An Giải Nhì Bình Chi Dũng"
    assert "Em" not in winners
