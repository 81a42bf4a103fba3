"""The anthology's rules: which entries are in it, and a text's paragraphs (worked examples)."""
import doctest

from contest.judging import anthology
from contest.judging.anthology import in_anthology, paragraphs


def test_worked_examples():
    assert doctest.testmod(anthology).failed == 0


def test_winners_are_the_entries_with_a_prize_and_shortlisted_when_asked():
    assert [in_anthology(p, s) for p, s in [("first", 1), ("honorable", 2), (None, 1), (None, 3), ("", 1)]] == \
        [True, True, False, False, False]
    assert [in_anthology(p, s, include_shortlisted=True) for p, s in [(None, 1), (None, 2), (None, 3)]] == \
        [False, True, True]


def test_paragraphs_keep_line_breaks_inside_and_drop_blank_ones():
    assert paragraphs("Tiêu đề\r\n\r\n\r\n\r\nDòng một\nDòng hai\n\n  \n\nCuối.") == \
        ["Tiêu đề", "Dòng một\nDòng hai", "Cuối."]
    assert paragraphs("") == []
