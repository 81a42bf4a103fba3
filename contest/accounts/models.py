"""Users, roles, units, sign-in sessions and API tokens."""
import hashlib
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from contest.clock import utcnow
from contest.dbtypes import UTCDateTime
from contest.extensions import db

ROLES = ("member", "judge", "organizer", "admin")


class Unit(db.Model):
    """An organization unit (đơn vị): committees contain cells, to any depth."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")

    def path_name(self) -> str:
        names, unit, seen = [], self, set()
        while unit is not None and unit.id not in seen:
            seen.add(unit.id)
            names.append(unit.name)
            unit = unit.parent
        return " › ".join(reversed(names))


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    date_of_birth: Mapped[date | None]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    # Registered themselves where the unit's settings ask for approval: inactive until an
    # organizer approves (registration.py); the sign-in says so instead of "wrong password".
    pending: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Set by an import or a reset: the password was handed out by an organizer, so the member
    # must choose their own before anything else (pages redirect, the API answers 403).
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A temporary password (reset) works until then; None for a password the user chose.
    password_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # fold(full name + username): searching without diacritics ("nguyen van" finds "Nguyễn Văn").
    search_text: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The address a self-registration came from (organizers see many accounts from one address
    # as a flag, contest/rounds/flags.py); None for accounts made by organizers or imports.
    registered_from: Mapped[str | None] = mapped_column(String(45))

    unit: Mapped[Unit | None] = relationship()

    # The key of the sign-in session this object was loaded for (never stored: only its hash is).
    session_key = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session cookie and the remember-me cookie: it names the
        user AND the server-side sign-in session, so ending that row ends every copy of both."""
        if not self.session_key:
            raise RuntimeError("sign in through accounts.service.start_session()")
        return f"{self.id}:{self.session_key}"

    # UserMixin compares get_id(); the same account is the same user whichever session loaded it.
    __hash__ = object.__hash__

    def __eq__(self, other):
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_organizer(self) -> bool:
        return self.role in ("organizer", "admin")

    @property
    def is_judge(self) -> bool:
        return self.role == "judge"

    def has_role(self, *roles: str) -> bool:
        if self.role == "admin":
            return True
        if "organizer" in roles and self.role == "organizer":
            return True
        return self.role in roles


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LoginSession(db.Model):
    """One sign-in in one browser. The browser's cookies carry a random key; only its SHA-256 is
    stored. Signing out deletes the row, so a copy of the cookies kept from before signs in no more."""

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def digest(key: str) -> str:
        return _digest(key)

    @classmethod
    def open(cls, user: User) -> "LoginSession":
        key = secrets.token_urlsafe(32)
        row = cls(user_id=user.id, key_hash=cls.digest(key))
        db.session.add(row)
        user.session_key = key
        return row

    @classmethod
    def find_user(cls, flask_login_id: str, not_before: datetime | None = None) -> User | None:
        """The active user of the session named by "<user id>:<key>", in one query; None for an
        ended session, one opened before `not_before` (older than the remember-me cookie may
        live), an unknown user, or an id in another shape (e.g. from before sessions)."""
        user_id, sep, key = (flask_login_id or "").partition(":")
        if not sep or not key or not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18:
            return None
        statement = (select(User).join(cls, cls.user_id == User.id)
                     .where(User.id == int(user_id), cls.key_hash == cls.digest(key), User.active.is_(True)))
        if not_before is not None:
            statement = statement.where(cls.created_at >= not_before)
        user = db.session.execute(statement).scalar_one_or_none()
        if user is not None:
            user.session_key = key
        return user


class ApiToken(db.Model):
    """A bearer token for the API. Only its SHA-256 is stored; revoking sets revoked_at."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(token: str) -> str:
        return _digest(token)

    @classmethod
    def issue(cls, user: User) -> tuple["ApiToken", str]:
        token = secrets.token_urlsafe(32)
        row = cls(user_id=user.id, token_hash=cls.digest(token))
        db.session.add(row)
        return row, token

    @classmethod
    def find_user(cls, token: str) -> "tuple[ApiToken, User] | None":
        row = db.session.execute(
            select(cls).options(joinedload(cls.user, innerjoin=True))
            .where(cls.token_hash == cls.digest(token), cls.revoked_at.is_(None))
        ).scalar_one_or_none()
        if row is None or not row.user.active:
            return None
        return row, row.user



class RegistrationSetting(db.Model):
    """How members may register themselves into a unit's subtree (registration.py); the row with
    no unit is the platform's (for registering without a unit, and the default of every unit)."""

    __tablename__ = "registration_setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), unique=True)
    open: Mapped[bool] = mapped_column(default=True)
    unit_required: Mapped[bool] = mapped_column(default=True)
    code_required: Mapped[bool] = mapped_column(default=False)
    approval_required: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RegistrationCode(db.Model):
    """A unit's invitation code, printed on the notice sent to it. Kept in the clear: organizers
    print and download the list again whenever they need it, and a code only lets someone ask to
    join that unit (registration closes it, approval checks it, regenerating replaces it)."""

    __tablename__ = "registration_code"
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
