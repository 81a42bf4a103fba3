"""A member's own results (issue 9 point 4): every round they took, newest first, for the page
"Kết quả của tôi" (/me/results) and GET /api/v1/me/results alike (``member_results``).

What a row says follows what the round's own pages already show the member:
- a quiz round: the counted attempt (the round's ``counting``) — score / max, questions right,
  time taken, submitted at — which the attempt's result page shows from the moment it is done;
- a writing round: the entry's title and when it was submitted; its final score only once the
  results are published;
- rank and prize only once the round's results are published and final
  (``publishing.can_see_results`` for a member): before, ``published`` is False and the page
  says "Chờ công bố kết quả".

Efficient: a fixed number of statements whatever the number of quiz rounds (the member's finished
attempts with their rounds and contests in one, the frozen ranks of the published ones in one;
a quiz prize is a function of the rank, ``prize_for_rank``). A published writing round's final
score comes from the results' own ranking (``judging.service.ranked``), once per such round the
member entered: writing rounds are few.

``certificates`` is a list of ``{code, url}`` per row, empty here: the page and the API fill
it from the certificates feature (``certificates.service.of_user``, one query, revoked ones left
out), which sits above the standings and so cannot be read from here.
"""
from __future__ import annotations

from sqlalchemy import select

from contest.essays.models import Entry
from contest.extensions import db
from contest.judging.service import ranked as writing_ranked
from contest.rounds import visibility
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.service import expire_overdue
from contest.standings import publishing, ranking
from contest.standings.models import Standing
from contest.standings.service import freeze_if_closed


def prize_for_rank(rank: int | None, tiers) -> str | None:
    """The prize of a (competition) rank in a ranked list, by the tier rule of
    ``contest.rounds.prizes.assign_prizes``: the places taken before a rank are rank - 1, so
    the rank falls in the first tier whose running count exceeds that; none past the last.

    >>> T = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}]
    >>> [prize_for_rank(r, T) for r in (1, 2, 3, 4)]
    ['Giải Nhất', 'Giải Nhì', 'Giải Nhì', None]
    >>> prize_for_rank(1, T), prize_for_rank(3, T)   # ranks 1, 1, 3: the third has no Nhì left
    ('Giải Nhất', 'Giải Nhì')
    >>> prize_for_rank(2, T)   # ranks 1, 2, 2, 2: the tie at the last place shares it
    'Giải Nhì'
    >>> prize_for_rank(None, T), prize_for_rank(1, None)
    (None, None)
    """
    if rank is None:
        return None
    taken = 0
    for tier in tiers or []:
        taken += int(tier["count"])
        if rank - 1 < taken:
            return tier["name"]
    return None


def _published(round_: Round) -> bool:
    """What a member may see of others: results published and final (as ``can_see_results``
    for anyone who does not organize), whoever is reading their own results."""
    return publishing.can_see_results(round_, None)


def _quiz_rows(user_id: int) -> list[dict]:
    found = db.session.execute(
        select(Attempt.id, Attempt.number, Attempt.score, Attempt.max_score, Attempt.correct_count,
               Attempt.question_count, Attempt.submitted_at, Attempt.duration_seconds, Attempt.prediction,
               Round, Contest.title)
        .join(Round, Attempt.round_id == Round.id).join(Contest, Round.contest_id == Contest.id)
        .where(Attempt.user_id == user_id, Attempt.status != "in_progress",
               Contest.status.in_(visibility.reachable_statuses()))).all()
    by_round: dict[int, tuple[Round, str, list]] = {}
    for row in found:
        round_, contest_title = row[9], row[10]
        by_round.setdefault(round_.id, (round_, contest_title, []))[2].append(row)
    published = [r for r, _, _ in by_round.values() if _published(r)]
    for round_ in published:
        freeze_if_closed(round_)  # a no-op once frozen (the cron or the first reader did it)
    published_ids = {r.id for r in published}
    standings = {}
    if published:
        standings = {round_id: (rank, attempt_id) for round_id, rank, attempt_id in db.session.execute(
            select(Standing.round_id, Standing.rank, Standing.attempt_id)
            .where(Standing.user_id == user_id, Standing.round_id.in_([r.id for r in published])))}
    rows = []
    for round_, contest_title, attempts in by_round.values():
        finished = {a[0]: a for a in attempts}
        counted = ranking.counted_attempts([
            ranking.Finished(attempt_id=a[0], user_id=user_id, number=a[1], score=a[2] or 0,
                             correct_count=a[4] or 0, question_count=a[5] or 0, submitted_at=a[6],
                             duration_seconds=a[7] or 0, prediction=a[8]) for a in attempts],
            round_.counting)[user_id]
        is_published = round_.id in published_ids
        # Published: the frozen rank and the attempt it ranked (the same counting rule).
        rank, attempt_id = standings.get(round_.id, (None, counted.attempt_id)) if is_published \
            else (None, counted.attempt_id)
        a = finished.get(attempt_id) or finished[counted.attempt_id]
        rows.append({
            "kind": "quiz", "round_id": round_.id, "round": round_.title, "contest_id": round_.contest_id,
            "contest": contest_title, "submitted_at": a[6], "published": is_published,
            "_opens_at": round_.opens_at,
            "rank": rank, "prize": prize_for_rank(rank, round_.prizes) if is_published else None,
            "attempt_id": a[0], "attempts": len(attempts), "score": a[2] or 0, "max_score": a[3],
            "correct_count": a[4] or 0, "question_count": a[5] or 0,
            "duration_seconds": round(a[7] or 0, 3),
            "entry_id": None, "title": None, "final_score": None, "certificates": [],
        })
    return rows


def _writing_rows(user_id: int) -> list[dict]:
    found = db.session.execute(
        select(Entry.id, Entry.title, Entry.submitted_at, Round, Contest.title)
        .join(Round, Entry.round_id == Round.id).join(Contest, Round.contest_id == Contest.id)
        .where(Entry.author_id == user_id, Contest.status.in_(visibility.reachable_statuses()))).all()
    rows = []
    for entry_id, title, submitted_at, round_, contest_title in found:
        is_published = _published(round_)
        item = {}
        if is_published:
            item = next((i for i in writing_ranked(round_) if i["entry"].id == entry_id), {})
        rows.append({
            "kind": "essay", "round_id": round_.id, "round": round_.title, "contest_id": round_.contest_id,
            "contest": contest_title, "submitted_at": submitted_at, "published": is_published,
            "_opens_at": round_.opens_at,
            "rank": item.get("rank"), "prize": item.get("prize"),
            "attempt_id": None, "attempts": None, "score": None, "max_score": None,
            "correct_count": None, "question_count": None, "duration_seconds": None,
            "entry_id": entry_id, "title": title, "final_score": item.get("final_score"),
            "certificates": [],
        })
    return rows


def member_results(user) -> list[dict]:
    """Every round the user took — a quiz round with a finished attempt, a writing round with a
    submitted entry — newest submission first (then the later round first)."""
    expire_overdue(user_id=user.id)  # an attempt whose time is up counts as it stands
    rows = _quiz_rows(user.id) + _writing_rows(user.id)
    rows.sort(key=lambda r: (r["submitted_at"] or r["_opens_at"], r["round_id"]), reverse=True)
    for row in rows:
        del row["_opens_at"]
    return rows
