"""The rules of ranking.py in SQL: window functions over a round's attempts (issue 10 point 3).

ranking.py stays the documented rule, in plain functions with worked examples; this module says
the same thing to the database, so that 200,000 attempts are ranked where they are stored instead
of being carried into Python. tests/api/test_sql_ranking.py proves, on SQLite (3.25 or later has
window functions) and PostgreSQL, that both give the same ranks on random rounds full of ties.

- the attempt that counts: ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY the counting's
  preference) = 1, as ``ranking.counted_attempts``;
- the prediction question's true number: a COUNT over the counted attempts, as
  ``ranking.prediction_truth``;
- the rank: RANK() OVER (ORDER BY score DESC, [no prediction last, gap], tie-break, submitted_at)
  — competition ranks, "1224", as ``ranking.rank_members`` — and the rows in that order, then by
  attempt id.

A missing score, count or duration counts as 0, as ``service._finished`` reads them.
"""
from __future__ import annotations

from sqlalchemy import Integer, case, cast, func, null, select

from contest.rounds.models import Attempt
from contest.standings.ranking import COUNTING_MODES, TIE_BREAKS

__all__ = ["counted", "prediction_truth", "ranked"]


def _preference(counting: str, score):
    """The ORDER BY under which the attempt that counts comes first (``ranking._prefer``)."""
    if counting == "best":  # highest score, then earliest submission, then lowest number
        return (score.desc(), Attempt.submitted_at.asc(), Attempt.number.asc())
    if counting == "first":
        return (Attempt.submitted_at.asc(), Attempt.number.asc())
    if counting == "latest":
        return (Attempt.submitted_at.desc(), Attempt.number.desc())
    raise ValueError(f"unknown counting {counting!r}; expected one of {COUNTING_MODES}")


def counted(round_id: int, counting: str = "best"):
    """The counted attempt of each member of the round who finished one, as a subquery with the
    columns round_id, attempt_id, user_id, score, correct_count, question_count, submitted_at,
    duration_seconds, prediction."""
    score = func.coalesce(Attempt.score, 0)
    finished = select(
        Attempt.round_id, Attempt.id.label("attempt_id"), Attempt.user_id, score.label("score"),
        func.coalesce(Attempt.correct_count, 0).label("correct_count"),
        func.coalesce(Attempt.question_count, 0).label("question_count"),
        Attempt.submitted_at, func.coalesce(Attempt.duration_seconds, 0).label("duration_seconds"),
        Attempt.prediction,
        func.row_number().over(partition_by=Attempt.user_id,
                               order_by=_preference(counting, score)).label("choice"),
    ).where(Attempt.round_id == round_id, Attempt.status != "in_progress").subquery("finished")
    columns = [c for c in finished.c if c.key != "choice"]
    return select(*columns).where(finished.c.choice == 1).subquery("counted")


def prediction_truth(round_id: int, counting: str = "best"):
    """SELECT of how many members' counted attempt answered every question right."""
    c = counted(round_id, counting)
    return select(func.count()).select_from(c).where(
        c.c.question_count > 0, c.c.correct_count == c.c.question_count)


def ranked(round_id: int, counting: str = "best", tie_break: str = "duration", truth: int | None = None):
    """SELECT of the counted attempts with their ``rank`` and ``prediction_gap`` (None without a
    truth or a prediction), best first: (rank, attempt_id) is the board's order.

    Order, as ``ranking.rank_members``: higher score; then, given the truth, members who
    predicted before those who did not, by smaller gap; then the tie-break (shorter duration or
    earlier submission); then earlier submission. Rows equal on all of them share a rank; the
    attempt id orders them (for a deterministic order only)."""
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"unknown tie_break {tie_break!r}; expected one of {TIE_BREAKS}")
    c = counted(round_id, counting)
    keys = [c.c.score.desc()]
    if truth is None:
        gap = cast(null(), Integer)
    else:
        gap = func.abs(c.c.prediction - int(truth))
        keys += [case((c.c.prediction.is_(None), 1), else_=0), func.coalesce(gap, 0)]
    keys += [c.c.duration_seconds if tie_break == "duration" else c.c.submitted_at, c.c.submitted_at]
    rank = func.rank().over(order_by=keys).label("rank")
    return select(*c.c, rank, gap.label("prediction_gap")).order_by(rank, c.c.attempt_id)
