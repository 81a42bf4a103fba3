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

The counting is the ``limits`` library's (the engine under Flask-Limiter, which sign-in already
uses): its ``FixedWindowRateLimiter`` over its ``MemoryStorage`` or ``RedisStorage``. A window
starts at the first request it counts and lasts the limit's length (the library's fixed window,
on the real time: tests reset the counts with ``forget_all`` or use a window of a second or
two); one counter per (action, who), so a hit is one INCR (with its EXPIRE, in one script).
A fixed window lets a client reach twice the limit across a window's edge; for a guard against
scripts that is fine. Retry-After is the time left until the refusing counter's window ends
(``get_window_stats``).

A refused request counts against nobody else: the user's limit is hit first, and when it
refuses the address is not counted (one member's runaway script at a school does not spend the
school's address for the others); when the address refuses, the user's hit is given back
(a hit of cost -1). The counter that refused may run past its amount, which only keeps refusing
until its window ends, as it would anyway. So a check that passes is two round trips to Redis
(one per counter; the old hand-written pipeline was one); a refusal three when the user's limit
refuses (its hit, then the window's count and end), five when the address's does.

Where the counts live:
- ``shared`` actions: Redis when REDIS_URL is set (every worker and server counts together,
  keys under ``REDIS_PREFIX``), else this process. When Redis does not answer, this process
  counts instead (logged), so an outage refuses nobody for that reason.
- ``save`` is counted in this process only, never in Redis: an answer save is the hot path of a
  round (issue 10: "no limiter storage round trip that could be local"). Measured on the 2-core
  machine (busy: load average 9; timeit of 2,000 check() calls in a request context): the whole
  check, both counters, 11-25 µs in the process (the hand-written counters it replaced: 7-11 µs)
  against 220-340 µs in Redis on loopback (two round trips; the old single pipeline 130-150 µs;
  more across a network), on every save of every member, where a save costs ~7 ms of one thread
  (bench/README.md): 3-5 % more per save, for nothing the process cannot do. The library's
  MemoryStorage drops passed windows in a timer thread that walks every key at most once per
  10 ms while hits come; at 500 hits a second that cost no measurable CPU with 1,000 keys, 4 %
  of a core with 10,000 and 22 % with 40,000 (two keys per member saving in that minute:
  bench/quiz_load.py runs 400 members). A process holds only the keys of the saves it served in
  the window, so they are bounded by its own rate: ~100 saves a second at most (bench/README.md)
  is ~6,000 saves a minute, ≤ 12,000 keys, whatever the size of the round behind a load balancer.
  The price of counting per process: behind N worker
  processes a member's saves are counted per process, so one member may reach at most N × the
  limit. That is still a bound (a runaway script at 1,000 saves a second is cut to N × 2 a
  second), and a save is idempotent (it overwrites one answer), so the looser bound costs
  nothing else.
"""
import logging
import math
import time
from functools import lru_cache, wraps

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter

from contest.errors import Refusal

log = logging.getLogger(__name__)

ACTIONS = ("register", "save", "submit", "upload", "export")
LOCAL_ONLY = {"save"}  # counted in the process: see the module's docstring
REDIS_PREFIX = "contest-ratelimit"  # not Flask-Limiter's "LIMITS": forget_all leaves sign-in's counts alone


@lru_cache(maxsize=64)  # parsed once per setting, not on every save
def limit_of(text: str | None) -> RateLimitItem | None:
    """("120 per minute") → the library's limit: an amount in a window of so many seconds.

    >>> [(item.amount, item.get_expiry()) for item in map(limit_of, ("120 per minute", "30/hour", "5 per 10 seconds"))]
    [(120, 60), (30, 3600), (5, 10)]
    >>> limit_of(None) is None
    True
    """
    if not text:
        return None
    return parse(text)


def seconds_until(reset: float, now: float) -> int:
    """Whole seconds from `now` until a window ends at `reset` (at least 1): what Retry-After says.

    >>> seconds_until(180.0, 120.0), seconds_until(180.0, 150.5), seconds_until(180.0, 179.2), seconds_until(180.0, 181)
    (60, 30, 1, 1)
    """
    return max(1, math.ceil(reset - now))


# --- storage: the library's, one limiter per place the counts live ------------------------------


def _limiters(app) -> dict:
    limiters = app.extensions.get("ratelimit")
    if limiters is None:
        url = app.config.get("REDIS_URL")
        shared = None
        if url:
            shared = FixedWindowRateLimiter(RedisStorage(url, key_prefix=REDIS_PREFIX,
                                                         socket_timeout=1, socket_connect_timeout=1))
        limiters = {"shared": shared, "local": FixedWindowRateLimiter(MemoryStorage())}
        app.extensions["ratelimit"] = limiters
    return limiters


def hit_all(limiter, counters: list[tuple[RateLimitItem, str, str]]) -> int:
    """Count one request on each (limit, action, who) in order, stopping at the first that refuses;
    0 when all took it, else the seconds until the refusing window ends (the others given back)."""
    taken = []
    for item, action, who in counters:
        if not limiter.hit(item, action, who):
            for done in taken:
                limiter.hit(*done, cost=-1)  # a refused request counts against nobody else
            return seconds_until(limiter.get_window_stats(item, action, who).reset_time, time.time())
        taken.append((item, action, who))
    return 0


def _check(action: str, counters: list[tuple[RateLimitItem, str, str]]) -> int:
    import redis

    limiters = _limiters(current_app._get_current_object())
    if action not in LOCAL_ONLY and limiters["shared"] is not None:
        try:
            return hit_all(limiters["shared"], counters)
        except redis.RedisError:
            log.warning("REDIS_URL does not answer: counting rate limits in this process")
    return hit_all(limiters["local"], counters)


def forget_all(app) -> None:
    """Tests: start with no counts."""
    limiters = _limiters(app)
    limiters["local"].storage.reset()
    if limiters["shared"] is not None:
        limiters["shared"].storage.reset()


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
    """Count one `action` for the caller (user, then address); refuse it over either limit."""
    limits = current_app.config.get("RATE_LIMITS", {}).get(action)
    if not limits or not has_request_context():
        return
    per_user, per_address = limits
    if user_id is None:
        user_id = _user_id()
    counters = []
    for who, text in ((f"u{user_id}" if user_id is not None else None, per_user),
                      (f"a{request.remote_addr or '-'}", per_address)):
        item = limit_of(text)
        if who is not None and item is not None:
            counters.append((item, action, who))
    if not counters:
        return
    wait = _check(action, counters)
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
