"""A member's prize from their rank alone (``prize_for_rank``) is the tier rule of the whole
ranked list (``assign_prizes``), ties at a boundary included; the contest page's summary."""
import doctest
import random

from contest.rounds.prizes import DEFAULT_PRIZES, assign_prizes
from contest.standings import member_results, public
from contest.standings.member_results import prize_for_rank


def test_doctests():
    assert doctest.testmod(member_results).failed == 0
    assert doctest.testmod(public).failed == 0


def _competition_ranks(scores):
    ordered = sorted(scores, reverse=True)
    return [ordered.index(s) + 1 for s in ordered]


def test_the_rank_alone_gives_the_prize_the_whole_list_gives():
    rng = random.Random(9)
    tiers_choices = [DEFAULT_PRIZES, [{"name": "A", "count": 1}], [{"name": "A", "count": 2}, {"name": "B", "count": 3}]]
    for _ in range(500):
        ranks = _competition_ranks([rng.randint(0, 8) for _ in range(rng.randint(1, 25))])
        tiers = rng.choice(tiers_choices)
        assert [prize_for_rank(r, tiers) for r in ranks] == assign_prizes(ranks, tiers)


def test_two_tied_at_the_eighth_consolation_place_both_get_it():
    # ranks 1..15, then 16, 16, 18 (the VCNET tiers: 16 places)
    assert prize_for_rank(16, DEFAULT_PRIZES) == "Giải Khuyến khích"
    assert prize_for_rank(18, DEFAULT_PRIZES) is None
    assert [prize_for_rank(r, DEFAULT_PRIZES) for r in (1, 2, 3, 4, 8, 9)] == [
        "Giải Nhất", "Giải Nhì", "Giải Nhì", "Giải Ba", "Giải Ba", "Giải Khuyến khích"]
