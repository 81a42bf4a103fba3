"""Recording an action, and reading the trail back.

``record`` adds one row in the caller's transaction and flushes; the request that made the
change commits it with the change, so a refused or failed change (rolled back) leaves no row.
``before`` and ``after`` hold the changed fields only, as JSON-safe values (``json_safe``):
``record_change`` takes two snapshots and keeps only what differs.
"""
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import false, or_, select

from contest.audit.models import AuditEvent
from contest.extensions import db

SYSTEM = "system"  # actor=SYSTEM: done by the platform itself (a freeze at the close, an extra judge)


def json_safe(value):
    """A value as JSON keeps it: datetimes and dates as ISO strings, sets as sorted lists.

    >>> from datetime import timezone
    >>> json_safe({"closes_at": datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc), "ids": {3, 1}})
    {'closes_at': '2026-12-14T02:00:00+00:00', 'ids': [1, 3]}
    >>> json_safe([Decimal("1.5"), (1, "a"), None])
    [1.5, [1, 'a'], None]
    """
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(json_safe(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields that differ between two snapshots: (their old values, their new values).
    A field missing from one side counts as None there.

    >>> changes({"title": "Tuần 1", "minutes": 20}, {"title": "Tuần một", "minutes": 20})
    ({'title': 'Tuần 1'}, {'title': 'Tuần một'})
    >>> changes({"a": 1}, {"a": 1})
    ({}, {})
    """
    before, after = json_safe(before or {}), json_safe(after or {})
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _acting_user():
    """Who is acting in this request: the bearer token's user on the API, the session's on pages."""
    if not has_request_context():
        return None
    if "api_user" in g:
        return g.api_user
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user
    return None


def record(action: str, object_type: str, object_id: int | None, *, actor=None,
           before: dict | None = None, after: dict | None = None, reason: str | None = None,
           round_id: int | None = None, contest_id: int | None = None) -> AuditEvent:
    """Add one audit event in the caller's transaction. ``actor`` defaults to whoever is signed
    in for this request; ``actor=SYSTEM`` records the platform itself (no person).

    >>> record("sheet.reopen", "assignment", 7, before={"status": "submitted"},
    ...        after={"status": "draft"}, reason="Nhập nhầm điểm", round_id=3)  # doctest: +SKIP
    """
    if actor is None:
        actor = _acting_user()
    elif actor == SYSTEM:
        actor = None
    event = AuditEvent(
        actor_id=getattr(actor, "id", None), action=action, object_type=object_type,
        object_id=object_id, before=json_safe(before) if before is not None else None,
        after=json_safe(after) if after is not None else None, reason=(reason or None),
        round_id=round_id, contest_id=contest_id,
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_change(action: str, object_type: str, object_id: int | None, before: dict, after: dict,
                  **kwargs) -> AuditEvent | None:
    """Record ``action`` with only the fields that changed between the two snapshots; nothing
    (None) when nothing changed."""
    old, new = changes(before, after)
    if not old and not new:
        return None
    return record(action, object_type, object_id, before=old, after=new, **kwargs)


def events_for(object_type: str, object_id: int) -> list[AuditEvent]:
    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == object_type,
                                 AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).scalars())


def trail_query(*, round_ids=None, round_id: int | None = None, contest_id: int | None = None,
                actor_id: int | None = None, action: str | None = None,
                since: datetime | None = None, until: datetime | None = None, within=None):
    """The SELECT of the trail, newest first, narrowed by whatever is given. A contest matches
    the rows that name it and the rows of its rounds (`round_ids`: many rows name only their
    round). `action` matches a whole name ("round.publish") or a family ("round."). `within`
    (contest ids, round ids) keeps only the rows of those contests and rounds: an organizer's
    scope (accounts/scope.py)."""
    stmt = select(AuditEvent)
    if within is not None:
        contest_ids, scope_round_ids = within
        stmt = stmt.where(or_(AuditEvent.contest_id.in_(list(contest_ids)),
                              AuditEvent.round_id.in_(list(scope_round_ids))))
    if contest_id is not None:
        stmt = stmt.where(or_(AuditEvent.contest_id == contest_id,
                              AuditEvent.round_id.in_(list(round_ids or [])) if round_ids else false()))
    if round_id is not None:
        stmt = stmt.where(AuditEvent.round_id == round_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True) if action.endswith(".")
                          else AuditEvent.action == action)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def event_dict(event: AuditEvent) -> dict:
    """An event as the API gives it (api-v1.md "Results and reporting")."""
    actor = event.actor
    return {"id": event.id, "at": event.at,
            "actor": {"id": actor.id, "username": actor.username} if actor is not None else None,
            "action": event.action, "object": {"type": event.object_type, "id": event.object_id},
            "before": event.before, "after": event.after, "reason": event.reason}
