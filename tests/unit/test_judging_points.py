"""Points as judges type them on the score sheet: a decimal comma is a decimal separator."""
import doctest

import pytest

from contest.judging import forms
from contest.judging.forms import format_points, parse_points


def test_worked_examples():
    assert doctest.testmod(forms).failed == 0


@pytest.mark.parametrize("typed, points", [("15,5", 15.5), ("15.5", 15.5), (" 40 ", 40.0), ("0", 0.0),
                                           (",5", 0.5), ("", None), ("   ", None), (None, None)])
def test_numbers_with_a_comma_or_a_point(typed, points):
    assert parse_points(typed) == points


@pytest.mark.parametrize("typed", ["1.234,5", "15,5,1", "-3", "mười", "1e3", "nan", "inf", "15 5", "15,", "+2"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        parse_points(typed)


def test_shown_back_with_the_locales_decimal_symbol():
    assert [format_points(15.5), format_points(15.5, "."), format_points(40.0), format_points(None)] == \
        ["15,5", "15.5", "40", ""]
