"""From judges' criterion scores to final scores and ranks (product.md, Essays).

* A judge scores each criterion of the round from 0 to its ``max_points``; the judge's total
  is the weighted sum on the round's scale (``weighted_total``).
* An entry's final score is the mean of its judges' totals (``final_scores``), optionally
  after normalizing each judge's totals (``normalize_per_judge``).
* A gap above the round's threshold between two judges of the same entry calls exactly one
  more judge, once (``discrepancy_actions``).
* Results are ranked with competition ranking: equal scores share a rank (``rank_results``).

Pure functions: numbers in, numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

__all__ = [
    "Criterion",
    "SCORE_ERROR_MESSAGES",
    "discrepancy_actions",
    "final_scores",
    "needs_extra_judge",
    "normalize_per_judge",
    "rank_results",
    "spread",
    "validate_scores",
    "weighted_total",
]

CriterionId = Hashable
EntryId = Hashable
JudgeId = Hashable


@dataclass(frozen=True)
class Criterion:
    """A scoring criterion (tiêu chí chấm): points from 0 to ``max_points``, and a weight."""

    id: CriterionId
    max_points: float
    weight: float = 1.0


SCORE_ERROR_MESSAGES = {
    "missing": _l("Please give a score for every criterion."),
    "out_of_range": _l("Each score must be between 0 and the criterion's maximum."),
    "unknown_criterion": _l("A score was given for a criterion this round does not have."),
}


def _is_number(value) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def validate_scores(
    scores: Mapping[CriterionId, float | None], criteria: Sequence[Criterion]
) -> list[tuple[CriterionId, str]]:
    """Return the problems of one judge's score sheet as ``(criterion_id, code)`` pairs, in
    criteria order, then unknown ids in the order given; ``[]`` when the sheet is complete.

    Codes: ``"missing"`` (no score, or ``None``), ``"out_of_range"`` (below 0, above
    ``max_points``, or not a finite number), ``"unknown_criterion"``.
    ``SCORE_ERROR_MESSAGES[code]`` is the member-facing sentence.
    """
    problems: list[tuple[CriterionId, str]] = []
    known = set()
    for criterion in criteria:
        known.add(criterion.id)
        value = scores.get(criterion.id)
        if value is None:
            problems.append((criterion.id, "missing"))
        elif not _is_number(value) or value < 0 or value > criterion.max_points:
            problems.append((criterion.id, "out_of_range"))
    for criterion_id in scores:
        if criterion_id not in known:
            problems.append((criterion_id, "unknown_criterion"))
    return problems


def weighted_total(scores: Mapping[CriterionId, float], criteria: Sequence[Criterion]) -> float:
    """A judge's total for one entry, on the round's scale.

    Formula, with points ``p_i``, maxima ``M_i`` and weights ``w_i``::

        total = (Σ p_i·w_i) · (Σ M_i) / (Σ M_i·w_i)

    so full marks on every criterion give exactly ``Σ M_i`` whatever the weights, and equal
    weights give the plain sum.  Example: criteria content 40 (weight 2), structure 30
    (weight 1), language 30 (weight 1) are out of 100; scores 30, 20, 25 give
    (30·2 + 20 + 25) · 100 / (40·2 + 30 + 30) = 105 · 100 / 140 = 75.0, and scores 40, 0, 0
    give 80 · 100 / 140 ≈ 57.14 (not 40: content counts double).

    Raises ``ValueError`` when the sheet is invalid (see ``validate_scores``) or all weights
    are zero.
    """
    problems = validate_scores(scores, criteria)
    if problems:
        raise ValueError(f"invalid scores: {problems}")
    weighted_max = sum(c.max_points * c.weight for c in criteria)
    if weighted_max <= 0:
        raise ValueError("criteria have no positive weighted maximum")
    scale = sum(c.max_points for c in criteria)
    return sum(scores[c.id] * c.weight for c in criteria) * scale / weighted_max


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _pstdev(values: Sequence[float], mean: float) -> float:
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


_ZERO = 1e-12


def normalize_per_judge(
    totals: Mapping[tuple[JudgeId, EntryId], float],
    scale_min: float = 0,
    scale_max: float = 100,
) -> dict[tuple[JudgeId, EntryId], float]:
    """Remove each judge's leniency and spread (Evalato's z-score normalization).

    1. For each judge, z = (total − judge's mean) / judge's standard deviation (population
       std).  A judge with one score, or the same score everywhere, gets z = 0 throughout.
    2. The z-scores of all judges are pooled and mapped linearly back onto the original
       scale so that their mean and standard deviation equal those of the raw totals::

           normalized = μ_raw + (z − μ_z) · σ_raw / σ_z

       (if σ_z = 0, i.e. no judge has any spread, every total becomes μ_raw).
    3. The result is clipped to [scale_min, scale_max].

    Worked example (3 judges, 4 entries; tested):

        ========  ====  ====  ====  ====  ======  =====  ====================
        judge      e1    e2    e3    e4   mean    std    z (e1, e2, e3, e4)
        ========  ====  ====  ====  ====  ======  =====  ====================
        A          90    90    70    70     80     10     +1, +1, −1, −1
        B          70    10    70    10     40     30     +1, −1, +1, −1
        C          60    60    60    60     60      0      0,  0,  0,  0
        ========  ====  ====  ====  ====  ======  =====  ====================

    Raw totals: μ_raw = 60, σ_raw = √600 ≈ 24.495 (squared deviations 900+900+100+100,
    100+2500+100+2500, 0·4 → 7200 / 12 = 600).  Pooled z: μ_z = 0, σ_z = √(8/12) ≈ 0.8165.
    So σ_raw / σ_z = √(600 · 12 / 8) = 30 and normalized = 60 + 30·z:

        A: 90, 90, 30, 30    B: 90, 30, 90, 30    C: 60, 60, 60, 60

    Means per entry: raw e1 73.33, e2 53.33, e3 66.67, e4 46.67; normalized e1 80, e2 60,
    e3 60, e4 40.  Raw means let judge B, whose marks spread widest, dominate: e3 (B's
    favourite, A's least favourite) beat e2 (A's favourite, B's least favourite) by 13
    points.  Normalized, each judge's opinion weighs the same and the two tie at 60.
    """
    if not totals:
        return {}
    by_judge: dict[JudgeId, list[tuple[EntryId, float]]] = {}
    for (judge_id, entry_id), value in totals.items():
        by_judge.setdefault(judge_id, []).append((entry_id, float(value)))

    z: dict[tuple[JudgeId, EntryId], float] = {}
    for judge_id, items in by_judge.items():
        values = [v for _, v in items]
        mean = _mean(values)
        std = _pstdev(values, mean)
        for entry_id, value in items:
            z[(judge_id, entry_id)] = (value - mean) / std if len(values) > 1 and std > _ZERO else 0.0

    raw = [float(v) for v in totals.values()]
    raw_mean = _mean(raw)
    raw_std = _pstdev(raw, raw_mean)
    z_values = list(z.values())
    z_mean = _mean(z_values)
    z_std = _pstdev(z_values, z_mean)

    result = {}
    for key, zk in z.items():
        value = raw_mean + (zk - z_mean) * raw_std / z_std if z_std > _ZERO else raw_mean
        result[key] = min(scale_max, max(scale_min, value))
    return result


def final_scores(
    totals: Mapping[tuple[JudgeId, EntryId], float],
    normalized: bool = False,
    scale_min: float = 0,
    scale_max: float = 100,
) -> dict[EntryId, float]:
    """Final score per entry: the mean of its judges' totals, normalized first with
    ``normalize_per_judge`` when the round asks for it.  Unrounded; see ``rank_results``."""
    if normalized:
        totals = normalize_per_judge(totals, scale_min, scale_max)
    sums: dict[EntryId, list[float]] = {}
    for (_judge_id, entry_id), value in totals.items():
        acc = sums.setdefault(entry_id, [0.0, 0])
        acc[0] += value
        acc[1] += 1
    return {entry_id: s / n for entry_id, (s, n) in sums.items()}


def spread(entry_totals: Iterable[float]) -> float:
    """Largest gap between two judges' totals for one entry (max − min; 0 with < 2 totals)."""
    values = list(entry_totals)
    if len(values) < 2:
        return 0.0
    return max(values) - min(values)


def needs_extra_judge(entry_totals: Iterable[float], threshold: float) -> bool:
    """True when two judges' totals for the entry differ by more than ``threshold``
    (customarily 20 points of 100).  A gap exactly equal to the threshold is accepted."""
    return spread(entry_totals) > threshold


def discrepancy_actions(
    entry_totals: Mapping[EntryId, Sequence[float]],
    threshold: float,
    extra_called: Collection[EntryId] = (),
) -> list[EntryId]:
    """The entries that must get one more judge now, in the order given.

    ``entry_totals`` holds, per entry, the totals of the judges who have scored it so far;
    ``extra_called`` the entries that were already given their extra judge.  The rule: a
    gap above the threshold calls exactly one more judge, once.  So an entry is listed when
    its gap is above the threshold and it has not had its extra judge; an entry that had
    one is never listed again, whatever the scores (its final score is then the mean of all
    its judges, the extra one included).  The caller records the entry in
    ``extra_called`` when it assigns the judge (see ``assignment.extra_judge``).
    """
    called = set(extra_called)
    return [
        entry_id
        for entry_id, totals in entry_totals.items()
        if entry_id not in called and needs_extra_judge(totals, threshold)
    ]


def rank_results(
    final: Mapping[EntryId, float], ndigits: int = 2
) -> list[tuple[int, EntryId, float]]:
    """Rank entries by final score, best first: ``[(rank, entry_id, score), ...]``.

    Scores are rounded to ``ndigits`` (as published) before comparing, so entries shown with
    the same score share a rank, and the next rank skips ("1, 2, 2, 4": competition
    ranking).  Entries with equal scores are listed by entry id.
    """
    rounded = [(round(score, ndigits), entry_id) for entry_id, score in final.items()]
    try:
        rounded.sort(key=lambda item: (-item[0], item[1]))
    except TypeError:  # ids that do not compare: keep the given order among equals
        rounded.sort(key=lambda item: -item[0])
    results: list[tuple[int, EntryId, float]] = []
    previous = None
    rank = 0
    for position, (score, entry_id) in enumerate(rounded, start=1):
        if score != previous:
            rank = position
            previous = score
        results.append((rank, entry_id, score))
    return results
