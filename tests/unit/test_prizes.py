import doctest

from contest.rounds import prizes
from contest.rounds.prizes import assign_prizes


def test_doctests():
    assert doctest.testmod(prizes).failed == 0


def test_tie_at_eighth_consolation_place_both_get_it():
    tiers = [{"name": "KK", "count": 8}]
    ranks = [1, 2, 3, 4, 5, 6, 7, 8, 8, 10]
    assert assign_prizes(ranks, tiers) == ["KK"] * 9 + [None]
