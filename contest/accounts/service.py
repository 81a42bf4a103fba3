"""Creating users, checking credentials and sign-in sessions; shared by pages, API and CLI."""
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from contest.accounts import throttle, token_cache
from contest.accounts.models import ApiToken, LoginSession, User
from contest.accounts.rules import hash_password, normalize_username, password_weakness, verify_password
from contest.clock import utcnow
from contest.audit.service import record
from contest.dbtypes import fold, nfc
from contest.extensions import db

# A hash of a random password, verified when the username does not exist, so that a wrong
# username takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")

SignInDelayed = throttle.Delayed  # raised by authenticate() while the account must wait


class UsernameTaken(Exception):
    pass


class WrongPassword(Exception):
    """The current password given to change it is not the account's."""


class SignInRefused(Exception):
    """The password is right but the account cannot sign in now; `message` says why in words
    the member can act on (only ever told to someone who knows the password)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AccountPending(SignInRefused):
    """A self-registration that waits for an organizer's approval."""


class PasswordExpired(SignInRefused):
    """A temporary password (from a reset) past its time."""


class WeakPassword(Exception):
    """The new password would be refused at registration too; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def create_user(username, password, full_name, role="member", unit_id=None, email=None,
                phone=None, date_of_birth=None, locale=None) -> User:
    user = User(username=normalize_username(username), password_hash=hash_password(password),
                full_name=nfc(full_name), role=role, unit_id=unit_id,
                search_text=search_text(full_name, username),
                email=(email or None) and email.strip().lower(), phone=phone or None,
                date_of_birth=date_of_birth, locale=locale)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the username was taken meanwhile: the request is refused
        db.session.rollback()
        raise UsernameTaken(username)
    return user  # flushed; the caller commits (with what goes with it: a judge's panel seat)


def search_text(full_name: str, username: str) -> str:
    """What the members' search matches: "Nguyễn Văn Đức" "duc.nv" -> "nguyen van duc duc.nv"."""
    return fold(f"{nfc(full_name) or ''} {normalize_username(username)}")[:300]


def record_role_granted(user: User) -> None:
    """An organizer or admin created this account with its role: ``user.role`` in the audit log
    (a member registering themselves is no one's decision, and is not recorded)."""
    record("user.role", "user", user.id, before={"role": None},
           after={"role": user.role, "username": user.username})


def password_problem(password: str, username: str, full_name: str | None = None) -> str | None:
    """What is wrong with a new password, in words the user can act on; None if it will do.
    Every place a password is chosen asks this (pages, API, CLI); the demo accounts do not."""
    weakness = password_weakness(password or "", normalize_username(username), [full_name])
    if weakness == "username":
        return _("The password must not contain your username. Choose one that has nothing to do with your name.")
    if weakness == "guessable":
        return _("This password is too common and easy to guess. Choose a longer one, for example a few "
                 "unrelated words with a digit or a sign.")
    return None


def delay_message(seconds: int) -> str:
    """ "Please wait 3 min" for a wait of 121-180 seconds; "45 s" under a minute."""
    if seconds < 60:
        wait = _("%(s)s s", s=seconds)
    else:
        wait = _("%(m)s min", m=-(-seconds // 60))
    return _("Too many wrong passwords for this account. Please wait %(wait)s, then try again.", wait=wait)


def authenticate(username: str, password: str, device: str | None = None) -> User | None:
    """The user if the password is right, else None; AccountPending or PasswordExpired (after
    the right password only) when the account cannot sign in yet or any more. Raises SignInDelayed, without checking the
    password, while the account waits after too many wrong passwords (see throttle.py); `device`
    (from known_device()) counts this browser's attempts apart from everyone else's."""
    name = normalize_username(username)
    throttle.begin_attempt(name, device)
    user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if user.pending and not user.active:
        throttle.succeeded(name, device)
        raise AccountPending(_("Your account is waiting for approval. An organizer of your unit will "
                               "approve it; you can sign in after that."))
    if not user.active:
        return None
    if user.password_expires_at is not None and user.password_expires_at <= utcnow():
        throttle.succeeded(name, device)
        raise PasswordExpired(_("Your temporary password has expired. Ask your organizer for a new one."))
    throttle.succeeded(name, device)
    return user


# --- known devices: a browser that has signed in to an account before ------------------------

KNOWN_DEVICE_COOKIE = "known_device"


def _device_signer():
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def known_device_cookie(user: User) -> str:
    """The cookie a browser gets when it signs in: names the account and a random device id.
    It signs no one in; it only keeps this browser's sign-in count apart (see throttle.py)."""
    import secrets

    return _device_signer().dumps({"u": user.username, "d": secrets.token_urlsafe(12)})


def known_device(cookie: str | None, username: str) -> str | None:
    """The device id if `cookie` is a known-device cookie of this username, else None."""
    from itsdangerous import BadData

    if not cookie:
        return None
    try:
        value = _device_signer().loads(cookie)
    except BadData:
        return None
    if not isinstance(value, dict) or value.get("u") != normalize_username(username):
        return None
    device = value.get("d")
    return device if isinstance(device, str) and device else None


def username_exists(username: str) -> bool:
    return db.session.execute(
        select(User.id).where(User.username == normalize_username(username))
    ).first() is not None


# --- sign-in sessions (see LoginSession) -----------------------------------------------------


def start_session(user: User) -> LoginSession:
    """A new server-side session for a sign-in; call before flask_login.login_user(user).
    The user's sessions too old to be used any more are cleared away at the same time."""
    from flask import current_app

    too_old = utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                  LoginSession.created_at < too_old))
    row = LoginSession.open(user)
    db.session.flush()
    return row


def end_session(user: User) -> None:
    """Sign-out: the session this user object was loaded for ends, in every copy of its cookies."""
    if user.session_key:
        db.session.execute(delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.key_hash == LoginSession.digest(user.session_key)))


def change_password(user: User, current_password: str, new_password: str, *, device: str | None = None,
                    keep_token: ApiToken | None = None) -> None:
    """A user's own password change. The current password is checked (counted like a sign-in,
    so it cannot be guessed through this form either: SignInDelayed while the account waits),
    the new one must pass the same check as at registration; then every other sign-in session
    and every API token of the user ends — all but the one that asked: `keep_token` when the
    API asked with that token, else this browser's session (the user object's session key).
    Flushes; the caller commits.

    Raises WrongPassword, WeakPassword or SignInDelayed, changing nothing."""
    throttle.begin_attempt(user.username, device)
    if not verify_password(user.password_hash, current_password or ""):
        raise WrongPassword()
    throttle.succeeded(user.username, device)
    problem = password_problem(new_password or "", user.username, user.full_name)
    if problem:
        raise WeakPassword(problem)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.password_expires_at = None
    end_all_sessions(user, api_tokens=True, keep_current=keep_token is None, keep_token=keep_token)
    db.session.flush()


def end_all_sessions(user: User, api_tokens: bool = False, keep_current: bool = False,
                     keep_token: ApiToken | None = None) -> int:
    """Every sign-in of the user ends (all browsers, all devices), and with api_tokens=True every
    API token too. A password change calls end_all_sessions(user, api_tokens=True,
    keep_current=True): the browser that changed it stays signed in. Returns the sessions ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_current and user.session_key:
        statement = statement.where(LoginSession.key_hash != LoginSession.digest(user.session_key))
    ended = db.session.execute(statement).rowcount
    if api_tokens:
        token_cache.forget_user(user.id)  # the very next request with one of them is refused
        tokens = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        if keep_token is not None:
            tokens = tokens.where(ApiToken.id != keep_token.id)
        db.session.execute(tokens.values(revoked_at=utcnow()))
    return ended
