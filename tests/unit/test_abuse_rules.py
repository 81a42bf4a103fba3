"""The rules behind the organizers' flags and the rate limits: plain functions, worked examples."""
import doctest

from contest import ratelimit
from contest.rounds import flags
from contest.rounds.flags import many_accounts_from_one_address, too_fast


def test_doctests():
    assert doctest.testmod(flags).failed == 0
    assert doctest.testmod(ratelimit).failed == 0


def test_too_fast_needs_every_gap_under_the_limit():
    assert too_fast([0, 1, 2, 3, 4, 5, 6, 7, 8, 9.9]) is True
    assert too_fast([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]) is False  # one gap of exactly 2 s
    assert too_fast([], min_seconds=2) is False


def test_a_window_slides_over_one_address():
    # Six accounts a minute apart: any five of them fit in five minutes, not in three.
    starts = [("10.1.1.1", f"u{i}", i * 60) for i in range(6)]
    assert many_accounts_from_one_address(starts, accounts=5, minutes=4) == {"10.1.1.1": {f"u{i}" for i in range(6)}}
    assert many_accounts_from_one_address(starts, accounts=5, minutes=3) == {}
    # The crowd on one address does not flag another address's accounts.
    assert many_accounts_from_one_address(starts + [("10.1.1.2", "x", 30)], accounts=5, minutes=4).keys() == {"10.1.1.1"}
