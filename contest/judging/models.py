"""Judging: criteria per round and stage, judge panels, assignments, scores, discrepancy flags."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.extensions import db


class JudgingSettings(db.Model):
    """Judging's own state of a writing round: the stage it has reached and whether the final
    score is the mean of per-judge z-scores (normalized) or the plain mean."""

    __tablename__ = "judging_settings"
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    current_stage: Mapped[int] = mapped_column(default=1)
    normalize_scores: Mapped[bool] = mapped_column(default=False)


class Criterion(db.Model):
    """A scoring criterion (tiêu chí chấm) of one stage of a writing round."""

    __tablename__ = "judging_criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    stage: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    max_points: Mapped[float]
    weight: Mapped[float] = mapped_column(default=1.0)
    active: Mapped[bool] = mapped_column(default=True)  # removed criteria keep old scores readable


class Stage(db.Model):
    """A stage of judging: 1 = preliminary (sơ khảo), 2 = final (chung khảo), ..."""

    __tablename__ = "judging_stage"
    __table_args__ = (UniqueConstraint("round_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PanelJudge(db.Model):
    """A judge on the panel (ban giám khảo) of one stage of a round."""

    __tablename__ = "judging_panel"
    __table_args__ = (UniqueConstraint("round_id", "stage", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    stage: Mapped[int] = mapped_column(default=1)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    judge = relationship("User")


class Assignment(db.Model):
    """One judge reading one entry in one stage. Status: assigned → draft → submitted."""

    __tablename__ = "judging_assignment"
    __table_args__ = (UniqueConstraint("entry_id", "judge_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("essay_entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    stage: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="assigned")
    extra: Mapped[bool] = mapped_column(default=False)  # called by a score gap
    comment: Mapped[str | None] = mapped_column(Text)
    total: Mapped[float | None]  # weighted total, set on submit
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry = relationship("Entry")
    judge = relationship("User")
    scores: Mapped[list["Score"]] = relationship(back_populates="assignment", cascade="all, delete-orphan")


class Score(db.Model):
    """Points for one criterion on one assignment's score sheet."""

    __tablename__ = "judging_score"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("judging_assignment.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("judging_criterion.id"), index=True)
    points: Mapped[float]

    assignment: Mapped[Assignment] = relationship(back_populates="scores")


class DiscrepancyFlag(db.Model):
    """A score gap above the round's threshold. Unique per entry and stage: the extra judge is
    called exactly once, even if two judges submit at the same moment."""

    __tablename__ = "judging_discrepancy"
    __table_args__ = (UniqueConstraint("entry_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("essay_entry.id"))
    stage: Mapped[int]
    spread: Mapped[float]
    extra_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("judging_assignment.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PrizeOverride(db.Model):
    """An organizer's hand-moved prize of a writing entry: it wins over the prize its rank falls
    in (the round's tiers). ``prize`` None = no prize, on purpose; no row = the computed prize."""

    __tablename__ = "judging_prize_override"
    entry_id: Mapped[int] = mapped_column(ForeignKey("essay_entry.id"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    prize: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
