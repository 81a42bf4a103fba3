"""Item analysis from real attempts: plain functions over plain values (no database, no request).

For each question:

- seen: how many finished attempts drew it;
- facility: the share of those that answered it right (an unanswered question counts as wrong);
- discrimination: the point-biserial correlation between answering this item right (1/0) and
  the rest of the test (the share of the attempt's *other* questions answered right), so strong
  members doing better on the item gives a positive value and a broken key a negative one;
- option counts: how often each option (and so each wrong option, a distractor) was chosen.

A question is flagged "check this question" when, over at least MIN_SEEN attempts, its facility
is below 0.2 (too hard or a wrong key) or above 0.95 (gives nothing), or its discrimination is
below 0.1 (does not separate strong from weak members; ambiguous or mis-keyed).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from contest.formatting import number

MIN_SEEN = 5
LOW_FACILITY = 0.2
HIGH_FACILITY = 0.95
LOW_DISCRIMINATION = 0.1


@dataclass(frozen=True)
class Response:
    """One drawn question in one finished attempt."""

    attempt_id: int
    question_id: int
    selected: tuple = ()          # option ids chosen; () = not answered
    correct: bool = False
    attempt_correct: int = 0      # questions answered right in the whole attempt (this one included)
    attempt_items: int = 0        # questions in the whole attempt (this one included)


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass
class ItemStats:
    question_id: int
    seen: int = 0
    correct: int = 0
    unanswered: int = 0
    facility: float | None = None
    discrimination: float | None = None
    option_counts: dict = field(default_factory=dict)   # option id -> times chosen
    flags: list = field(default_factory=list)

    @property
    def needs_check(self) -> bool:
        return bool(self.flags)


def point_biserial(xs, ys) -> float | None:
    """Pearson correlation of a 0/1 variable with a score; None when either does not vary."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mx = sum(xs) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sxx * syy)


def rest_score(response: Response) -> float:
    """Share of the attempt's other questions answered right (0 when it had no other question)."""
    others = response.attempt_items - 1
    if others <= 0:
        return 0.0
    return (response.attempt_correct - (1 if response.correct else 0)) / others


def flags_for(seen: int, facility: float | None, discrimination: float | None,
              min_seen: int = MIN_SEEN) -> list[Flag]:
    if seen < min_seen or facility is None:
        return []
    flags = []
    if facility < LOW_FACILITY:
        flags.append(Flag("too_hard", str(_l(
            "Only %(percent)s%% answered right: the key may be wrong or the question too hard.",
            percent=round(facility * 100)))))
    elif facility > HIGH_FACILITY:
        flags.append(Flag("too_easy", str(_l(
            "%(percent)s%% answered right: the question hardly tells members apart.",
            percent=round(facility * 100)))))
    if discrimination is not None and discrimination < LOW_DISCRIMINATION:
        flags.append(Flag("low_discrimination", str(_l(
            "Discrimination is %(value)s: members who did well on the rest of the test did not do better here; the question may be ambiguous or mis-keyed.",
            value=number(discrimination, 2)))))
    return flags


def item_stats(responses, min_seen: int = MIN_SEEN) -> dict[int, ItemStats]:
    """Statistics per question id over the given responses."""
    by_question: dict[int, list[Response]] = {}
    for r in responses:
        by_question.setdefault(r.question_id, []).append(r)
    out = {}
    for qid, items in by_question.items():
        stats = ItemStats(question_id=qid, seen=len(items))
        stats.correct = sum(1 for r in items if r.correct)
        stats.unanswered = sum(1 for r in items if not r.selected)
        for r in items:
            for option_id in r.selected or ():
                stats.option_counts[option_id] = stats.option_counts.get(option_id, 0) + 1
        stats.facility = stats.correct / stats.seen if stats.seen else None
        stats.discrimination = point_biserial([1 if r.correct else 0 for r in items],
                                              [rest_score(r) for r in items])
        stats.flags = flags_for(stats.seen, stats.facility, stats.discrimination, min_seen)
        out[qid] = stats
    return out


@dataclass
class TestSummary:
    attempts: int = 0
    mean_share: float | None = None     # mean share of questions answered right
    flagged: int = 0
    not_judged: int = 0  # questions seen fewer than MIN_SEEN times: neither flagged nor cleared


def summary(responses, stats: dict[int, ItemStats], min_seen: int = MIN_SEEN) -> TestSummary:
    attempts: dict[int, tuple[int, int]] = {}
    for r in responses:
        attempts[r.attempt_id] = (r.attempt_correct, r.attempt_items)
    shares = [c / n for c, n in attempts.values() if n]
    return TestSummary(attempts=len(attempts),
                       mean_share=(sum(shares) / len(shares)) if shares else None,
                       flagged=sum(1 for s in stats.values() if s.needs_check),
                       not_judged=sum(1 for s in stats.values() if s.seen < min_seen))
