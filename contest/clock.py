"""The one way to read "now". Tests set app.config["CLOCK"] to travel in time."""
from datetime import datetime, timezone

from flask import current_app, has_app_context


def utcnow() -> datetime:
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return datetime.now(timezone.utc)


class FrozenClock:
    """A clock for tests: stands still until moved."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> datetime:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at
