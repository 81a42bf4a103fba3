"""The leaderboard's search rule: names found without diacritics, by the beginning of their words."""
import doctest

from contest.standings import search
from contest.standings.search import position_of, search_rows

BOARD = [
    {"rank": 1, "display_name": "Nguyễn Văn A", "user_id": 11},
    {"rank": 2, "display_name": "Đặng Thị Lan", "user_id": 12},
    {"rank": 2, "display_name": "Trần Anh", "user_id": 13},
    {"rank": 4, "display_name": "Lan", "user_id": 14},
    {"rank": 5, "display_name": "Nguyễn Văn An", "user_id": 15},
]


def names(q):
    return [r["display_name"] for r in search_rows(BOARD, q)]


def test_worked_examples_in_the_rule_hold():
    assert doctest.testmod(search).failed == 0


def test_a_name_typed_without_diacritics_finds_it():
    assert names("nguyen van a") == ["Nguyễn Văn A", "Nguyễn Văn An"]
    assert names("Nguyễn Văn A") == ["Nguyễn Văn A", "Nguyễn Văn An"]


def test_dang_with_or_without_its_marks_finds_dang():
    assert names("đặng") == ["Đặng Thị Lan"]
    assert names("dang") == ["Đặng Thị Lan"]
    assert names("ĐẶNG") == ["Đặng Thị Lan"]


def test_words_in_any_order_each_beginning_a_word():
    assert names("lan thi") == ["Đặng Thị Lan"]
    assert names("an") == ["Trần Anh", "Nguyễn Văn An"]  # not "Lan": inside a word is no match
    assert names("van xyz") == []


def test_text_typed_in_decomposed_form_still_matches():
    assert names("Nguye\u0302\u0303n") == ["Nguyễn Văn A", "Nguyễn Văn An"]  # NFD, as some phones send


def test_blank_search_is_the_whole_board_and_ranks_are_kept():
    assert search_rows(BOARD, "   ") is BOARD
    assert [r["rank"] for r in search_rows(BOARD, "lan")] == [2, 4]


def test_a_very_long_search_is_cut_and_answers():
    assert names("a" * 10_000) == []
    assert names("nguyen " + "x" * 10_000) == []


def test_position_of_a_member():
    assert position_of(BOARD, 14) == 3
    assert position_of(BOARD, 99) is None


def test_the_fast_fold_answers_as_fold_for_every_letter_and_mark():
    from contest.dbtypes import fold

    for code in range(0x20, 0x2000):
        assert search.fast_fold(chr(code)) == fold(chr(code)), hex(code)
    for name in ("Nguyễn Văn Đức", "ĐẶNG THỊ ÁNH", "Nguye\u0302\u0303n", "Trần Ωmega", "Lê  Ngọc   Hân"):
        assert search.fast_fold(name) == fold(name)
