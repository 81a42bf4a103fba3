"""Pure timing rules of a quiz attempt. The clock is the server's.

Every datetime passed in must be timezone-aware (UTC). Naive datetimes raise
ValueError instead of being guessed at: note that SQLite drops tzinfo, so values
read back from it must be re-attached to UTC before they reach these functions.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

__all__ = [
    "attempt_deadline",
    "accepts_writes",
    "is_overdue",
    "round_state",
    "seconds_left",
    "time_taken",
]


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be a timezone-aware datetime (UTC), got naive {value!r}")
    return value


def attempt_deadline(started_at: datetime, duration_seconds: int | None, closes_at: datetime,
                     extra_seconds: int = 0) -> datetime:
    """The earlier of start + duration and the round's close (no duration: the close). Extra
    time granted to the member (WCAG 2.2.1) is added to both: start + duration + extra, and
    the close + extra for that member. The one place an attempt's deadline is computed.

    >>> from datetime import timezone
    >>> start = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
    >>> close = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)
    >>> attempt_deadline(start, 1200, close).isoformat()  # 20 minutes
    '2026-12-07T03:20:00+00:00'
    >>> attempt_deadline(start, 1200, close, extra_seconds=600).isoformat()  # + 10 minutes
    '2026-12-07T03:30:00+00:00'
    >>> late = datetime(2026, 12, 7, 3, 50, tzinfo=timezone.utc)  # 10 minutes before the close
    >>> attempt_deadline(late, 1200, close).isoformat()  # cut by the close
    '2026-12-07T04:00:00+00:00'
    >>> attempt_deadline(late, 1200, close, extra_seconds=300).isoformat()  # the close + 5 min
    '2026-12-07T04:05:00+00:00'
    >>> attempt_deadline(start, None, close, extra_seconds=600).isoformat()  # no duration
    '2026-12-07T04:10:00+00:00'
    """
    _aware("started_at", started_at)
    _aware("closes_at", closes_at)
    if extra_seconds < 0:
        raise ValueError("extra_seconds must not be negative")
    extra = timedelta(seconds=extra_seconds)
    if duration_seconds is None:
        return closes_at + extra
    if duration_seconds < 0:
        raise ValueError("duration_seconds must not be negative")
    return min(started_at + timedelta(seconds=duration_seconds), closes_at) + extra


def accepts_writes(now: datetime, deadline: datetime, grace_seconds: int) -> bool:
    """True while now <= deadline + grace (the grace absorbs network delay)."""
    _aware("now", now)
    _aware("deadline", deadline)
    if grace_seconds < 0:
        raise ValueError("grace_seconds must not be negative")
    return now <= deadline + timedelta(seconds=grace_seconds)


def is_overdue(now: datetime, deadline: datetime, grace_seconds: int) -> bool:
    """True once nothing more may be saved: the attempt counts with what it has."""
    return not accepts_writes(now, deadline, grace_seconds)


def round_state(now: datetime, opens_at: datetime, closes_at: datetime) -> str:
    """"upcoming" before opens_at, "open" in [opens_at, closes_at), "closed" from closes_at on."""
    _aware("now", now)
    _aware("opens_at", opens_at)
    _aware("closes_at", closes_at)
    if now < opens_at:
        return "upcoming"
    if now < closes_at:
        return "open"
    return "closed"


def seconds_left(now: datetime, deadline: datetime) -> int:
    """Whole seconds until the deadline, rounded down, never negative (the grace is not shown)."""
    _aware("now", now)
    _aware("deadline", deadline)
    remaining = (deadline - now).total_seconds()
    return max(0, math.floor(remaining))


def time_taken(started_at: datetime, finished_at: datetime, deadline: datetime) -> float:
    """Seconds from start to finish, the finish clipped to the deadline.

    An attempt finished (or scored) after its deadline took exactly until its deadline.
    Never negative.
    """
    _aware("started_at", started_at)
    _aware("finished_at", finished_at)
    _aware("deadline", deadline)
    end = min(finished_at, deadline)
    return max(0.0, (end - started_at).total_seconds())
