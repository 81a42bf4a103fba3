"""A round's fields as the audit log sees them, and the one row a save of the round writes.

The pages and the API that create or edit a round (quiz or writing) take ``round_snapshot``
before they change anything and call ``record_round_saved`` once the change is made (and
checked), in the same transaction: ``round.create``, ``round.update`` with the changed fields
only, or ``round.close`` when the save moves the close from the future to now or earlier
(closing the round early). A save that changes nothing writes nothing.

It lives in judging because a writing round's fields are spread over three owners: the round
(rounds), its essay settings (essays) and its criteria and normalization (judging).
"""
from datetime import datetime

from contest.audit.service import json_safe, record, record_change
from contest.clock import utcnow
from contest.essays.models import EssaySettings
from contest.extensions import db
from contest.judging.criteria import criteria_rows
from contest.judging.models import JudgingSettings
from contest.rounds.schedule import FIELDS

ESSAY_SETTINGS = ("allowed_kinds", "max_file_bytes", "require_declaration", "declaration_text",
                  "similarity_limit")
QUIZ_ONLY = ("duration_seconds", "question_count", "draw", "topic_ids", "max_attempts", "counting",
             "tie_break", "shuffle_options", "grace_seconds", "prediction_prompt")
ESSAY_ONLY = ("min_words", "max_words", "judges_per_entry", "discrepancy_threshold")


def round_snapshot(round_) -> dict:
    """Every field an organizer may change on the round (its kind's fields only), JSON-safe."""
    kind = round_.kind or "quiz"
    skip = ESSAY_ONLY if kind == "quiz" else QUIZ_ONLY
    data = {field: getattr(round_, field) for field in FIELDS if field not in skip}
    if kind == "essay" and round_.id is not None:
        with db.session.no_autoflush:
            data["criteria"] = [{"name": c.name, "max_points": c.max_points, "weight": c.weight}
                                for c in criteria_rows(round_.id)]
            settings = db.session.get(EssaySettings, round_.id)
            for field in ESSAY_SETTINGS:
                data[field] = getattr(settings, field) if settings is not None else None
            judging = db.session.get(JudgingSettings, round_.id)
            data["normalize_scores"] = bool(judging.normalize_scores) if judging is not None else False
    return json_safe(data)


def closes_early(before_close: str | datetime | None, after_close: datetime | None,
                 now: datetime) -> bool:
    """True when a save closes a round that was still to close: its close moves to now or earlier.

    >>> from datetime import timezone, timedelta
    >>> now = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
    >>> closes_early((now + timedelta(days=1)).isoformat(), now, now)
    True
    >>> closes_early((now - timedelta(days=1)).isoformat(), now - timedelta(hours=1), now)  # already closed
    False
    >>> closes_early((now + timedelta(days=1)).isoformat(), now + timedelta(hours=1), now)  # still open
    False
    """
    if before_close is None or after_close is None:
        return False
    if isinstance(before_close, str):
        before_close = datetime.fromisoformat(before_close)
    return before_close > now >= after_close


def record_round_saved(round_, before: dict | None, reason: str | None = None):
    """The one audit row of a round saved: ``before`` None for a new round (``round.create``
    with its fields), else the snapshot taken before the change. Flushes; the request commits."""
    db.session.flush()  # a new round's id
    after = round_snapshot(round_)
    where = {"round_id": round_.id, "contest_id": round_.contest_id}
    if before is None:
        return record("round.create", "round", round_.id, before=None,
                      after={k: v for k, v in after.items() if v is not None}, reason=reason, **where)
    action = "round.close" if closes_early(before.get("closes_at"), round_.closes_at, utcnow()) else "round.update"
    return record_change(action, "round", round_.id, before, after, reason=reason, **where)
