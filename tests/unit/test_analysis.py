"""Item analysis as plain functions: facility, point-biserial discrimination, distractors, flags."""
import numpy as np
import pytest

from question_bank.analysis import (Response, flags_for, item_stats, point_biserial, rest_score,
                                    summary)


def test_point_biserial_is_pearson_of_a_zero_one_item():
    xs = [1, 1, 0, 1, 0, 0, 1]
    ys = [0.9, 0.7, 0.3, 0.5, 0.4, 0.1, 0.8]
    assert point_biserial(xs, ys) == pytest.approx(np.corrcoef(xs, ys)[0, 1])
    assert point_biserial([1, 0], [1.0, 0.0]) == pytest.approx(1.0)
    assert point_biserial([1, 1, 1], [0.2, 0.5, 0.9]) is None   # everyone right: undefined
    assert point_biserial([1, 0, 1], [0.5, 0.5, 0.5]) is None
    assert point_biserial([1], [1.0]) is None


def test_rest_score_leaves_the_item_out():
    assert rest_score(Response(1, 1, (5,), True, attempt_correct=7, attempt_items=11)) == 0.6
    assert rest_score(Response(1, 1, (), False, attempt_correct=7, attempt_items=11)) == 0.7
    assert rest_score(Response(1, 1, (5,), True, attempt_correct=1, attempt_items=1)) == 0.0


def simulated_round():
    """40 members of rising ability take 10 questions. Items 0-6 are sound (stronger members get
    them right), 7 is mis-keyed (only weak members "get it right"), 8 is almost never right,
    9 is always right."""
    members = range(40)
    right = {}
    for m in members:
        a = m / 39
        for j in range(7):
            right[m, j] = a > (j + 1) / 9
        right[m, 7] = a < 0.3
        right[m, 8] = m in (0, 39)
        right[m, 9] = True
    responses = []
    for m in members:
        total = sum(right[m, j] for j in range(10))
        for j in range(10):
            chosen = (100 * j + (1 if right[m, j] else 2 + m % 3),)
            responses.append(Response(attempt_id=m, question_id=j, selected=chosen,
                                      correct=right[m, j], attempt_correct=total, attempt_items=10))
    return responses


def test_broken_items_are_flagged_and_sound_ones_are_not():
    responses = simulated_round()
    stats = item_stats(responses)
    assert {q for q, s in stats.items() if s.needs_check} == {7, 8, 9}
    assert {f.code for f in stats[7].flags} == {"low_discrimination"}
    assert stats[7].discrimination < 0
    assert "too_hard" in {f.code for f in stats[8].flags}
    assert stats[8].facility == pytest.approx(2 / 40)
    assert {f.code for f in stats[9].flags} == {"too_easy"}
    assert stats[9].discrimination is None
    for j in range(7):
        assert stats[j].seen == 40
        assert 0.2 <= stats[j].facility <= 0.95 and stats[j].discrimination > 0.3


def test_distractor_counts():
    stats = item_stats(simulated_round())[8]
    # option 801 is the key (chosen twice); the 38 wrong answers spread over three distractors
    assert stats.option_counts[801] == 2
    assert sum(n for o, n in stats.option_counts.items() if o != 801) == 38
    assert set(stats.option_counts) == {801, 802, 803, 804}


def test_unanswered_counts_as_seen_and_wrong():
    responses = [Response(1, 5, (), False, 0, 1), Response(2, 5, (50,), True, 1, 1)]
    stats = item_stats(responses)[5]
    assert (stats.seen, stats.correct, stats.unanswered, stats.facility) == (2, 1, 1, 0.5)


def test_too_few_attempts_are_not_judged():
    assert flags_for(4, 0.0, -0.5) == []
    assert [f.code for f in flags_for(5, 0.0, -0.5)] == ["too_hard", "low_discrimination"]
    assert [f.code for f in flags_for(5, 0.5, 0.05)] == ["low_discrimination"]
    assert flags_for(5, 0.5, 0.1) == []
    assert flags_for(5, 0.2, None) == [] and flags_for(5, 0.95, None) == []


def test_summary():
    responses = simulated_round()
    result = summary(responses, item_stats(responses))
    assert result.attempts == 40 and result.flagged == 3
    assert 0 < result.mean_share < 1
    assert "%" in item_stats(responses)[8].flags[0].message


def test_summary_counts_the_questions_too_rarely_drawn_to_judge():
    from question_bank.analysis import ItemStats, TestSummary

    stats = {1: ItemStats(question_id=1, seen=2), 2: ItemStats(question_id=2, seen=5)}
    assert summary([], stats, min_seen=5) == TestSummary(attempts=0, mean_share=None, flagged=0, not_judged=1)
