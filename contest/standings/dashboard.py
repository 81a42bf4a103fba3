"""The live dashboard of a quiz round for organizers: a handful of GROUP BY queries, never all rows.

The API caches it per round and 5-second period (``cached_dashboard``), so many organizers
polling at once cost one computation per period.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import Integer, cast, func, select

from contest.accounts.models import Unit, User
from contest.clock import utcnow
from contest.extensions import cache_get, cache_set, db
from contest.rounds.models import Attempt, AttemptQuestion, Round
from contest.rounds.service import version_texts

BUCKET_SECONDS = 600          # 10-minute buckets
PERIOD_SECONDS = 5            # the cache period: one computation per round per period
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time
TOP_UNITS = 10
TOP_MISSED = 5
TEXT_LIMIT = 80


def bucket_label(start: datetime) -> str:
    """A bucket's label, its start in Vietnam time.

    >>> bucket_label(datetime(2026, 3, 1, 2, 50, tzinfo=timezone.utc))
    '09:50'
    """
    return start.astimezone(VIETNAM).strftime("%H:%M")


def truncate(text: str, limit: int = TEXT_LIMIT) -> str:
    """At most ``limit`` characters, an ellipsis marking a cut.

    >>> truncate("Ai là người đọc Tuyên ngôn độc lập?")
    'Ai là người đọc Tuyên ngôn độc lập?'
    >>> truncate("x" * 100) == "x" * 79 + "…"
    True
    """
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fill_buckets(started: dict[int, int], finished: dict[int, int]) -> list[dict]:
    """Bucket numbers (epoch seconds // 600) with their counts to the chart's rows, from the
    first to the last bucket with something in it, empty buckets included.

    >>> rows = fill_buckets({2962512: 2}, {2962514: 1})
    >>> [(r["label"], r["started"], r["finished"]) for r in rows]
    [('07:00', 2, 0), ('07:10', 0, 0), ('07:20', 0, 1)]
    """
    numbers = set(started) | set(finished)
    if not numbers:
        return []
    rows = []
    for n in range(min(numbers), max(numbers) + 1):
        start = datetime.fromtimestamp(n * BUCKET_SECONDS, timezone.utc)
        rows.append({"start": start, "label": bucket_label(start),
                     "started": started.get(n, 0), "finished": finished.get(n, 0)})
    return rows


def _bucket(column):
    """The 10-minute bucket number of a (naive UTC) timestamp column, in SQL."""
    if db.engine.dialect.name == "postgresql":
        seconds = func.extract("epoch", column)
    else:
        seconds = cast(func.strftime("%s", column), Integer)
    return cast(func.floor(seconds / BUCKET_SECONDS), Integer)


def _per_bucket(round_id: int, column, *conditions) -> dict[int, int]:
    bucket = _bucket(column).label("bucket")
    rows = db.session.execute(
        select(bucket, func.count()).where(Attempt.round_id == round_id, column.is_not(None), *conditions)
        .group_by(bucket)).all()
    return {int(b): n for b, n in rows if b is not None}


def compute_dashboard(round_: Round) -> dict:
    """Every figure of the dashboard, now (contest.clock)."""
    now = utcnow()
    rid = round_.id
    finished_only = Attempt.status != "in_progress"
    started = _per_bucket(rid, Attempt.started_at)
    finished = _per_bucket(rid, Attempt.submitted_at, finished_only)
    active = db.session.execute(
        select(func.count()).where(Attempt.round_id == rid, Attempt.status == "in_progress",
                                   Attempt.deadline > now)).scalar_one()
    score = func.coalesce(Attempt.score, 0).label("score")
    scores = db.session.execute(
        select(score, func.count()).where(Attempt.round_id == rid, finished_only)
        .group_by(score).order_by(score)).all()
    participants = func.count(func.distinct(Attempt.user_id)).label("participants")
    units = db.session.execute(
        select(Unit.id, Unit.name, participants)
        .join(User, User.id == Attempt.user_id).join(Unit, Unit.id == User.unit_id)
        .where(Attempt.round_id == rid)
        .group_by(Unit.id, Unit.name).order_by(participants.desc(), Unit.name, Unit.id)
        .limit(TOP_UNITS)).all()
    missed_count = func.count().label("missed")
    missed = db.session.execute(
        select(AttemptQuestion.question_id, func.max(AttemptQuestion.version_id), missed_count)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.round_id == rid, finished_only, AttemptQuestion.is_correct.is_(False))
        .group_by(AttemptQuestion.question_id)
        .order_by(missed_count.desc(), AttemptQuestion.question_id).limit(TOP_MISSED)).all()
    texts = version_texts(m[1] for m in missed)
    return {
        "round_id": rid,
        "generated_at": now,
        "active_now": active,
        "started": sum(started.values()),
        "finished": sum(finished.values()),
        "buckets": fill_buckets(started, finished),
        "scores": [{"score": float(s or 0), "count": n} for s, n in scores],
        "units": [{"unit_id": uid, "unit": name, "participants": n} for uid, name, n in units],
        "missed": [{"question_id": qid, "text": truncate(texts.get(vid, "")), "missed": n}
                   for qid, vid, n in missed],
    }


def _key(round_id: int, now: datetime) -> str:
    return f"standings:dashboard:{round_id}:{int(now.timestamp()) // PERIOD_SECONDS}"


def cached_dashboard(round_: Round) -> dict:
    """The dashboard, computed at most once per round and 5-second period (shared cache)."""
    key = _key(round_.id, utcnow())
    found = cache_get(key)
    if found is None:
        found = compute_dashboard(round_)
        cache_set(key, found, timeout=PERIOD_SECONDS * 2)
    return found
