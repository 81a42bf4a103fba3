"""Pure scoring rules of a quiz attempt."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

__all__ = ["QuestionKey", "AttemptScore", "is_correct", "score_attempt"]


@dataclass(frozen=True)
class QuestionKey:
    """The frozen answer key of one drawn question."""

    question_id: int
    correct_option_ids: frozenset[int]
    points: float = 1.0


@dataclass(frozen=True)
class AttemptScore:
    score: float
    max_score: float
    correct_count: int
    question_count: int
    correct_ids: frozenset[int]  # question ids answered right


def is_correct(chosen: Iterable[int], correct: frozenset[int]) -> bool:
    """Exactly the correct set of options; an empty choice is never correct."""
    chosen_set = frozenset(chosen)
    if not chosen_set:
        return False
    return chosen_set == frozenset(correct)


def score_attempt(keys: Sequence[QuestionKey], answers: Mapping[int, Iterable[int]]) -> AttemptScore:
    """Score an attempt: answers maps question_id -> chosen option ids.

    Answers to questions not in keys are ignored; unanswered questions score zero;
    duplicate option ids in one choice do not matter.
    """
    seen: set[int] = set()
    score = 0.0
    max_score = 0.0
    correct_ids: set[int] = set()
    for key in keys:
        if key.question_id in seen:
            raise ValueError(f"question {key.question_id} appears twice in the answer key")
        seen.add(key.question_id)
        max_score += key.points
        chosen = answers.get(key.question_id, ())
        if is_correct(chosen, key.correct_option_ids):
            score += key.points
            correct_ids.add(key.question_id)
    return AttemptScore(
        score=score,
        max_score=max_score,
        correct_count=len(correct_ids),
        question_count=len(seen),
        correct_ids=frozenset(correct_ids),
    )
