import pytest

from contest.rounds.scoring import AttemptScore, QuestionKey, is_correct, score_attempt


def test_single_choice_right_and_wrong():
    assert is_correct([2], frozenset({2}))
    assert not is_correct([3], frozenset({2}))


def test_multiple_choice_needs_exactly_the_correct_set():
    correct = frozenset({1, 3})
    assert is_correct([3, 1], correct)
    assert not is_correct([1], correct)  # partial set
    assert not is_correct([1, 2, 3], correct)  # superset
    assert not is_correct([1, 2, 3, 4], correct)  # ticking everything


def test_empty_choice_is_never_correct():
    assert not is_correct([], frozenset({1}))
    assert not is_correct([], frozenset())


def test_duplicates_in_a_choice_do_not_matter():
    assert is_correct([1, 3, 3, 1], frozenset({1, 3}))


def test_score_attempt_counts_only_exact_matches():
    keys = [
        QuestionKey(10, frozenset({101})),
        QuestionKey(11, frozenset({111, 113})),  # several correct options
        QuestionKey(12, frozenset({122})),
        QuestionKey(13, frozenset({131, 132})),
    ]
    answers = {
        10: [101],  # right
        11: [111],  # partial: zero
        12: [122, 122],  # right, duplicate ignored
        13: [131, 132, 133],  # superset: zero
    }
    result = score_attempt(keys, answers)
    assert result == AttemptScore(
        score=2.0,
        max_score=4.0,
        correct_count=2,
        question_count=4,
        correct_ids=frozenset({10, 12}),
    )


def test_unanswered_questions_score_zero_and_unknown_answers_are_ignored():
    keys = [QuestionKey(1, frozenset({11})), QuestionKey(2, frozenset({21}))]
    result = score_attempt(keys, {1: [11], 99: [991]})
    assert result.score == 1.0
    assert result.correct_count == 1
    assert result.question_count == 2
    assert result.correct_ids == frozenset({1})


def test_points_are_weighted():
    keys = [QuestionKey(1, frozenset({11}), points=2.5), QuestionKey(2, frozenset({21}), points=0.5)]
    result = score_attempt(keys, {1: [11], 2: [22]})
    assert result.score == 2.5
    assert result.max_score == 3.0


def test_all_right_attempt():
    keys = [QuestionKey(q, frozenset({q * 10})) for q in range(1, 6)]
    result = score_attempt(keys, {q: [q * 10] for q in range(1, 6)})
    assert result.correct_count == result.question_count == 5
    assert result.score == result.max_score == 5.0


def test_empty_attempt_scores_zero():
    keys = [QuestionKey(1, frozenset({11}))]
    assert score_attempt(keys, {}) == AttemptScore(0.0, 1.0, 0, 1, frozenset())


def test_answers_can_be_generators_or_sets():
    keys = [QuestionKey(1, frozenset({11, 12}))]
    assert score_attempt(keys, {1: (x for x in (12, 11))}).score == 1.0
    assert score_attempt(keys, {1: {11, 12}}).score == 1.0


def test_duplicate_question_in_key_is_rejected():
    keys = [QuestionKey(1, frozenset({11})), QuestionKey(1, frozenset({12}))]
    with pytest.raises(ValueError):
        score_attempt(keys, {1: [11]})
