"""Slowing down password guessing, per account, in storage shared by every worker and server.

The rule is a plain function (`wait_seconds`): the first FREE_FAILURES wrong passwords in a row
cost nothing; from then on each wrong password doubles the wait before the account's next try,
capped at MAX_WAIT. While an account is waiting, sign-in answers 429 without checking the
password; a correct password after the wait starts the count again. It is a delay, never a
lock-out: someone guessing at a member's account in the last hour of a round can make the member
wait minutes, not keep them out.

The count is kept per username (whether or not the account exists, so the answer tells nothing
about which names exist); a browser that has signed in to the account before carries a signed
"known device" cookie and is counted apart, so that someone guessing from elsewhere, even once
every few minutes for an hour, never makes the member wait on their own phone. Counts live in
Redis when REDIS_URL is set, else in this process (one worker). The time is
contest.clock.utcnow(), so tests travel in time. Every sign-in attempt is counted as a
failure BEFORE the password is checked (a compare-and-set on the count), and forgotten again when
the password is right: a burst of parallel guesses cannot slip past the count.
"""
import hashlib
import logging
import math
import threading
from dataclasses import dataclass

from flask import current_app, g, has_request_context

from contest.clock import utcnow

FREE_FAILURES = 5  # wrong passwords in a row that cost no wait
FIRST_WAIT = 2  # seconds, after the FREE_FAILURES-th wrong password
MAX_WAIT = 300  # seconds: "a few minutes", never longer
FORGET_AFTER = 24 * 3600  # a day after the last wrong password, the count starts again

log = logging.getLogger(__name__)


def wait_seconds(failures: int) -> int:
    """Seconds an account waits after `failures` wrong passwords in a row.

    >>> [wait_seconds(n) for n in (0, 1, 4)]
    [0, 0, 0]
    >>> [wait_seconds(n) for n in (5, 6, 7, 8, 9, 10, 11, 12)]
    [2, 4, 8, 16, 32, 64, 128, 256]
    >>> [wait_seconds(n) for n in (13, 14, 70, 10**9)]
    [300, 300, 300, 300]
    """
    if failures < FREE_FAILURES:
        return 0
    doublings = failures - FREE_FAILURES
    if doublings >= 16:  # 2 * 2**16 is far past the cap already
        return MAX_WAIT
    return min(MAX_WAIT, FIRST_WAIT * 2 ** doublings)


def effective_failures(failures: int, last_failure: float | None, now: float) -> int:
    """The count that still matters: none a day after the last wrong password.

    >>> effective_failures(9, 1000.0, 1000.0 + 3600)
    9
    >>> effective_failures(9, 1000.0, 1000.0 + FORGET_AFTER)
    0
    >>> effective_failures(0, None, 5.0)
    0
    """
    if not failures or last_failure is None or now - last_failure >= FORGET_AFTER:
        return 0
    return failures


def retry_after(failures: int, last_failure: float | None, now: float) -> int:
    """Whole seconds the account must still wait (0: it may try now), rounded up.

    Six wrong passwords, the last at t=100: the wait is 4 s, so at t=101.5 three seconds remain
    (2.5 rounded up), and from t=104 the account may try again.

    >>> retry_after(6, 100.0, 101.5), retry_after(6, 100.0, 104.0)
    (3, 0)
    >>> retry_after(4, 100.0, 100.0)  # still among the free failures
    0
    >>> retry_after(13, 100.0, 100.0 + 299), retry_after(13, 100.0, 100.0 + FORGET_AFTER)
    (1, 0)
    """
    failures = effective_failures(failures, last_failure, now)
    if failures == 0:
        return 0
    return max(0, math.ceil(last_failure + wait_seconds(failures) - now))


# --- storage: the count and the time of the last wrong password, per username ----------------


class MemoryStore:
    """One process's counts (no REDIS_URL): right for one worker, and for tests."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[int, float]] = {}

    def get(self, key: str) -> tuple[int, float | None]:
        with self._lock:
            return self._rows.get(key, (0, None))

    def claim(self, key: str, seen: int, new: int, now: float) -> bool:
        with self._lock:
            if self._rows.get(key, (0, None))[0] != seen:
                return False
            if len(self._rows) > 100_000:  # names tried at random: drop the forgotten ones
                self._rows = {k: v for k, v in self._rows.items() if now - v[1] < FORGET_AFTER}
            self._rows[key] = (new, now)
            return True

    def clear(self, key: str) -> None:
        with self._lock:
            self._rows.pop(key, None)

    def clear_all(self) -> None:
        with self._lock:
            self._rows.clear()


# Set the count to `new` only if it is still `seen` (another worker may have counted meanwhile).
_CLAIM = """
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if n ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[2], 't', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


class RedisStore:
    """Counts shared by every worker and server that use the same REDIS_URL."""

    prefix = "contest:login-failures:"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._claim = self.client.register_script(_CLAIM)

    def get(self, key: str) -> tuple[int, float | None]:
        row = self.client.hgetall(self.prefix + key)
        if not row:
            return 0, None
        return int(row[b"n"]), float(row[b"t"])

    def claim(self, key: str, seen: int, new: int, now: float) -> bool:
        return bool(self._claim(keys=[self.prefix + key], args=[seen, new, repr(now), FORGET_AFTER]))

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def clear_all(self) -> None:
        for name in self.client.scan_iter(self.prefix + "*"):
            self.client.delete(name)


def _stores(app) -> dict:
    stores = app.extensions.get("login_throttle")
    if stores is None:
        url = app.config.get("REDIS_URL")
        stores = {"shared": RedisStore(url) if url else None, "local": MemoryStore()}
        app.extensions["login_throttle"] = stores
    return stores


def _key(username: str, device: str | None = None) -> str:
    """One count per username; a browser that has signed in to it before (device) has its own."""
    return hashlib.sha256(f"{username}\0{device or ''}".encode()).hexdigest()


def _now() -> float:
    return utcnow().timestamp()


@dataclass
class Delayed(Exception):
    """The account is waiting: try again in `seconds`."""

    seconds: int


def _with_fallback(operation):
    """Run against Redis; if Redis does not answer, against this process's counts (logged), so a
    Redis outage slows nobody's sign-in down to an error page."""
    import redis

    stores = _stores(current_app._get_current_object())
    if stores["shared"] is not None:
        try:
            return operation(stores["shared"])
        except redis.RedisError:
            log.warning("REDIS_URL does not answer: counting sign-in failures in this process")
    return operation(stores["local"])


def begin_attempt(username: str, device: str | None = None) -> None:
    """Count one attempt at `username` as a failure, or raise Delayed while it must wait.
    `device` names a browser that signed in to this account before (a signed cookie): its
    attempts have their own count, so a stranger's guesses never delay the member there."""
    key = _key(username, device)

    def attempt(store):
        for _ in range(10):
            now = _now()
            stored, last = store.get(key)
            wait = retry_after(stored, last, now)
            if wait:
                if has_request_context():
                    g.account_retry_after = wait  # the Retry-After of the answer (see app.py)
                raise Delayed(wait)
            failures = effective_failures(stored, last, now)
            if store.claim(key, stored, failures + 1, now):
                return
        raise Delayed(1)  # ten workers counted at the same instant: this one waits a second

    _with_fallback(attempt)


def succeeded(username: str, device: str | None = None) -> None:
    """The password was right: the count (the account's, or this known browser's) starts again."""
    _with_fallback(lambda store: store.clear(_key(username, device)))


def forget_all(app) -> None:
    """Tests: start with no counts."""
    stores = _stores(app)
    stores["local"].clear_all()
    if stores["shared"] is not None:
        stores["shared"].clear_all()
