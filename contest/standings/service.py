"""Leaderboards and unit participation of quiz rounds.

Live ranks while a round is open (cached for a few seconds: the last hour brings everyone);
when the round has closed and its grace has passed (publishing.round_is_final), final ranks are
computed once — with the prediction question's true number — and frozen in the `standing` table,
and, in the same transaction, the unit table (members per unit registered by the close, who took
part, their scores) in `round_unit_participation`: later registrations, moves and role changes do
not change a closed round's participation.
"""
from flask import current_app
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from contest.accounts.models import Unit, User
from contest.audit.service import SYSTEM, record
from contest.clock import utcnow
from contest.extensions import cache_forget, cache_get, cache_set, db
from contest.rounds.models import Attempt, Round
from contest.rounds.service import expire_overdue
from contest.standings import participation, publishing, sql_ranking
from contest.standings.models import Standing, UnitParticipation
from contest.rounds.prizes import with_prizes



# In the shared cache (contest.extensions), so every worker and server sees a freeze:
# the leaderboard as (rows, final), the unit table as rows. forget_round() forgets both.
def _leaderboard_key(round_id: int) -> str:
    return f"standings:leaderboard:{round_id}"


def _units_key(round_id: int) -> str:
    return f"standings:units:{round_id}"


def forget_round(round_id: int) -> None:
    """The one place a round's cached standings are forgotten (when its final ranks are frozen,
    and after a round is saved: its prize tiers may have changed)."""
    cache_forget(_leaderboard_key(round_id), _units_key(round_id))


def board_row(rank, gap, attempt_id, user_id, score, correct, count, prediction, duration, submitted_at,
         name, unit_id, unit) -> dict:
    """One leaderboard row as the pages, the API and the exports read it."""
    return {
        "rank": rank, "display_name": name, "unit": unit, "unit_id": unit_id,
        "score": score or 0, "correct_count": correct or 0, "question_count": count or 0,
        "prediction": prediction, "prediction_gap": gap, "duration_seconds": round(duration or 0, 3),
        "submitted_at": submitted_at, "user_id": user_id, "attempt_id": attempt_id,
    }


def _live_board(round_: Round):
    """The live board as a subquery: every counted attempt ranked by the database with the rules
    of ranking.py (sql_ranking.ranked: window functions, no prediction truth yet), with its
    ``position`` on the board (from 0: the order is rank, then attempt id) and the board's
    ``total`` (windows over the ranked rows, so a page of it is one SELECT with LIMIT/OFFSET and
    no row but the page's leaves the database). Names and units are joined to the rows kept."""
    r = sql_ranking.ranked(round_.id, round_.counting, round_.tie_break).subquery("ranked")
    return select(*r.c, (func.row_number().over(order_by=(r.c.rank, r.c.attempt_id)) - 1).label("position"),
                  func.count().over().label("total")).subquery("live")


def _live_select(live):
    """The kept rows of the live board with their names and units, in board_row's order of
    columns, then the position and the total."""
    return (select(live.c.rank, live.c.prediction_gap, live.c.attempt_id, live.c.user_id, live.c.score,
                   live.c.correct_count, live.c.question_count, live.c.prediction, live.c.duration_seconds,
                   live.c.submitted_at, User.full_name, User.unit_id, Unit.name, live.c.position, live.c.total)
            .join(User, User.id == live.c.user_id).outerjoin(Unit, Unit.id == User.unit_id))


def _live_rows(round_: Round) -> list[dict]:
    """Live ranks, best first, with names and units: one SELECT (the whole board)."""
    live = _live_board(round_)
    return [board_row(*row[:-2]) for row in db.session.execute(_live_select(live).order_by(live.c.position))]


def _live_row(row) -> dict:
    """A row of the live board with its ``position`` (from 0)."""
    return {**board_row(*row[:-2]), "position": row[-2]}


def _live_page_key(round_id: int, offset: int, limit: int) -> str:
    return f"standings:live:{round_id}:{offset}:{limit}"


def _ranked_member(round_id: int, user_id: int) -> bool:
    """Has the user a finished attempt in the round (a row of its live board)?"""
    return db.session.execute(select(Attempt.id).where(
        Attempt.round_id == round_id, Attempt.user_id == user_id,
        Attempt.status != "in_progress").limit(1)).first() is not None


def live_page(round_: Round, offset: int, limit: int, user_id: int | None = None):
    """Rows offset .. offset + limit - 1 of an open round's live board (each with its
    ``position``), the board's size, and `user_id`'s own row (None if not ranked or not asked).

    A page is the same for every reader without a row of their own (the organizers watching a
    round), so it is kept in the shared cache for LEADERBOARD_CACHE_SECONDS: fifty organizers
    refreshing cost the database one ranking per page and period. A reader with a row on the
    board gets it ranked afresh with the page. The caller has expired what is overdue."""
    ttl = current_app.config.get("LEADERBOARD_CACHE_SECONDS", 15)
    if not ttl or (user_id is not None and _ranked_member(round_.id, user_id)):
        return _live_page(round_, offset, limit, user_id)
    key = _live_page_key(round_.id, offset, limit)
    hit = cache_get(key)
    if hit is None:
        rows, total, _mine = _live_page(round_, offset, limit)
        hit = (rows, total)
        cache_set(key, hit, ttl)
    rows, total = hit
    return [dict(row) for row in rows], total, None  # the callers add to the rows: copies


def _live_page(round_: Round, offset: int, limit: int, user_id: int | None = None):
    """live_page from the database: one SELECT — the board ranked once, the page's rows and the
    member's kept (a range of the position, or theirs), the total a column of every row — and
    one COUNT more only when it returns nothing (a page past the end)."""
    board = _live_board(round_)
    kept = and_(board.c.position >= offset, board.c.position < offset + limit)
    if user_id is not None:
        kept = or_(kept, board.c.user_id == user_id)
    live = select(board).where(kept).subquery("page")
    found = db.session.execute(_live_select(live).order_by(live.c.position)).all()
    rows = [_live_row(row) for row in found]
    mine = next((row for row in rows if row["user_id"] == user_id), None) if user_id is not None else None
    page = [row for row in rows if offset <= row["position"] < offset + limit]
    if found:
        return page, found[0][-1], mine
    if offset <= 0:
        return [], 0, None
    c = sql_ranking.counted(round_.id, round_.counting)
    return [], db.session.execute(select(func.count()).select_from(c)).scalar_one(), None


def freeze_if_closed(round_: Round) -> bool:
    """Compute and store final ranks once the round has closed. True if frozen.

    The first reader after the close takes the round's row lock before ranking, so when a crowd
    arrives at once one request ranks and the others wait for its result instead of all ranking.
    `flask --app app freeze-standings` does it from cron right at the close."""
    if round_.standings_frozen_at is not None:
        return True
    if not publishing.round_is_final(round_):  # answers sent just before the close still arrive
        return False
    expire_overdue(round_id=round_.id)  # commits as it goes, so before the lock
    # The freeze commits itself, under the round's row lock (FOR UPDATE): the readers waiting on
    # that lock must see the standings the moment it ends, whatever the request does after.
    locked = db.session.execute(  # populate_existing: see what the lock holder committed
        select(Round).where(Round.id == round_.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if locked.standings_frozen_at is not None:  # another request froze it while we waited
        db.session.commit()
        return True
    # Ranked where the attempts are (sql_ranking: window functions, the rules of ranking.py):
    # the true number in one COUNT, the ranks in one INSERT … SELECT, no row through Python.
    truth = (db.session.execute(sql_ranking.prediction_truth(locked.id, locked.counting)).scalar_one()
             if locked.has_prediction else None)
    ranked = sql_ranking.ranked(locked.id, locked.counting, locked.tie_break, truth).subquery("ranked")
    try:
        frozen = db.session.execute(insert(Standing).from_select(
            ["round_id", "user_id", "attempt_id", "rank", "prediction_gap"],
            select(ranked.c.round_id, ranked.c.user_id, ranked.c.attempt_id, ranked.c.rank,
                   ranked.c.prediction_gap)).execution_options(preserve_rowcount=True)).rowcount
        freeze_participation(locked)
        locked.prediction_truth = truth
        locked.standings_frozen_at = utcnow()
        # The platform computes the final ranks (whoever's reading or the cron set it off).
        record("round.freeze", "round", round_.id, actor=SYSTEM,
               before={"standings_frozen_at": None, "prediction_truth": None},
               after={"standings_frozen_at": locked.standings_frozen_at, "prediction_truth": truth,
                      "ranked": frozen}, round_id=round_.id, contest_id=round_.contest_id)
        db.session.commit()
    except IntegrityError:  # SQLite has no row locks: a simultaneous reader froze it first
        db.session.rollback()
        db.session.refresh(round_)
    forget_round(round_.id)
    return True


def _registered_members():
    """(user id, unit id) of the members who belong to a unit (a live round's unit table)."""
    return db.session.execute(select(User.id, User.unit_id)
                              .where(User.role == "member", User.unit_id.is_not(None))).all()


def freeze_participation(round_: Round) -> None:
    """Store a closed round's unit table, counted now: members registered by the close (or who
    took part: a member who took part was registered, whatever the clock of an import said), in
    the unit they belong to at the freeze (the cron freezes right at the close), and who took
    part (a row of the round's frozen ranks, just inserted). The database counts each unit's own
    members (one GROUP BY); participation.roll_up adds them up the unit tree. Part of the
    freeze's transaction."""
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    direct = db.session.execute(
        select(User.unit_id, func.count(User.id), func.count(Standing.id), func.sum(Attempt.score))
        .select_from(User)
        .outerjoin(Standing, and_(Standing.user_id == User.id, Standing.round_id == round_.id))
        .outerjoin(Attempt, Attempt.id == Standing.attempt_id)
        .where(User.role == "member", User.unit_id.is_not(None),
               or_(User.created_at <= round_.closes_at, Standing.id.is_not(None)))
        .group_by(User.unit_id)).all()
    counted = participation.roll_up(parents, {unit_id: (members, took_part, float(total or 0))
                                              for unit_id, members, took_part, total in direct})
    rows = [{"round_id": round_.id, "unit_id": unit_id, "members": m, "participants": p, "score_sum": total}
            for unit_id, (m, p, total) in counted.items() if unit_id in parents]
    if rows:
        db.session.execute(insert(UnitParticipation), rows)


def freeze_closed_rounds() -> int:
    """Freeze the final ranks of every closed quiz round not yet frozen. Returns how many."""
    due = db.session.execute(
        select(Round).where(Round.kind == "quiz", Round.standings_frozen_at.is_(None),
                            Round.closes_at <= utcnow())
    ).scalars().all()
    return sum(1 for round_ in due if freeze_if_closed(round_))


def frozen_columns():
    return (Standing.rank, Standing.prediction_gap, Attempt.id, Attempt.user_id, Attempt.score,
            Attempt.correct_count, Attempt.question_count, Attempt.prediction, Attempt.duration_seconds,
            Attempt.submitted_at, User.full_name, User.unit_id, Unit.name)


def _frozen_rows(round_id: int) -> list[dict]:
    """Final ranks as stored, with names and units, in one query of plain rows."""
    result = db.session.execute(
        select(*frozen_columns())
        .join(Attempt, Standing.attempt_id == Attempt.id).join(User, Standing.user_id == User.id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(Standing.round_id == round_id).order_by(Standing.rank, Standing.attempt_id))
    return [board_row(*row) for row in result]


def leaderboard(round_: Round) -> list[dict]:
    """Every ranked member of a quiz round, best first, each row with its ``prize`` (the round's
    tier its rank falls in, None outside the tiers).

    Cached for every process for LEADERBOARD_CACHE_SECONDS (live ranks) or ten times that (final
    ranks, which only change if a member renames), so the last hour's crowd does not recompute it.
    LEADERBOARD_CACHE_SECONDS = 0 turns the cache off. For what needs every row (exports,
    certificates, prizes, the unit table, a search by name); a page of the board is read a page
    at a time (board.py: frozen_page, live_page).
    """
    ttl = current_app.config.get("LEADERBOARD_CACHE_SECONDS", 15)
    hit = cache_get(_leaderboard_key(round_.id)) if ttl else None
    if hit is not None:
        return hit[0]
    if freeze_if_closed(round_):
        rows, final = _frozen_rows(round_.id), True
    else:
        expire_overdue(round_id=round_.id)
        rows, final = _live_rows(round_), False
    with_prizes(rows, round_.prizes)  # ties at a boundary share the prize
    if ttl:
        cache_set(_leaderboard_key(round_.id), (rows, final), ttl * 10 if final else ttl)
    return rows


def frozen_position(round_id: int, user_id: int) -> dict | None:
    """A member's row on a frozen board: {"rank", "user_id", "position"} (position from 0), or
    None if they are not ranked. One SELECT: the rows before theirs are rank - 1, plus those of
    their rank with a smaller attempt id."""
    mine = aliased(Standing)
    ahead = select(func.count()).where(
        Standing.round_id == mine.round_id, Standing.rank == mine.rank,
        Standing.attempt_id < mine.attempt_id).scalar_subquery()
    found = db.session.execute(select(mine.rank, mine.rank - 1 + ahead).where(
        mine.round_id == round_id, mine.user_id == user_id)).first()
    return None if found is None else {"rank": found[0], "user_id": user_id, "position": found[1]}


def member_standing(round_: Round, user_id: int) -> dict | None:
    """A member's place on the board, or None if not ranked: once the ranks are frozen, their
    {"rank", "user_id", "position"} in one indexed SELECT (not the whole board: every member
    looks up theirs when the results come out); before, their row of the live board."""
    if freeze_if_closed(round_):
        return frozen_position(round_.id, user_id)
    for row in leaderboard(round_):
        if row["user_id"] == user_id:
            return row
    return None


def prizes_by_member(round_: Round) -> dict[int, str]:
    """{user_id: prize} of the members of a quiz round who won one (the leaderboard's rows)."""
    return {row["user_id"]: row["prize"] for row in leaderboard(round_) if row.get("prize")}


def unit_participation(round_: Round) -> list[dict]:
    """Per unit (with its sub-units): members registered, members who took part, rate, mean.

    It walks every registered member, so it is cached like the leaderboard it is built from."""
    ttl = current_app.config.get("LEADERBOARD_CACHE_SECONDS", 15)
    hit = cache_get(_units_key(round_.id)) if ttl else None
    if hit is not None:
        return hit
    rows = _unit_participation(round_)
    if ttl:
        cache_set(_units_key(round_.id), rows, ttl)
    return rows


def _unit_participation(round_: Round) -> list[dict]:
    units = db.session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    if freeze_if_closed(round_):  # closed: the unit table frozen with the final ranks
        names = {u.id: (u.name, u.parent_id) for u in units}
        frozen = db.session.execute(
            select(UnitParticipation.unit_id, UnitParticipation.members, UnitParticipation.participants,
                   UnitParticipation.score_sum).where(UnitParticipation.round_id == round_.id)).all()
        return participation.sort_rows([
            participation.unit_row(unit_id, *names.get(unit_id, ("?", None)), m, p, total)
            for unit_id, m, p, total in frozen])
    counted = participation.count_units(
        {u.id: u.parent_id for u in units}, _registered_members(),
        {row["user_id"]: row["score"] for row in leaderboard(round_)})
    return participation.sort_rows([
        participation.unit_row(u.id, u.name, u.parent_id, *counted.get(u.id, (0, 0, 0.0))) for u in units])
