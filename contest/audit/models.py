"""One row per action that changes a result, a round, a question, a score or a role."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)  # dotted: "sheet.reopen"
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    contest_id: Mapped[int | None] = mapped_column(index=True)
    round_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict | None] = mapped_column(JSON)  # the changed fields only
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)

    actor = relationship("User")
