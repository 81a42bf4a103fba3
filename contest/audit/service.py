"""Recording an action. Flushes; the request that made the change commits it with the change."""
from flask_login import current_user
from sqlalchemy import select

from contest.audit.models import AuditEvent
from contest.extensions import db

def record(action: str, object_type: str, object_id: int | None, *, actor=None,
           before: dict | None = None, after: dict | None = None, reason: str | None = None,
           round_id: int | None = None, contest_id: int | None = None) -> AuditEvent:
    """Add one audit event in the caller's transaction.

    >>> record("sheet.reopen", "assignment", 7, before={"status": "submitted"},
    ...        after={"status": "draft"}, reason="Nhập nhầm điểm", round_id=3)  # doctest: +SKIP
    """
    if actor is None and current_user and getattr(current_user, "is_authenticated", False):
        actor = current_user
    event = AuditEvent(
        actor_id=getattr(actor, "id", None), action=action, object_type=object_type,
        object_id=object_id, before=before, after=after, reason=reason,
        round_id=round_id, contest_id=contest_id,
    )
    db.session.add(event)
    db.session.flush()
    return event

def events_for(object_type: str, object_id: int) -> list[AuditEvent]:

    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == object_type,
                                 AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).scalars())
