"""Pure rules for which attempt counts and how members of a quiz round are ranked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

__all__ = [
    "Finished",
    "Ranked",
    "COUNTING_MODES",
    "TIE_BREAKS",
    "counted_attempts",
    "prediction_truth",
    "rank_members",
]

COUNTING_MODES = ("best", "first", "latest")
TIE_BREAKS = ("duration", "submitted_at")


@dataclass(frozen=True)
class Finished:
    """A finished (submitted or scored-after-deadline) attempt."""

    attempt_id: int
    user_id: int
    number: int  # 1-based attempt number of this member in the round
    score: float
    correct_count: int
    question_count: int
    submitted_at: datetime
    duration_seconds: float
    prediction: int | None = None


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: Finished
    prediction_gap: int | None


def _prefer(counting: str):
    """Return prefer(a, b) -> True when attempt a should count instead of b."""
    if counting == "best":
        return lambda a, b: (-a.score, a.submitted_at, a.number) < (-b.score, b.submitted_at, b.number)
    if counting == "first":
        return lambda a, b: (a.submitted_at, a.number) < (b.submitted_at, b.number)
    if counting == "latest":
        return lambda a, b: (a.submitted_at, a.number) > (b.submitted_at, b.number)
    raise ValueError(f"unknown counting {counting!r}; expected one of {COUNTING_MODES}")


def counted_attempts(attempts: Iterable[Finished], counting: str = "best") -> dict[int, Finished]:
    """The one attempt that counts for each member, keyed by user_id.

    "best": highest score, then earliest submission, then lowest number;
    "first": earliest submission (then lowest number);
    "latest": latest submission (then highest number).
    """
    prefer = _prefer(counting)
    chosen: dict[int, Finished] = {}
    for attempt in attempts:
        current = chosen.get(attempt.user_id)
        if current is None or prefer(attempt, current):
            chosen[attempt.user_id] = attempt
    return chosen


def prediction_truth(counted: Iterable[Finished]) -> int:
    """How many members' counted attempt answered every question right."""
    return sum(1 for a in counted if a.question_count > 0 and a.correct_count == a.question_count)


def _tie_break_value(entry: Finished, tie_break: str):
    if tie_break == "duration":
        return entry.duration_seconds
    if tie_break == "submitted_at":
        return entry.submitted_at
    raise ValueError(f"unknown tie_break {tie_break!r}; expected one of {TIE_BREAKS}")


def rank_members(
    counted: Iterable[Finished],
    *,
    tie_break: str = "duration",
    truth: int | None = None,
) -> list[Ranked]:
    """Rank counted attempts, best first.

    Order: higher score; then (only when truth is given) smaller prediction gap, members
    without a prediction after all who gave one; then the tie-break ("duration": shorter
    first, "submitted_at": earlier first); then earlier submission; then lower attempt_id
    (for a deterministic order only). Ranks are standard competition ranks ("1224"):
    entries equal on score, gap, tie-break value and submission time share a rank.
    """
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"unknown tie_break {tie_break!r}; expected one of {TIE_BREAKS}")

    rows: list[tuple[tuple, Finished, int | None]] = []
    for entry in counted:
        if truth is None:
            gap = None
            gap_key: tuple = ()
        elif entry.prediction is None:
            gap = None
            gap_key = (1, 0)
        else:
            gap = abs(entry.prediction - truth)
            gap_key = (0, gap)
        criteria = (-entry.score, gap_key, _tie_break_value(entry, tie_break), entry.submitted_at)
        rows.append((criteria, entry, gap))

    rows.sort(key=lambda r: (r[0], r[1].attempt_id))

    ranked: list[Ranked] = []
    previous_criteria = None
    rank = 0
    for position, (criteria, entry, gap) in enumerate(rows, start=1):
        if criteria != previous_criteria:
            rank = position
            previous_criteria = criteria
        ranked.append(Ranked(rank=rank, entry=entry, prediction_gap=gap))
    return ranked
