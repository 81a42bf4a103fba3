"""A contest's prize tiers go to its standings with the rounds' rule (rounds/prizes.py): members
tied on every ranking key at a boundary share the prize, and the places they take beyond it
come off the next tier."""
from datetime import datetime

from contest.rounds.prizes import with_prizes
from contest.standings.overall import RoundResult, rank_contest

TIERS = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}, {"name": "Giải Ba", "count": 1}]


def _rows(results):
    return [{"rank": r.rank, "user_id": r.user_id} for r in rank_contest(results, "sum")]


def test_a_tie_across_the_boundary_shares_the_prize_and_takes_the_next_tiers_place():
    at = datetime(2026, 12, 7, 9)
    later = datetime(2026, 12, 7, 10)
    # 1: 10, 2: 9, 3 and 4: 8 at the same moment (tied on every key), 5: 7.
    results = [RoundResult(1, 1, 10.0, at), RoundResult(2, 1, 9.0, at), RoundResult(3, 1, 8.0, later),
               RoundResult(4, 1, 8.0, later), RoundResult(5, 1, 7.0, at)]
    rows = with_prizes(_rows(results), TIERS)
    assert [(r["rank"], r["user_id"], r["prize"]) for r in rows] == [
        (1, 1, "Giải Nhất"), (2, 2, "Giải Nhì"), (3, 3, "Giải Nhì"), (3, 4, "Giải Nhì"), (5, 5, None)]


def test_equal_totals_not_tied_on_every_key_do_not_share():
    # 3 and 4 have 8 each, but 4's last answer came later: ranks 3 and 4, Nhì then Ba.
    results = [RoundResult(1, 1, 10.0, datetime(2026, 12, 7, 9)), RoundResult(2, 1, 9.0, datetime(2026, 12, 7, 9)),
               RoundResult(3, 1, 8.0, datetime(2026, 12, 7, 9)), RoundResult(4, 1, 8.0, datetime(2026, 12, 7, 11)),
               RoundResult(5, 1, 7.0, datetime(2026, 12, 7, 9))]
    rows = with_prizes(_rows(results), TIERS)
    assert [r["prize"] for r in rows] == ["Giải Nhất", "Giải Nhì", "Giải Nhì", "Giải Ba", None]


def test_a_contest_without_tiers_gives_no_prize():
    rows = with_prizes(_rows([RoundResult(1, 1, 10.0, datetime(2026, 12, 7, 9))]), None)
    assert [r["prize"] for r in rows] == [None]
