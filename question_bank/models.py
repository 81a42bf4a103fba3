"""Topics, questions and their versions.

A question's wording, kind and options live in an immutable-once-used QuestionVersion; an
attempt records the version it drew, so editing the bank never changes a past attempt.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime, fold
from contest.extensions import db

KINDS = ("single", "multiple", "true_false")
STATUSES = ("draft", "approved", "retired")


class Topic(db.Model):
    __tablename__ = "topic"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Topic | None"] = relationship(remote_side=[id])


class Question(db.Model):
    __tablename__ = "question"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    difficulty: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(String(200))
    source_note: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # Folded text of the current version (no diacritics, lower case) for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    topic: Mapped[Topic | None] = relationship()
    current: Mapped["QuestionVersion | None"] = relationship(foreign_keys=[current_version_id], post_update=True)
    versions: Mapped[list["QuestionVersion"]] = relationship(
        back_populates="question", foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number",
    )

    def refresh_search_text(self) -> None:
        version = self.current
        parts = [version.text if version else "", self.title or ""]
        if version:
            parts += [o.text for o in version.options]
        self.search_text = fold(" ".join(parts))


class QuestionVersion(db.Model):
    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])
    options: Mapped[list["Option"]] = relationship(
        back_populates="version", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def correct_ids(self) -> frozenset[int]:
        return frozenset(o.id for o in self.options if o.is_correct)


class Option(db.Model):
    __tablename__ = "question_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)

    version: Mapped[QuestionVersion] = relationship(back_populates="options")
