"""Rate limits on what a script could repeat: registration, answer saves, submits, uploads,
exports and report downloads (issue 10, point 7), per user and per address.

Sign-in has its own, older guards: Flask-Limiter's per-address LOGIN_RATE_LIMIT and the
per-account throttle (contest/accounts/throttle.py). This module is the rest.

Each action has two limits in ``app.config["RATE_LIMITS"]`` (contest/config.py), written as
Flask-Limiter writes them ("120 per minute"): one per signed-in user, one per address (the
client's address, ``request.remote_addr``; set PROXY_COUNT behind a reverse proxy); ``None`` is
no limit of that kind. A request over either is refused with ``Refusal("rate_limited", 429)``,
``Retry-After`` and "Bạn thao tác quá nhanh. Vui lòng thử lại sau N giây." (the API's envelope;
pages show the message on the error page).

Windows are fixed (aligned on multiples of their length, on contest.clock so tests travel in
time): one counter per (action, who, window), so a check is one INCR. A fixed window lets a
client reach twice the limit across a window's edge; for a guard against scripts that is fine.

Where the counts live:
- ``shared`` actions: Redis when REDIS_URL is set (every worker and server counts together:
  one round trip, pipelined INCR + EXPIRE for the user's and the address's counters), else
  this process. When Redis does not answer,
  this process counts instead (logged), so an outage refuses nobody for that reason.
- ``save`` is counted in this process only, never in Redis: an answer save is the hot path of a
  round (issue 10: "no limiter storage round trip that could be local"). Measured on the 2-core
  machine (busy with other work; timeit of check() in a request context): the whole check, both
  counters, 11-16 µs in the process against 230-520 µs in Redis on loopback (one pipelined round
  trip; more across a network), on every save of every member, where a save costs ~7 ms of one
  thread (bench/README.md): 3-7 % more per save, for nothing the process cannot do. The price: behind N worker processes a member's
  saves are counted per process, so one member may reach at most N × the limit. That is still
  a bound (a runaway script at 1,000 saves a second is cut to N × 2 a second), and a save is
  idempotent (it overwrites one answer), so the looser bound costs nothing else.
"""
import logging
import math
import threading
from functools import lru_cache, wraps

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from limits import parse

from contest.clock import utcnow
from contest.errors import Refusal

log = logging.getLogger(__name__)

ACTIONS = ("register", "save", "submit", "upload", "export")
LOCAL_ONLY = {"save"}  # counted in the process: see the module's docstring


def window_of(now: float, seconds: int) -> int:
    """The number of the fixed window `now` falls in (windows start at multiples of `seconds`).

    >>> window_of(0, 60), window_of(59.9, 60), window_of(60, 60), window_of(3601, 3600)
    (0, 0, 1, 1)
    """
    return int(now // seconds)


def retry_after(now: float, seconds: int) -> int:
    """Whole seconds until the window `now` falls in ends (at least 1): what Retry-After says.

    >>> retry_after(120.0, 60), retry_after(150.5, 60), retry_after(179.2, 60)
    (60, 30, 1)
    """
    return max(1, math.ceil((window_of(now, seconds) + 1) * seconds - now))


def over(count: int, amount: int) -> bool:
    """The `count`-th request of a window is refused when it passes `amount`.

    >>> [over(n, 3) for n in (1, 2, 3, 4, 5)]
    [False, False, False, True, True]
    """
    return count > amount


@lru_cache(maxsize=64)  # parsed once per setting, not on every save
def limit_of(text: str | None) -> tuple[int, int] | None:
    """("120 per minute") → (120, 60): the amount and the window's length in seconds.

    >>> limit_of("120 per minute"), limit_of("30/hour"), limit_of("5 per 10 seconds"), limit_of(None)
    ((120, 60), (30, 3600), (5, 10), None)
    """
    if not text:
        return None
    item = parse(text)
    return item.amount, item.get_expiry()


# --- storage: one counter per (action, who, window) -------------------------------------------


class MemoryCounts:
    """This process's counts (no REDIS_URL, the saves, and a Redis outage)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window, count)

    def hit(self, counters: list[tuple[str, int, int]]) -> list[int]:
        """Count one more in each (key, window, seconds); the counts after it."""
        counts = []
        with self._lock:
            for key, window, _seconds in counters:
                seen, count = self._counts.get(key, (window, 0))
                count = count + 1 if seen == window else 1
                if len(self._counts) > 200_000:  # many addresses: drop the windows that have passed
                    self._counts = {k: v for k, v in self._counts.items() if v[0] >= window}
                    if len(self._counts) > 100_000:  # still: start afresh rather than sweep on every hit
                        self._counts = {}
                self._counts[key] = (window, count)
                counts.append(count)
        return counts

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisCounts:
    """Counts shared by every worker and server on the same REDIS_URL."""

    prefix = "contest:ratelimit:"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def hit(self, counters: list[tuple[str, int, int]]) -> list[int]:
        pipe = self.client.pipeline(transaction=False)  # one round trip for all the counters
        for key, window, seconds in counters:
            name = f"{self.prefix}{key}:{window}"
            pipe.incr(name)
            pipe.expire(name, seconds + 1)
        return [int(count) for count in pipe.execute()[::2]]

    def clear(self) -> None:
        for name in self.client.scan_iter(self.prefix + "*"):
            self.client.delete(name)


def _stores(app) -> dict:
    stores = app.extensions.get("ratelimit")
    if stores is None:
        url = app.config.get("REDIS_URL")
        stores = {"shared": RedisCounts(url) if url else None, "local": MemoryCounts()}
        app.extensions["ratelimit"] = stores
    return stores


def _hit(action: str, counters: list[tuple[str, int, int]]) -> list[int]:
    import redis

    stores = _stores(current_app._get_current_object())
    if action not in LOCAL_ONLY and stores["shared"] is not None:
        try:
            return stores["shared"].hit(counters)
        except redis.RedisError:
            log.warning("REDIS_URL does not answer: counting rate limits in this process")
    return stores["local"].hit(counters)


def forget_all(app) -> None:
    """Tests: start with no counts."""
    stores = _stores(app)
    stores["local"].clear()
    if stores["shared"] is not None:
        stores["shared"].clear()


# --- the check ---------------------------------------------------------------------------------


def message(seconds: int):
    """What a user reads, in their language, when refused for going too fast."""
    if seconds <= 90:
        return _l("You are going too fast. Please try again in %(seconds)s seconds.", seconds=seconds)
    return _l("You are going too fast. Please try again in %(minutes)s minutes.", minutes=-(-seconds // 60))


def _user_id():
    """The signed-in caller: the API's (bearer token or the page's session), else the page's."""
    if request.path.startswith("/api/"):
        user = g.get("api_user")
        return user.id if user is not None else None
    return current_user.id if current_user.is_authenticated else None


def check(action: str, user_id=None) -> None:
    """Count one `action` for the caller (user and address); refuse it over either limit."""
    limits = current_app.config.get("RATE_LIMITS", {}).get(action)
    if not limits or not has_request_context():
        return
    per_user, per_address = limits
    if user_id is None:
        user_id = _user_id()
    now = utcnow().timestamp()
    counters, limits = [], []
    for who, text in ((f"u{user_id}" if user_id is not None else None, per_user),
                      (f"a{request.remote_addr or '-'}", per_address)):
        limit = limit_of(text)
        if who is not None and limit is not None:
            counters.append((f"{action}:{who}", window_of(now, limit[1]), limit[1]))
            limits.append(limit)
    if not counters:
        return
    wait = max((retry_after(now, seconds) for (amount, seconds), count in zip(limits, _hit(action, counters))
                if over(count, amount)), default=0)
    if wait:
        raise Refusal("rate_limited", 429, message(wait), headers={"Retry-After": str(wait)})


def limited(action: str, methods=None):
    """A view counted as `action` (placed right above the ``def``, below the role check, so the
    user is known); `methods` counts only those (a form's POST, not the GET that shows it). The
    API's OpenAPI document lists the 429 it may answer."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if methods is None or request.method in methods:
                check(action)
            return view(*args, **kwargs)

        wrapper._api_errors = {**getattr(view, "_api_errors", {}),
                               429: "`rate_limited`: too many requests from this user or address (Retry-After)"}
        return wrapper

    return decorator
