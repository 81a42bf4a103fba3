"""The leaderboard people use: pages of 50, a search by name without diacritics (the same rule
in the page and the API), and the signed-in member's own row reachable and highlighted."""
import re
from datetime import timedelta

from contest.accounts.models import User
from contest.extensions import db
from contest.rounds.models import Attempt
from tests.factories import sign_in


def board(make, names, *, publish=True, unit=None, **fields):
    """A closed quiz round whose finished attempts rank `names` in that order (rank i+1), its
    results published. The members are plain rows (no password hashing for a big board)."""
    round_ = make.round(question_count=5, **fields)
    start = round_.opens_at + timedelta(minutes=5)
    users = []
    for i, name in enumerate(names):
        user = User(username=f"tv{i}", password_hash="x", full_name=name, role="member",
                    unit_id=unit.id if unit else None)
        db.session.add(user)
        users.append(user)
    db.session.flush()
    for i, user in enumerate(users):
        db.session.add(Attempt(round_id=round_.id, user_id=user.id, number=1, status="submitted",
                               started_at=start, deadline=start + timedelta(minutes=10),
                               submitted_at=start + timedelta(seconds=60 + i), score=1000 - i,
                               max_score=1000, correct_count=5, question_count=5,
                               duration_seconds=60 + i, prediction=i % 7))
    round_.results_published = publish
    db.session.commit()
    make.clock.set(round_.closes_at + timedelta(minutes=5))
    return round_, users


ROW = re.compile(r'<td class="lb-rank"[^>]*>(\d+)</td><td class="lb-name">([^<]+?)(?: <span|<div)')


def rows(html):
    return [(int(rank), name.strip()) for rank, name in ROW.findall(html)]


def page(client, round_, **query):
    response = client.get(f"/rounds/{round_.id}/leaderboard", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


NAMES = ["Nguyễn Văn A", "Đặng Thị Lan", "Trần Anh", "Lan", "Nguyễn Văn An"]


def test_search_without_diacritics_lists_the_matching_rows_with_their_ranks(client, make):
    round_, _ = board(make, NAMES)
    html = page(client, round_, q="nguyen van a")
    assert rows(html) == [(1, "Nguyễn Văn A"), (5, "Nguyễn Văn An")]
    assert "2/5 thí sinh có tên khớp với “nguyen van a”." in html
    assert 'value="nguyen van a"' in html and '<label class="form-label" for="leaderboard-q">' in html


def test_dang_is_found_typed_with_or_without_its_marks(client, make):
    round_, _ = board(make, NAMES)
    assert rows(page(client, round_, q="dang")) == [(2, "Đặng Thị Lan")]
    assert rows(page(client, round_, q="đặng")) == [(2, "Đặng Thị Lan")]


def test_a_search_matching_nobody_says_so(client, make):
    round_, _ = board(make, NAMES)
    html = page(client, round_, q="hoàng")
    assert rows(html) == []
    assert "Không có thí sinh nào trên bảng xếp hạng khớp với từ khóa tìm kiếm." in html
    assert "0/5 thí sinh có tên khớp với “hoàng”." in html


def test_search_text_is_escaped_and_a_huge_one_is_cut(client, make):
    round_, _ = board(make, NAMES)
    html = page(client, round_, q='<script>alert(1)</script>')
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    html = page(client, round_, q="a" * 10_000)
    assert rows(html) == [] and "a" * 201 not in html


def test_pages_of_fifty_rows_with_labelled_pagination(client, make):
    round_, _ = board(make, [f"Thí sinh số {i + 1}" for i in range(120)])
    first = page(client, round_)
    assert [r for r, _ in rows(first)] == list(range(1, 51))
    assert '<nav aria-label="Các trang của bảng xếp hạng">' in first
    assert 'aria-label="Trang 1" aria-current="page"' in first
    assert 'aria-label="Trang sau"' in first and 'href="/rounds/%d/leaderboard?page=2"' % round_.id in first
    third = page(client, round_, page=3)
    assert rows(third) == [(i, f"Thí sinh số {i}") for i in range(101, 121)]
    assert 'aria-label="Trang 3" aria-current="page"' in third
    assert rows(page(client, round_, page=99)) == rows(third)  # past the end: the last page


def test_pages_of_a_search_keep_the_search(client, make):
    round_, _ = board(make, [f"Nguyễn Văn {i + 1}" if i % 2 else f"Trần Thị {i + 1}" for i in range(120)])
    html = page(client, round_, q="nguyen")
    assert "60/120 thí sinh" in html
    assert 'href="/rounds/%d/leaderboard?q=nguyen&amp;page=2"' % round_.id in html
    assert rows(page(client, round_, q="nguyen", page=2))[:2] == [(102, "Nguyễn Văn 102"), (104, "Nguyễn Văn 104")]


def test_my_rank_link_goes_to_the_page_holding_my_row_highlighted(client, make):
    round_, users = board(make, [f"Thí sinh số {i + 1}" for i in range(120)])
    me = make.user("toi", full_name="Phạm Thị Tôi")
    start = round_.opens_at + timedelta(minutes=5)
    db.session.add(Attempt(round_id=round_.id, user_id=me.id, number=1, status="submitted",
                           started_at=start, deadline=start + timedelta(minutes=10),
                           submitted_at=start + timedelta(seconds=1), score=1000 - 72.5,
                           max_score=1000, correct_count=5, question_count=5, duration_seconds=61.5))
    db.session.commit()
    sign_in(client, me)
    first = page(client, round_)
    assert "Thứ hạng của bạn: 74/121" in first
    link = f'href="/rounds/{round_.id}/leaderboard?page=2#my-rank">Xem thứ hạng của tôi</a>'
    assert link in first
    assert 'id="my-rank"' not in first  # my row is not on page 1
    second = page(client, round_, page=2)
    mine = re.search(r'<tr class="table-info leaderboard-me" id="my-rank" aria-current="true">\s*'
                     r'<td class="lb-rank"[^>]*>(\d+)</td><td class="lb-name">([^<]+) '
                     r'<span class="badge text-bg-primary">Bạn</span>', second)
    assert mine and mine.groups() == ("74", "Phạm Thị Tôi")
    assert second.count('id="my-rank"') == 1
    # Found by a search too, highlighted there.
    assert 'id="my-rank"' in page(client, round_, q="pham toi")


def test_a_member_without_a_rank_gets_no_my_rank_link(client, make):
    round_, _ = board(make, NAMES)
    sign_in(client, make.user("khach", full_name="Khách"))
    html = page(client, round_)
    assert "Xem thứ hạng của tôi" not in html and 'id="my-rank"' not in html


def test_a_phone_sees_each_figure_labelled_in_its_card(client, make):
    round_, _ = board(make, NAMES)
    html = page(client, round_)
    assert '<td class="text-nowrap lb-time" data-label="Thời gian">1 phút 00,0 giây</td>' in html
    assert '<td class="lb-score" data-label="Điểm">1.000,0' in html


def test_each_row_shows_its_prize_and_its_score_the_vietnamese_way(client, make):
    round_, _ = board(make, NAMES, prizes=[{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}])
    html = page(client, round_)
    prizes = re.findall(r'<td class="lb-prize" data-label="Giải thưởng">([^<]+)</td>', html)
    assert prizes == ["Giải Nhất", "Giải Nhì", "Giải Nhì", "—", "—"]
    assert re.findall(r'<td class="lb-score"[^>]*>([^<]+)</td>', html)[:2] == ["1.000,0", "999,0"]


def test_a_round_without_prizes_has_no_prize_column(client, make):
    round_, _ = board(make, NAMES[:2])
    assert 'lb-prize' not in page(client, round_)


def test_a_members_result_page_shows_the_frozen_rank_without_reading_the_board(client, make):
    """Every member opens their result when the results come out: their rank is one indexed
    read of the frozen table (standings.service.member_standing), not the whole board."""
    from sqlalchemy import event, select

    round_, users = board(make, [f"Thí sinh số {i + 1}" for i in range(60)])
    me = db.session.get(User, users[41].id)
    me.password_hash = db.session.get(User, make.user("mau").id).password_hash  # "secret-pass"
    db.session.commit()
    attempt_id = db.session.execute(select(Attempt.id).where(Attempt.user_id == me.id)).scalar_one()
    sign_in(client, me)
    client.get(f"/rounds/{round_.id}/leaderboard")  # the first reader freezes the ranks
    seen = []
    listen = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        body = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert "Thứ hạng của bạn: 42" in body
    assert not any("FROM standing JOIN attempt" in " ".join(s.split()) for s in seen)  # no board read
    assert sum("FROM standing" in s for s in seen) == 1
