from datetime import datetime, timedelta, timezone

import pytest

from contest.standings.ranking import (
    Finished,
    counted_attempts,
    prediction_truth,
    rank_members,
)

UTC = timezone.utc
T0 = datetime(2025, 5, 12, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


_ids = iter(range(1, 10_000))


def attempt(user_id, *, number=1, score=10.0, correct=None, questions=10, submitted=0.0,
            duration=300.0, prediction=None, attempt_id=None):
    return Finished(
        attempt_id=attempt_id if attempt_id is not None else next(_ids),
        user_id=user_id,
        number=number,
        score=score,
        correct_count=int(score) if correct is None else correct,
        question_count=questions,
        submitted_at=at(submitted),
        duration_seconds=duration,
        prediction=prediction,
    )


def order(ranked):
    return [r.entry.user_id for r in ranked]


def ranks(ranked):
    return [(r.entry.user_id, r.rank) for r in ranked]


# ---------------------------------------------------------------- counted attempts

def test_best_of_counting_picks_highest_score():
    a1 = attempt(1, number=1, score=6, submitted=10)
    a2 = attempt(1, number=2, score=9, submitted=20)
    a3 = attempt(1, number=3, score=7, submitted=30)
    assert counted_attempts([a1, a2, a3]) == {1: a2}


def test_best_of_counting_with_equal_scores_picks_the_earliest():
    a1 = attempt(1, number=1, score=9, submitted=10)
    a2 = attempt(1, number=2, score=9, submitted=20)
    assert counted_attempts([a2, a1], "best")[1] is a1


def test_best_of_equal_score_and_time_picks_lowest_number():
    a1 = attempt(1, number=1, score=9, submitted=10)
    a2 = attempt(1, number=2, score=9, submitted=10)
    assert counted_attempts([a2, a1], "best")[1] is a1


def test_first_and_latest_counting():
    a1 = attempt(1, number=1, score=5, submitted=10)
    a2 = attempt(1, number=2, score=9, submitted=20)
    a3 = attempt(1, number=3, score=7, submitted=30)
    assert counted_attempts([a3, a1, a2], "first")[1] is a1
    assert counted_attempts([a1, a3, a2], "latest")[1] is a3


def test_latest_with_same_submission_time_picks_highest_number():
    a1 = attempt(1, number=1, submitted=10)
    a2 = attempt(1, number=2, submitted=10)
    assert counted_attempts([a2, a1], "latest")[1] is a2
    assert counted_attempts([a2, a1], "first")[1] is a1


def test_counting_is_per_member():
    a = attempt(1, score=4)
    b = attempt(2, score=8)
    assert counted_attempts([a, b]) == {1: a, 2: b}


def test_unknown_counting_is_an_error():
    with pytest.raises(ValueError):
        counted_attempts([attempt(1)], "average")


def test_no_attempts_no_counted():
    assert counted_attempts([]) == {}


# ---------------------------------------------------------------- prediction truth

def test_prediction_truth_counts_members_with_every_question_right():
    counted = [
        attempt(1, score=10, correct=10, questions=10),
        attempt(2, score=10, correct=10, questions=10),
        attempt(3, score=9, correct=9, questions=10),
        attempt(4, score=0, correct=0, questions=0),  # no questions is not "all right"
    ]
    assert prediction_truth(counted) == 2
    assert prediction_truth([]) == 0


# ---------------------------------------------------------------- ranking

def test_higher_score_ranks_first():
    ranked = rank_members([attempt(1, score=7), attempt(2, score=9), attempt(3, score=8)])
    assert ranks(ranked) == [(2, 1), (3, 2), (1, 3)]
    assert all(r.prediction_gap is None for r in ranked)


def test_prediction_gap_reorders_two_equal_scores():
    slow_close = attempt(1, score=9, duration=500, prediction=12)
    fast_far = attempt(2, score=9, duration=100, prediction=20)
    ranked = rank_members([fast_far, slow_close], truth=13)
    assert order(ranked) == [1, 2]
    assert [r.prediction_gap for r in ranked] == [1, 7]


def test_prediction_gap_does_not_beat_a_higher_score():
    ranked = rank_members(
        [attempt(1, score=9, prediction=13), attempt(2, score=10, prediction=50)], truth=13
    )
    assert order(ranked) == [2, 1]


def test_prediction_is_ignored_while_truth_unknown():
    slow_close = attempt(1, score=9, duration=500, prediction=13)
    fast_far = attempt(2, score=9, duration=100, prediction=99)
    ranked = rank_members([slow_close, fast_far])
    assert order(ranked) == [2, 1]
    assert [r.prediction_gap for r in ranked] == [None, None]


def test_gap_counts_both_directions():
    under = attempt(1, score=9, duration=300, prediction=10)  # gap 3
    over = attempt(2, score=9, duration=200, prediction=15)  # gap 2
    ranked = rank_members([under, over], truth=13)
    assert order(ranked) == [2, 1]
    assert [r.prediction_gap for r in ranked] == [2, 3]


def test_members_without_prediction_come_after_those_with_one():
    no_guess_fast = attempt(1, score=9, duration=60)
    wild_guess = attempt(2, score=9, duration=900, prediction=1000)
    ranked = rank_members([no_guess_fast, wild_guess], truth=3)
    assert order(ranked) == [2, 1]
    assert [r.prediction_gap for r in ranked] == [997, None]


def test_tie_break_duration_shorter_time_first():
    quick_late = attempt(1, score=9, duration=120, submitted=600)
    slow_early = attempt(2, score=9, duration=800, submitted=30)
    assert order(rank_members([slow_early, quick_late], tie_break="duration")) == [1, 2]


def test_tie_break_submitted_at_earlier_first():
    quick_late = attempt(1, score=9, duration=120, submitted=600)
    slow_early = attempt(2, score=9, duration=800, submitted=30)
    assert order(rank_members([quick_late, slow_early], tie_break="submitted_at")) == [2, 1]


def test_equal_duration_falls_back_to_earlier_submission():
    later = attempt(1, score=9, duration=300, submitted=50)
    earlier = attempt(2, score=9, duration=300, submitted=40)
    ranked = rank_members([later, earlier])
    assert ranks(ranked) == [(2, 1), (1, 2)]


def test_fully_equal_entries_share_a_rank_competition_style():
    first = attempt(1, score=10, duration=100, submitted=5)
    tied_a = attempt(2, score=9, duration=200, submitted=10, attempt_id=900)
    tied_b = attempt(3, score=9, duration=200, submitted=10, attempt_id=901)
    last = attempt(4, score=8)
    ranked = rank_members([last, tied_b, tied_a, first])
    assert ranks(ranked) == [(1, 1), (2, 2), (3, 2), (4, 4)]  # "1224"


def test_unknown_tie_break_is_an_error():
    with pytest.raises(ValueError):
        rank_members([attempt(1)], tie_break="alphabetical")


def test_empty_round_ranks_nobody():
    assert rank_members([], truth=0) == []


def test_worked_example_six_members():
    """A 10-question round with a prediction question, counting the best attempt.

    Member 1 tries twice (7/10 then 10/10); member 5 tries twice (8/10 then 6/10).
    Counted: 1, 2, 3 answered all 10 right, so the true number is 3.
    """
    attempts = [
        attempt(1, number=1, score=7, submitted=10, duration=400, prediction=5),
        attempt(1, number=2, score=10, submitted=40, duration=300, prediction=3),
        attempt(2, score=10, submitted=20, duration=250, prediction=2),
        attempt(3, score=10, submitted=15, duration=100),  # skipped the prediction
        attempt(4, score=8, submitted=30, duration=200, prediction=3),
        attempt(5, number=1, score=8, submitted=25, duration=250, prediction=3),
        attempt(5, number=2, score=6, submitted=50, duration=90, prediction=3),
        attempt(6, score=5, submitted=5, duration=50, prediction=3),
    ]
    counted = counted_attempts(attempts, "best")
    assert {u: a.number for u, a in counted.items()} == {1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}

    truth = prediction_truth(counted.values())
    assert truth == 3

    ranked = rank_members(counted.values(), tie_break="duration", truth=truth)
    # 1: 10 pts, exact guess.  2: 10 pts, off by one.  3: 10 pts, no guess (fastest, still third).
    # 4 and 5: 8 pts, exact guess; 4 was quicker.  6: lowest score.
    assert ranks(ranked) == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6)]
    assert [r.prediction_gap for r in ranked] == [0, 1, None, 0, 0, 0]

    # Before the round closes the true number is unknown: time decides among equal scores.
    provisional = rank_members(counted.values(), tie_break="duration")
    assert order(provisional) == [3, 2, 1, 4, 5, 6]

    # With "earlier submission" as tie-break, member 5 (minute 25) passes member 4 (minute 30).
    by_submission = rank_members(counted.values(), tie_break="submitted_at", truth=truth)
    assert order(by_submission) == [1, 2, 3, 5, 4, 6]
