import math

import pytest

from contest.judging.aggregation import (
    SCORE_ERROR_MESSAGES,
    Criterion,
    discrepancy_actions,
    final_scores,
    needs_extra_judge,
    normalize_per_judge,
    rank_results,
    spread,
    validate_scores,
    weighted_total,
)

CRITERIA = [Criterion("content", 40, 2.0), Criterion("structure", 30), Criterion("language", 30)]


# ------------------------------------------------------------------ weighted_total


def test_weighted_total_stays_on_the_round_scale():
    full = {"content": 40, "structure": 30, "language": 30}
    assert weighted_total(full, CRITERIA) == pytest.approx(100)
    assert weighted_total({"content": 30, "structure": 20, "language": 25}, CRITERIA) == (
        pytest.approx(75.0)
    )
    assert weighted_total({"content": 40, "structure": 0, "language": 0}, CRITERIA) == (
        pytest.approx(400 / 7)
    )
    assert weighted_total({"content": 0, "structure": 0, "language": 0}, CRITERIA) == 0


def test_equal_weights_give_the_plain_sum():
    criteria = [Criterion(1, 60), Criterion(2, 40)]
    assert weighted_total({1: 45.5, 2: 30}, criteria) == pytest.approx(75.5)


def test_weighted_total_refuses_invalid_sheets():
    with pytest.raises(ValueError):
        weighted_total({"content": 30}, CRITERIA)
    with pytest.raises(ValueError):
        weighted_total({1: 1}, [Criterion(1, 10, weight=0)])


# ------------------------------------------------------------------ validate_scores


def test_validate_scores_codes():
    scores = {"content": 41, "structure": -1, "bonus": 5}
    assert validate_scores(scores, CRITERIA) == [
        ("content", "out_of_range"),
        ("structure", "out_of_range"),
        ("language", "missing"),
        ("bonus", "unknown_criterion"),
    ]
    for code in ("missing", "out_of_range", "unknown_criterion"):
        assert str(SCORE_ERROR_MESSAGES[code])


def test_validate_scores_limits_are_inclusive_and_none_is_missing():
    assert validate_scores({"content": 40, "structure": 0, "language": 12.5}, CRITERIA) == []
    assert validate_scores({"content": None, "structure": 0, "language": 0}, CRITERIA) == [
        ("content", "missing")
    ]


def test_validate_scores_non_numbers_are_out_of_range():
    scores = {"content": "30", "structure": math.nan, "language": True}
    assert validate_scores(scores, CRITERIA) == [
        ("content", "out_of_range"),
        ("structure", "out_of_range"),
        ("language", "out_of_range"),
    ]


# ------------------------------------------------------------------ normalization


WORKED = {
    ("A", "e1"): 90, ("A", "e2"): 90, ("A", "e3"): 70, ("A", "e4"): 70,
    ("B", "e1"): 70, ("B", "e2"): 10, ("B", "e3"): 70, ("B", "e4"): 10,
    ("C", "e1"): 60, ("C", "e2"): 60, ("C", "e3"): 60, ("C", "e4"): 60,
}


def test_worked_example_from_the_docstring():
    normalized = normalize_per_judge(WORKED)
    expected = {
        ("A", "e1"): 90, ("A", "e2"): 90, ("A", "e3"): 30, ("A", "e4"): 30,
        ("B", "e1"): 90, ("B", "e2"): 30, ("B", "e3"): 90, ("B", "e4"): 30,
        ("C", "e1"): 60, ("C", "e2"): 60, ("C", "e3"): 60, ("C", "e4"): 60,
    }
    assert normalized.keys() == expected.keys()
    for key, value in expected.items():
        assert normalized[key] == pytest.approx(value), key


def test_worked_example_final_scores_raw_and_normalized():
    raw = final_scores(WORKED, normalized=False)
    assert raw == pytest.approx({"e1": 220 / 3, "e2": 160 / 3, "e3": 200 / 3, "e4": 140 / 3})
    norm = final_scores(WORKED, normalized=True)
    assert norm == pytest.approx({"e1": 80, "e2": 60, "e3": 60, "e4": 40})
    # raw: e3 above e2; normalized: they tie
    assert [e for _, e, _ in rank_results(raw)] == ["e1", "e3", "e2", "e4"]
    assert rank_results(norm) == [(1, "e1", 80), (2, "e2", 60), (2, "e3", 60), (4, "e4", 40)]


def test_normalized_pool_keeps_mean_and_std_of_raw_totals():
    totals = {("A", 1): 55, ("A", 2): 72, ("A", 3): 61, ("B", 1): 80, ("B", 2): 95,
              ("B", 3): 88, ("C", 2): 40, ("C", 3): 70}
    normalized = normalize_per_judge(totals)

    def mean_std(values):
        values = list(values)
        m = sum(values) / len(values)
        return m, math.sqrt(sum((v - m) ** 2 for v in values) / len(values))

    assert mean_std(normalized.values()) == pytest.approx(mean_std(totals.values()))


def test_lenient_judge_no_longer_wins_by_leniency():
    # same opinions, judge B 20 points kinder: normalized totals become identical
    totals = {("A", 1): 50, ("A", 2): 60, ("A", 3): 70,
              ("B", 1): 70, ("B", 2): 80, ("B", 3): 90}
    n = normalize_per_judge(totals)
    for entry in (1, 2, 3):
        assert n[("A", entry)] == pytest.approx(n[("B", entry)])


def test_single_score_judge_gets_z_zero_and_all_flat_maps_to_raw_mean():
    totals = {("A", 1): 80, ("B", 1): 40}  # each judge scored once
    assert normalize_per_judge(totals) == {("A", 1): 60, ("B", 1): 60}
    assert normalize_per_judge({}) == {}


def test_normalized_values_are_clipped_to_the_scale():
    totals = {("A", i): v for i, v in enumerate([100, 0, 0, 0, 0, 0, 0, 0, 0, 0])}
    totals.update({("B", i): 50 for i in range(10)})
    n = normalize_per_judge(totals)
    assert max(n.values()) == 100  # would be ~118 unclipped
    assert min(n.values()) >= 0
    n2 = normalize_per_judge(totals, scale_min=0, scale_max=10)
    assert max(n2.values()) == 10


# ------------------------------------------------------------------ gaps and extra judges


def test_spread_and_threshold():
    assert spread([62, 85, 70]) == 23
    assert spread([70]) == 0
    assert spread([]) == 0
    assert needs_extra_judge([62, 85, 70], 20)
    assert not needs_extra_judge([60, 80], 20)  # exactly the threshold: accepted
    assert not needs_extra_judge([75], 20)


def test_gap_calls_exactly_one_more_judge_once():
    threshold = 20
    called: set = set()
    # two judges 25 apart -> one more judge for entry 1 only
    state = {1: [60, 85], 2: [70, 75], 3: [50]}
    todo = discrepancy_actions(state, threshold, called)
    assert todo == [1]
    called.update(todo)
    # the same state asked again (e.g. page reload) calls nobody new
    assert discrepancy_actions(state, threshold, called) == []
    # the extra judge disagrees with both: still no fourth judge
    state[1].append(20)
    assert discrepancy_actions(state, threshold, called) == []
    # entry 3's second judge opens a gap: it gets its one extra judge
    state[3].append(90)
    assert discrepancy_actions(state, threshold, called) == [3]
    called.add(3)
    state[3].append(70)
    assert discrepancy_actions(state, threshold, called) == []
    # final scores include the extra judge
    totals = {(j, e): v for e, vals in state.items() for j, v in enumerate(vals)}
    assert final_scores(totals, normalized=False)[1] == pytest.approx(55)


# ------------------------------------------------------------------ ranking


def test_competition_ranking_with_ties_on_rounded_scores():
    final = {"a": 87.5, "b": 91.004, "c": 87.499999, "d": 91.0, "e": 70}
    assert rank_results(final) == [
        (1, "b", 91.0), (1, "d", 91.0), (3, "a", 87.5), (3, "c", 87.5), (5, "e", 70),
    ]
    assert rank_results({}) == []


def test_ranking_ties_listed_by_entry_id():
    assert rank_results({3: 50, 1: 50, 2: 60}) == [(1, 2, 60), (2, 1, 50), (2, 3, 50)]
