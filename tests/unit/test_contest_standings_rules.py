"""The contest standings rule (sum vs best, ties) and the unit order, as plain functions."""
import doctest
from datetime import datetime

import pytest

import contest.standings.overall as overall
from contest.standings.overall import RoundResult, rank_contest, rank_units

MON, NEXT_MON = datetime(2026, 12, 7, 9), datetime(2026, 12, 14, 9)


def test_doctests():
    assert doctest.testmod(overall).failed == 0


def test_sum_adds_and_best_takes_the_best_round():
    results = [RoundResult(1, 1, 8.0, MON), RoundResult(1, 2, 6.0, NEXT_MON), RoundResult(2, 1, 10.0, MON)]
    assert [(r.user_id, r.total_score, r.rounds_counted) for r in rank_contest(results, "sum")] == \
        [(1, 14.0, 2), (2, 10.0, 1)]
    assert [(r.user_id, r.total_score, r.rounds_counted) for r in rank_contest(results, "best")] == \
        [(2, 10.0, 1), (1, 8.0, 2)]


def test_an_equal_total_goes_to_more_rounds_then_the_earlier_last_submission():
    results = [RoundResult(1, 1, 10.0, MON),                                      # 10 in one round
               RoundResult(2, 1, 4.0, MON), RoundResult(2, 2, 6.0, NEXT_MON),   # 10 in two
               RoundResult(3, 1, 5.0, MON), RoundResult(3, 2, 5.0, MON)]        # 10 in two, earlier
    assert [(r.rank, r.user_id) for r in rank_contest(results)] == [(1, 3), (2, 2), (3, 1)]


def test_members_equal_on_every_key_share_a_rank_and_the_next_is_skipped():
    results = [RoundResult(5, 1, 7.0, MON), RoundResult(4, 1, 7.0, MON), RoundResult(6, 1, 3.0, MON)]
    assert [(r.rank, r.user_id) for r in rank_contest(results)] == [(1, 4), (1, 5), (3, 6)]


def test_an_unknown_rule_or_order_is_an_error():
    with pytest.raises(ValueError):
        rank_contest([], "average")
    with pytest.raises(ValueError):
        rank_units([], "name")


def test_units_by_rate_or_by_participants():
    rows = [{"unit": "Chi bộ nhỏ", "participants": 3, "participation_rate": 1.0},
            {"unit": "Đảng bộ lớn", "participants": 40, "participation_rate": 0.8}]
    assert [r["unit"] for r in rank_units(rows)] == ["Chi bộ nhỏ", "Đảng bộ lớn"]
    assert [(r["rank"], r["unit"]) for r in rank_units(rows, "participants")] == [(1, "Đảng bộ lớn"), (2, "Chi bộ nhỏ")]
