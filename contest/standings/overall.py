"""Pure rules of a contest's standings across its rounds, and of ranking its units.

A member's result in a round is the score that counts there: a quiz round's counted score as
frozen in its final ranks, a writing round's final score. Only rounds whose results are
published (and final) take part, so the contest table never shows what a round does not.

``standings_rule``:

- ``sum``: the member's scores in every round are added;
- ``best``: the member's best round score counts.

Either way ``rounds_counted`` is how many of those rounds the member has a score in.

Ties, in this order: higher total; then more rounds counted (the steadier member); then the
earlier *last* submission (the moment the member's latest counted result came in: who finished
the contest first). Members equal on all three share a rank ("1224" competition ranks); among
them the lower user id is listed first, for a stable order only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

__all__ = ["RoundResult", "ContestRanked", "RULES", "UNIT_ORDERS", "rank_contest", "rank_units"]

RULES = ("sum", "best")
UNIT_ORDERS = ("rate", "participants")


@dataclass(frozen=True)
class RoundResult:
    """One member's counted result in one round."""

    user_id: int
    round_id: int
    score: float
    submitted_at: datetime


@dataclass(frozen=True)
class ContestRanked:
    rank: int
    user_id: int
    total_score: float
    rounds_counted: int
    last_submitted_at: datetime


def rank_contest(results: Iterable[RoundResult], rule: str = "sum") -> list[ContestRanked]:
    """The contest standings, best first.

    Worked example: An (1) took rounds 1 and 2 (8 + 6), Bình (2) only round 1 (9), Chi (3)
    rounds 1 and 2 (5 + 9), Dũng (4) only round 2 (9).

    >>> from datetime import datetime as dt
    >>> r = [RoundResult(1, 1, 8.0, dt(2026, 12, 7, 9)), RoundResult(1, 2, 6.0, dt(2026, 12, 14, 9)),
    ...      RoundResult(2, 1, 9.0, dt(2026, 12, 7, 10)),
    ...      RoundResult(3, 1, 5.0, dt(2026, 12, 7, 8)), RoundResult(3, 2, 9.0, dt(2026, 12, 14, 8)),
    ...      RoundResult(4, 2, 9.0, dt(2026, 12, 14, 7))]
    >>> [(x.rank, x.user_id, x.total_score, x.rounds_counted) for x in rank_contest(r, "sum")]
    [(1, 3, 14.0, 2), (2, 1, 14.0, 2), (3, 2, 9.0, 1), (4, 4, 9.0, 1)]

    An and Chi tie on 14 over two rounds: Chi's last answer (14 Dec 08:00) came before An's
    (09:00). Bình and Dũng tie on 9 over one round: Bình's (7 Dec) came first.

    ``best``: Chi (9, two rounds) before Bình and Dũng (9, one round); An's best is 8.

    >>> [(x.rank, x.user_id, x.total_score, x.rounds_counted) for x in rank_contest(r, "best")]
    [(1, 3, 9.0, 2), (2, 2, 9.0, 1), (3, 4, 9.0, 1), (4, 1, 8.0, 2)]

    Equal on all three keys: a shared rank, the next one skipped.

    >>> same = dt(2026, 12, 7, 9)
    >>> [(x.rank, x.user_id) for x in rank_contest([RoundResult(7, 1, 5.0, same),
    ...     RoundResult(6, 1, 5.0, same), RoundResult(8, 1, 4.0, same)])]
    [(1, 6), (1, 7), (3, 8)]
    """
    if rule not in RULES:
        raise ValueError(f"unknown standings rule {rule!r}; expected one of {RULES}")
    per_member: dict[int, list[RoundResult]] = {}
    for result in results:
        per_member.setdefault(result.user_id, []).append(result)
    rows = []
    for user_id, taken in per_member.items():
        scores = [t.score or 0.0 for t in taken]
        total = sum(scores) if rule == "sum" else max(scores)
        last = max(t.submitted_at for t in taken)
        rows.append(((-round(total, 6), -len(taken), last), user_id, total, len(taken), last))
    rows.sort(key=lambda row: (row[0], row[1]))
    ranked, previous, rank = [], None, 0
    for position, (key, user_id, total, counted, last) in enumerate(rows, start=1):
        if key != previous:
            rank, previous = position, key
        ranked.append(ContestRanked(rank, user_id, round(total, 3), counted, last))
    return ranked


def rank_units(rows: list[dict], by: str = "rate") -> list[dict]:
    """Unit rows ({unit, participants, participation_rate, …}) ranked for collective prizes,
    each with its ``rank``.

    ``rate`` (the default): higher participation rate first, then more participants;
    ``participants``: more participants first, then the higher rate. Units equal on both share
    a rank; then by name, for a stable order.

    >>> rows = [{"unit": "A", "participants": 2, "participation_rate": 0.5},
    ...         {"unit": "B", "participants": 1, "participation_rate": 1.0},
    ...         {"unit": "C", "participants": 4, "participation_rate": 0.5},
    ...         {"unit": "D", "participants": 1, "participation_rate": 1.0}]
    >>> [(r["rank"], r["unit"]) for r in rank_units(rows, "rate")]
    [(1, 'B'), (1, 'D'), (3, 'C'), (4, 'A')]
    >>> [(r["rank"], r["unit"]) for r in rank_units(rows, "participants")]
    [(1, 'C'), (2, 'A'), (3, 'B'), (3, 'D')]
    """
    if by not in UNIT_ORDERS:
        raise ValueError(f"unknown order {by!r}; expected one of {UNIT_ORDERS}")

    def key(row):
        rate, people = -row["participation_rate"], -row["participants"]
        return (rate, people) if by == "rate" else (people, rate)

    ordered = sorted(rows, key=lambda row: (key(row), row["unit"]))
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(ordered, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        ranked.append({"rank": rank, **row})
    return ranked
