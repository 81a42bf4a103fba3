"""Final ranks and participation of a closed quiz round, frozen together."""
from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from contest.extensions import db


class UnitParticipation(db.Model):
    """One unit's line of a closed round's unit table, counted once at the freeze: members
    registered in the unit and its sub-units by the close, those who took part, their scores.
    Later registrations, moves and role changes do not change it."""

    __tablename__ = "round_unit_participation"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    members: Mapped[int]
    participants: Mapped[int]
    score_sum: Mapped[float]


class Standing(db.Model):
    """Final ranks of a closed quiz round, computed once and frozen (one INSERT … SELECT of the
    window functions of sql_ranking.py). The board's order is (rank, attempt_id); its pages are
    read by a seek on that index (board.py), which also serves every lookup by round.

    round_id and user_id are the attempt's own, copied for the indexes: the attempt's foreign
    key is the one checked (it implies the round and the member, each attempt having theirs).
    Two more checks per row were a third of a 200,000-row freeze (bench/README.md)."""

    __tablename__ = "standing"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),
                      Index("ix_standing_round_rank", "round_id", "rank", "attempt_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int]
    user_id: Mapped[int]
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    rank: Mapped[int]
    prediction_gap: Mapped[int | None]
