"""Writing rounds: per-round essay settings, entries with their originals, drafts, reference
texts and similarity flags.

Personal details live apart from what judges see: an ``Entry`` holds ``author_id`` (and the
original file in ``EntryFile``), while judges only ever get ``judge_view(entry)`` — the code,
title, extracted text and word count.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.essays.uploads import ALL_KINDS
from contest.extensions import db

PRIZES = ("first", "second", "third", "honorable")  # Nhất, Nhì, Ba, Khuyến khích
DEFAULT_KINDS = sorted(ALL_KINDS)  # every kind the uploads can read: ["docx", "pdf", "txt"]
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
DEFAULT_SIMILARITY_LIMIT = 0.20


class EssaySettings(db.Model):
    """What a writing round needs beyond the common round fields (one row per essay round)."""

    __tablename__ = "essay_settings"
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    allowed_kinds: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_KINDS))
    max_file_bytes: Mapped[int] = mapped_column(default=DEFAULT_MAX_FILE_BYTES)
    require_declaration: Mapped[bool] = mapped_column(default=True)
    declaration_text: Mapped[str | None] = mapped_column(Text)
    similarity_limit: Mapped[float] = mapped_column(default=DEFAULT_SIMILARITY_LIMIT)

    round = relationship("Round")


class Entry(db.Model):
    """A member's entry (bài dự thi). One per member per round: a second submission revises it."""

    __tablename__ = "essay_entry"
    __table_args__ = (UniqueConstraint("round_id", "author_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # số phách
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # normalized plain text, escaped when shown
    word_count: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(10), default="editor")  # editor | docx | pdf | txt
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)
    stage: Mapped[int] = mapped_column(default=1)  # the furthest stage the entry reached
    prize: Mapped[str | None] = mapped_column(String(12))
    # The author agreed, when submitting, that the entry may be published (the anthology's
    # public page) if it wins a prize. Off unless ticked.
    publish_consent: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    round = relationship("Round")
    author = relationship("User")
    files: Mapped[list["EntryFile"]] = relationship(
        back_populates="entry", order_by="EntryFile.id", cascade="all, delete-orphan")


class EntryFile(db.Model):
    """An uploaded original, kept in the database so every app server can read it.
    Never shown to judges: they get the extracted, sanitized text only."""

    __tablename__ = "essay_entry_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("essay_entry.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # sniffed from the content
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="files")


class EntryDraft(db.Model):
    """What a member is writing, saved as they type (before and between submissions)."""

    __tablename__ = "essay_draft"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An uploaded file waiting for the member to confirm the text read from it.
    upload_kind: Mapped[str | None] = mapped_column(String(10))
    upload_name: Mapped[str | None] = mapped_column(String(255))
    upload_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    upload_text: Mapped[str | None] = mapped_column(Text)


class ReferenceText(db.Model):
    """A known source organizers check entries against (a published article, last year's winners)."""

    __tablename__ = "essay_reference"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SimilarityFlag(db.Model):
    """A pair found too similar: two entries, or an entry and a reference text."""

    __tablename__ = "essay_similarity"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("essay_entry.id"), index=True)
    other_entry_id: Mapped[int | None] = mapped_column(ForeignKey("essay_entry.id"))
    reference_id: Mapped[int | None] = mapped_column(ForeignKey("essay_reference.id"))
    score: Mapped[float]
    passages: Mapped[list | None] = mapped_column(JSON)  # [[start_a, end_a, start_b, end_b], ...]
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry = relationship("Entry", foreign_keys=[entry_id])
    other_entry = relationship("Entry", foreign_keys=[other_entry_id])
    reference = relationship("ReferenceText")
