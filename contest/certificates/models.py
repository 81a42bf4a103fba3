"""A certificate per (round, member), and a contest's certificate settings."""
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.accounts.models import User
from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.extensions import db
from contest.rounds.models import Contest, Round


class Certificate(db.Model):
    """What was certified, as it was when issued: the name and unit are copied, so a later
    rename or move does not change a certificate already handed out."""
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_certificate_round_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # rules.new_code(): 120 random bits
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str | None] = mapped_column(String(300))
    prize: Mapped[str | None] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    round: Mapped[Round] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateSettings(db.Model):
    """A contest's certificate: its HTML template (None: the default one), who signs it, and the
    signature or seal image (PNG or JPEG, checked by content, at most 1 MB)."""
    __tablename__ = "certificate_settings"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), primary_key=True)
    template: Mapped[str | None] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_type: Mapped[str | None] = mapped_column(String(20))  # "image/png" | "image/jpeg"
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contest: Mapped[Contest] = relationship()


class CertificateBundle(db.Model):
    """Every valid certificate of a round in one PDF, built by the issuing job (2,000 take about
    a minute and a half: more than a request may). Stale once a certificate is issued or revoked
    after ``built_at``, or the contest's settings change (service.fresh_bundle)."""
    __tablename__ = "certificate_bundle"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    count: Mapped[int]
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
