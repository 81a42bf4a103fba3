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
