"""One window for the API (?limit=&offset=) and the pages (?page=N): contest/pagination.py."""
from contest.bounds import INT_MAX
from contest.pagination import page_of, page_window


def test_page_of_a_list():
    assert page_of([1, 2, 3, 4, 5], offset=2, limit=2) == {"items": [3, 4], "total": 5}
    assert page_of([1, 2, 3], offset=3, limit=50) == {"items": [], "total": 3}
    assert page_of([], offset=0, limit=50) == {"items": [], "total": 0}


def test_a_page_number_is_a_window():
    assert (page_window(None, 100).number, page_window(None, 100).offset) == (1, 0)
    assert page_window(3, 100).offset == 200
    assert page_window(-4, 100).number == 1 and page_window(0, 100).number == 1
    assert page_window(1, 100).pages(0) == 1
    assert page_window(1, 100).pages(100) == 1 and page_window(1, 100).pages(101) == 2
    huge = page_window(INT_MAX, 100)
    assert huge.offset <= INT_MAX


def test_keyset_pages_of_a_table_walk_newest_first_and_back(app):
    """Keyset pages by id over 7 topics, 3 a page: 7 6 5 | 4 3 2 | 1, and back from the last."""
    from sqlalchemy import select

    from contest.extensions import db
    from contest.pagination import keyset_page
    from question_bank.models import Topic

    with app.app_context():
        db.session.add_all([Topic(name=f"Chủ đề {i}") for i in range(1, 8)])
        db.session.flush()
        stmt = select(Topic)
        names = lambda rows: [t.name[-1] for t in rows]  # noqa: E731
        first, older, newer = keyset_page(stmt, Topic.id, size=3)
        assert (names(first), newer) == (["7", "6", "5"], None)
        second, older2, newer2 = keyset_page(stmt, Topic.id, before=older, size=3)
        assert names(second) == ["4", "3", "2"]
        last, older3, newer3 = keyset_page(stmt, Topic.id, before=older2, size=3)
        assert (names(last), older3) == (["1"], None)
        back, _, newer4 = keyset_page(stmt, Topic.id, after=newer3, size=3)
        assert names(back) == ["4", "3", "2"] and newer4 is not None
        db.session.rollback()
