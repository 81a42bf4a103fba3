"""The public, shareable contest page /contests/<id>: anyone sees a published (or archived)
contest without signing in, a draft is 404 but to organizers; its rules, rounds and windows,
links to what is published, the winners of each published round by prize; Open Graph and
Twitter card tags with absolute URLs and escaped text."""
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

from PIL import Image

from contest.extensions import db
from contest.rounds.models import Contest
from tests.anthology_data import judged_round
from tests.web.test_my_results import _attempt
from tests.web.test_taking_a_round import login

ROOT = Path(__file__).resolve().parents[2]
PRIZES = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 1}]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _meta(html: str) -> dict:
    """{property or name: content} of the page's <meta> tags, unescaped as a browser reads them."""
    found = {}
    for attrs in re.findall(r"<meta ([^>]*)>", html):
        key = re.search(r'(?:property|name)="([^"]+)"', attrs)
        content = re.search(r'content="([^"]*)"', attrs)
        if key and content:
            found[key.group(1)] = unescape(content.group(1))
    return found


def _contest(make, title="Cuộc thi tìm hiểu 80 năm", description="Tìm hiểu về cuộc đời Bác."):
    contest = make.contest(title=title)
    contest.description = description
    db.session.commit()
    return contest


def test_anyone_sees_rules_rounds_links_and_the_winners_of_published_rounds(client, make):
    contest = _contest(make)
    published = make.round(contest=contest, title="Tuần thi thứ nhất", rules="Mỗi người thi tối đa 3 lượt.",
                           prizes=PRIZES, max_attempts=None, question_count=3)
    pending = make.round(contest=contest, title="Tuần thi thứ hai", opens_in=timedelta(days=1), prizes=PRIZES)
    for name, score in (("Nguyễn Văn An", 90), ("Trần Thị Bình", 80), ("Lê Văn Cường", 70)):
        _attempt(published, make.user(full_name=name), score)
    make.clock.set(published.closes_at + timedelta(minutes=5))
    published.results_published = True
    db.session.commit()

    response = client.get(f"/contests/{contest.id}")  # nobody signed in
    assert response.status_code == 200
    page = _text(response.get_data(as_text=True))
    assert "Cuộc thi tìm hiểu 80 năm Tìm hiểu về cuộc đời Bác." in page
    assert ("Tuần thi thứ nhất · vòng thi trắc nghiệm Thời gian diễn ra: 09:00 thứ Hai, 7/12/2026 (giờ Việt Nam) – "
            "09:00 thứ Hai, 14/12/2026 (giờ Việt Nam) Thể lệ Mỗi người thi tối đa 3 lượt. "
            "Cơ cấu giải: Giải Nhất × 1, Giải Nhì × 1. "
            "Những người bằng nhau ở mọi tiêu chí xếp hạng tại ranh giới giải cùng nhận giải đó. "
            "Bảng xếp hạng · Tỷ lệ tham gia theo đơn vị Danh sách đoạt giải "
            "Giải Nhất Nguyễn Văn An Giải Nhì Trần Thị Bình") in page
    assert "Lê Văn Cường" not in page
    assert "Tuần thi thứ hai · vòng thi trắc nghiệm" in page
    html = response.get_data(as_text=True)
    assert f'href="/rounds/{published.id}/leaderboard"' in html
    assert f'href="/rounds/{pending.id}/leaderboard"' not in html
    section = html.split(f'id="round-{pending.id}"')[1]
    assert "Chờ công bố kết quả" in _text(section)
    assert "/contests/%d/standings" % contest.id not in html  # the standings are not published
    contest.standings_published = True
    db.session.commit()
    html = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert f'href="/contests/{contest.id}/standings"' in html and f'href="/contests/{contest.id}/units"' in html


def test_no_winner_shows_before_the_round_is_published(client, make):
    contest = _contest(make)
    round_ = make.round(contest=contest, prizes=PRIZES, question_count=3)
    _attempt(round_, make.user(full_name="Nguyễn Văn An"), 90)
    make.clock.set(round_.closes_at + timedelta(minutes=5))
    page = _text(client.get(f"/contests/{contest.id}").get_data(as_text=True))
    assert "Nguyễn Văn An" not in page and "Danh sách đoạt giải" not in page
    assert "Chờ công bố kết quả" in page and "Bảng xếp hạng" not in page


def test_a_writing_round_links_its_results_and_lists_its_winners(client, make):
    round_, entries = judged_round(make, [
        {"title": "Bài A", "author": "Nguyễn Văn An", "unit": "Chi bộ 1", "score": 90},
        {"title": "Bài B", "author": "Trần Thị Bình", "unit": "Chi bộ 2", "score": 60}])
    round_.prizes = [{"name": "Giải Nhất", "count": 1}]
    db.session.commit()
    html = client.get(f"/contests/{round_.contest_id}").get_data(as_text=True)
    assert f'href="/essays/rounds/{round_.id}/results"' in html
    page = _text(html)
    assert "vòng thi viết" in page
    assert "Danh sách đoạt giải Giải Nhất Nguyễn Văn An — Chi bộ 1 (“Bài A”)" in page
    assert "Trần Thị Bình" not in page


def test_open_graph_tags_are_absolute_and_escaped(client, make):
    title = 'Cuộc thi "Bác Hồ" <script>alert(1)</script>'
    description = "Tìm hiểu   <b>về</b>\n\nBác Hồ. " + "Học tập và làm theo tư tưởng. " * 20
    contest = _contest(make, title=title, description=description)
    html = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<b>về</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    meta = _meta(html)
    assert meta["og:title"] == title and meta["twitter:title"] == title
    assert meta["og:type"] == "website" and meta["og:locale"] == "vi_VN"
    assert meta["og:url"] == f"http://localhost/contests/{contest.id}"
    assert meta["og:image"] == "http://localhost/static/img/og-card.png" == meta["twitter:image"]
    assert meta["twitter:card"] == "summary_large_image"
    og = meta["og:description"]
    assert len(og) <= 200 and og.endswith("…") and "\n" not in og
    assert og.startswith("Tìm hiểu <b>về</b> Bác Hồ. Học tập và làm theo tư tưởng.")
    assert meta["og:description"] == meta["twitter:description"] == meta["description"]
    assert f'<title>{title.replace("<", "&lt;").replace(">", "&gt;").replace(chr(34), "&#34;")} ·' in html
    image = client.get("/static/img/og-card.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    with Image.open(ROOT / "static" / "img" / "og-card.png") as png:
        assert png.size == (1200, 630)


def test_a_contest_without_a_description_is_described_by_the_platform(client, make):
    contest = _contest(make, description=None)
    meta = _meta(client.get(f"/contests/{contest.id}").get_data(as_text=True))
    assert meta["og:description"] == "Cuộc thi trên Học tập và làm theo Bác."


def test_a_draft_is_not_found_but_by_organizers_and_an_archived_one_stays(client, make):
    contest = _contest(make)
    contest.status = "draft"
    db.session.commit()
    assert client.get(f"/contests/{contest.id}").status_code == 404
    login(client, make.user())
    assert client.get(f"/contests/{contest.id}").status_code == 404
    client.post("/logout")
    login(client, make.user(role="organizer"))
    page = _text(client.get(f"/contests/{contest.id}").get_data(as_text=True))
    assert "Bản nháp: chỉ ban tổ chức xem được cuộc thi này." in page
    client.post("/logout")
    elsewhere, home = make.unit("Huyện ủy khác"), make.unit("Huyện ủy chủ trì")
    login(client, make.user(role="organizer", unit=elsewhere))  # organizes another subtree
    assert client.get(f"/contests/{contest.id}").status_code == 404
    client.post("/logout")
    contest.owner_unit_id = home.id
    db.session.commit()
    login(client, make.user(role="organizer", unit=home))
    assert client.get(f"/contests/{contest.id}").status_code == 200
    client.post("/logout")
    contest.status = "archived"
    db.session.commit()
    response = client.get(f"/contests/{contest.id}")
    assert response.status_code == 200
    assert "Cuộc thi đã kết thúc (lưu trữ)." in _text(response.get_data(as_text=True))
    assert client.get("/contests/999999").status_code == 404


def test_the_home_page_links_each_contest_page_and_members_find_their_results(client, make):
    contest = _contest(make)
    login(client, make.user())
    html = client.get("/").get_data(as_text=True)
    assert f'<a href="/contests/{contest.id}">Cuộc thi tìm hiểu 80 năm</a>' in html
    assert '<a class="nav-link" href="/me/results">Kết quả của tôi</a>' in html


def test_the_preview_urls_follow_the_public_base_url_behind_a_proxy(app, client, make):
    contest = _contest(make)
    app.config["PUBLIC_BASE_URL"] = "https://thi.example.vn"
    try:
        meta = _meta(client.get(f"/contests/{contest.id}").get_data(as_text=True))
    finally:
        app.config.pop("PUBLIC_BASE_URL")
    assert meta["og:url"] == f"https://thi.example.vn/contests/{contest.id}"
    assert meta["og:image"] == "https://thi.example.vn/static/img/og-card.png"


def test_a_members_only_contest_is_not_found_by_strangers(client, make):
    cell = make.unit("Chi bộ A")
    contest = _contest(make)
    contest.owner_unit_id, contest.members_only = cell.id, True
    db.session.commit()
    assert client.get(f"/contests/{contest.id}").status_code == 404
    login(client, make.user(unit=cell))
    assert client.get(f"/contests/{contest.id}").status_code == 200
