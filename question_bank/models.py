"""Topics, questions and their versions.

A question's wording, kind and options live in an immutable-once-used QuestionVersion; an
attempt records the version it drew, so editing the bank never changes a past attempt.
"""
import unicodedata
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime, fold
from contest.extensions import db

STATUSES = ("draft", "approved", "retired")


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_topic_name(name: str | None) -> str:
    """A topic name as stored: NFC, invisible characters (zero-width spaces, BOM, soft hyphen)
    removed, every run of whitespace one space, no space at either end."""
    name = unicodedata.normalize("NFC", name or "").translate(_INVISIBLE)
    return " ".join(name.split())


def topic_key(name: str | None) -> str:
    """The key two topic names are the same by: the clean name (``clean_topic_name``),
    case-folded, NFC again.  Diacritics count ("Bác" is not "Bạc").

    "Đạo đức Hồ Chí Minh", "  đạo đức  hồ chí minh ", "ĐẠO ĐỨC HỒ CHÍ MINH" and the same
    letters typed with combining marks (NFD) all give "đạo đức hồ chí minh".
    """
    return unicodedata.normalize("NFC", clean_topic_name(name).casefold())


class Topic(db.Model):
    """A topic of the bank.  Under one parent (or at the top level) no two topics have the
    same ``name_key`` (``topic_key`` of the name), so an import or a form finds the existing
    topic instead of making a second one."""

    __tablename__ = "topic"
    __table_args__ = (
        Index("uq_topic_parent_name_key", "parent_id", "name_key", unique=True),
        Index("uq_topic_top_name_key", "name_key", unique=True,
              sqlite_where=text("parent_id IS NULL"), postgresql_where=text("parent_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(600))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Topic | None"] = relationship(remote_side=[id])

    @validates("name")
    def _clean_name(self, _attribute, name):
        name = clean_topic_name(name)
        self.name_key = topic_key(name)
        return name


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
