"""Contests, rounds (quiz and essay) and quiz attempts."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.accounts.registration import CONTEST_REGISTRATION
from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.extensions import db

ROUND_KINDS = ("quiz", "essay")
STANDINGS_RULES = ("sum", "best")  # a contest's standings: the rounds' scores added, or the best one
CONTEST_STATUSES = ("draft", "published", "archived")


class Contest(db.Model):
    __tablename__ = "contest"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The contest standings across its rounds (contest/standings/contest.py) and who sees them.
    standings_rule: Mapped[str] = mapped_column(String(10), default="sum", server_default="sum")
    standings_published: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(10), default="published", server_default="published")
    # The unit whose organizers manage it (rounds/scope.py); None: platform-wide, the admins'.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Limited to members of the owner's subtree (a cell's internal quiz); else open to all.
    members_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Prize tiers of the contest standings in rank order, [{name, count}] (rounds/prizes.py, the
    # rounds' shape and check); None = no contest prizes.
    prizes: Mapped[list | None] = mapped_column(JSON)
    # Self-registration through this contest (accounts/registration.py CONTEST_REGISTRATION,
    # the rule ``for_contest``): open, off, unit_required or code_required.
    registration: Mapped[str] = mapped_column(String(15), default="open", server_default="open")

    rounds: Mapped[list["Round"]] = relationship(
        back_populates="contest", order_by="Round.opens_at"
    )


class Round(db.Model):
    __tablename__ = "round"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="quiz")
    title: Mapped[str] = mapped_column(String(300))
    rules: Mapped[str | None] = mapped_column(Text)  # thể lệ shown to members
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    results_published: Mapped[bool] = mapped_column(default=False)
    # Prize tiers in rank order, [{name, count}] (contest/rounds/prizes.py); None = no prizes.
    prizes: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # quiz
    duration_seconds: Mapped[int | None]
    question_count: Mapped[int | None]
    draw: Mapped[list | None] = mapped_column(JSON)  # [{topic_id, count}]
    topic_ids: Mapped[list | None] = mapped_column(JSON)
    max_attempts: Mapped[int | None]  # None = unlimited (no ORM default: None is meaningful)
    counting: Mapped[str] = mapped_column(String(10), default="best")
    tie_break: Mapped[str] = mapped_column(String(15), default="duration")
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    grace_seconds: Mapped[int] = mapped_column(default=10)
    prediction_prompt: Mapped[str | None] = mapped_column(Text)
    # Frozen when the round closes: the true answer to the prediction question and ranks.
    prediction_truth: Mapped[int | None]
    standings_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The longest extra time granted for the round (service.grant_extra_time keeps it): the last
    # member may answer until the close plus this, read with the round and no other query.
    longest_extra_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    # essay
    min_words: Mapped[int | None]
    max_words: Mapped[int | None]
    judges_per_entry: Mapped[int | None] = mapped_column(default=2)
    discrepancy_threshold: Mapped[float | None]

    contest: Mapped[Contest] = relationship(back_populates="rounds")

    @property
    def has_prediction(self) -> bool:
        return bool(self.prediction_prompt)


class Attempt(db.Model):
    """One member's attempt (bài thi) at a quiz round.

    The database keeps the invariants: one attempt per (round, member, number), and at most one
    in progress per (round, member), through a partial unique index.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id", "number"),
        Index(
            "uq_attempt_one_in_progress", "round_id", "user_id", unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index("ix_attempt_round_status", "round_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    correct_count: Mapped[int | None]
    question_count: Mapped[int] = mapped_column(default=0)
    duration_seconds: Mapped[float | None]
    prediction: Mapped[int | None]
    # The address the attempt was started from (flags.py: many accounts from one address).
    started_from: Mapped[str | None] = mapped_column(String(45))

    round: Mapped[Round] = relationship()
    user = relationship("User")
    questions: Mapped[list["AttemptQuestion"]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position"
    )

    @property
    def finished(self) -> bool:
        return self.status != "in_progress"


class AttemptQuestion(db.Model):
    """A drawn question, frozen: the version it showed, the option order, and the saved answer."""

    __tablename__ = "attempt_question"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"))
    position: Mapped[int]
    option_order: Mapped[list] = mapped_column(JSON)  # option ids in the order shown
    # {public key: option id}: the ids members see and send (contest/rounds/options.py).
    option_keys: Mapped[dict] = mapped_column(JSON)
    selected: Mapped[list | None] = mapped_column(JSON)  # option ids, None = not answered
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    version = relationship("QuestionVersion")

    def public_ids(self, option_ids) -> list[int]:
        """Real option ids -> the public keys a member sees (unknown ids are dropped)."""
        public = {option_id: int(key) for key, option_id in self.option_keys.items()}
        return [public[o] for o in option_ids if o in public]

    def option_id_of(self, key: int) -> int | None:
        """A public key -> the real option id, or None if it is not one of this question's."""
        return self.option_keys.get(str(key))


class ExtraTime(db.Model):
    """Extra time an organizer granted one member for one round (WCAG 2.2.1): added to the
    member's attempt deadlines, both the duration and the round's close. One per round and
    member: a new grant replaces the old one."""

    __tablename__ = "extra_time"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    seconds: Mapped[int]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
