"""Creating users and checking credentials; shared by pages, API and CLI."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contest.accounts.models import User
from contest.accounts.rules import hash_password, normalize_username, verify_password
from contest.dbtypes import nfc
from contest.extensions import db

# A hash of a random password, verified when the username does not exist, so that a wrong
# username takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


class UsernameTaken(Exception):
    pass


def create_user(username, password, full_name, role="member", unit_id=None, email=None,
                phone=None, date_of_birth=None, locale=None) -> User:
    user = User(username=normalize_username(username), password_hash=hash_password(password),
                full_name=nfc(full_name), role=role, unit_id=unit_id,
                email=(email or None) and email.strip().lower(), phone=phone or None,
                date_of_birth=date_of_birth, locale=locale)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise UsernameTaken(username)
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.execute(
        select(User).where(User.username == normalize_username(username))
    ).scalar_one_or_none()
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not user.active or not verify_password(user.password_hash, password or ""):
        return None
    return user


def username_exists(username: str) -> bool:
    return db.session.execute(
        select(User.id).where(User.username == normalize_username(username))
    ).first() is not None
