"""The bearer token check, cached briefly in the shared cache (Redis with REDIS_URL).

Every API request asks "whose token is this?"; during a round that is every answer save, so the
answer is kept for TOKEN_CACHE_SECONDS under the token's digest: the token's id and its user's
columns (never the password hash), one cache read per request. The cached user is put back into
the request's session without SQL (merge, load=False), so the rest of the request sees an
ordinary User.

Revocation is honoured at once, not after the few seconds: whatever ends a token or changes a
user forgets the entries of the user's live tokens, before the commit and again after it (so a
request that read the old rows in between cannot keep them):
- a revoked token (DELETE /auth/token): forget_token();
- sign-out everywhere, deactivation, a password change or reset (end_all_sessions): forget_user();
- any other change of a user row through the ORM (role, locale, unit): the after_update event.
A bulk UPDATE of users by SQL (merging units) is seen within TOKEN_CACHE_SECONDS.
"""
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from contest.accounts.models import ApiToken, User
from contest.extensions import cache_forget, cache_get, cache_set, db

TOKEN_CACHE_SECONDS = 5
_PRIVATE = {"password_hash"}  # left unloaded: read from the database if ever needed


def token_key(digest: str) -> str:
    return f"api-token:{digest}"


def find_user(token: str) -> "tuple[ApiToken, User] | None":
    """ApiToken.find_user, through the cache."""
    digest = ApiToken.digest(token)
    entry = cache_get(token_key(digest))
    if entry is not None:
        token_id, columns = entry
        user = _attach(User, columns)
        return _attach(ApiToken, {"id": token_id, "user_id": user.id, "token_hash": digest,
                                  "revoked_at": None}), user
    found = ApiToken.find_user(token)
    if found is not None:
        row, user = found
        cache_set(token_key(digest), (row.id, _columns(user)), TOKEN_CACHE_SECONDS)
    return found


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs
            if attr.key not in _PRIVATE}


def _attach(cls, values: dict):
    """A persistent object built from cached columns, with no SQL (missing columns load lazily)."""
    obj = cls(**values)
    make_transient_to_detached(obj)
    return db.session.merge(obj, load=False)


def forget_token(token: ApiToken) -> None:
    _forget(db.session(), [token_key(token.token_hash)])


def forget_user(user_id: int, session=None, connection=None) -> None:
    """Forget every live token of the user (call it before revoking them)."""
    session = session or db.session()
    statement = select(ApiToken.token_hash).where(ApiToken.user_id == user_id,
                                                  ApiToken.revoked_at.is_(None))
    hashes = (connection or session).execute(statement).scalars().all()
    _forget(session, [token_key(h) for h in hashes])


def _forget(session, keys: list[str]) -> None:
    if keys:
        cache_forget(*keys)
        session.info.setdefault("forget_after_commit", set()).update(keys)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session):
    keys = session.info.pop("forget_after_commit", None)
    if keys:
        cache_forget(*sorted(keys))


@event.listens_for(User, "after_update")
def _user_changed(mapper, connection, target):
    forget_user(target.id, Session.object_session(target), connection)
