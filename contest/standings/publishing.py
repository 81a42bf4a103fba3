"""Publishing a round's results: the one rule that says whether a round may be published, and why not.

Results are published only once nothing can change them any more:

- a quiz round once it has closed *and* its grace has passed — until then an attempt started
  before the close still accepts its last answers and its prediction, so ranks (and the true
  number the predictions are measured against) are not known;
- a writing round once it has closed and every assigned score sheet of its current stage is
  submitted — publishing earlier would show authors to judges who have not finished.

Until then nobody but the organizers sees anyone else's score or prediction. The API
(``PATCH /api/v1/rounds/{id}``), the quiz leaderboard page and the writing results page all ask
``refusal(round_)`` and, when it answers, refuse with its code and change nothing.

The rule itself is ``publish_refusal``: values in, a ``Refusal`` (or None) out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from flask_babel import gettext as _

from contest import errors
from contest.audit.service import record
from contest.clock import utcnow
from contest.extensions import db
from contest.judging.service import codes_missing_sheets
from contest.judging.settings import settings_for
from contest.rounds.service import close_for_everyone

ROUND_OPEN = "round_open"
JUDGING_INCOMPLETE = "judging_incomplete"


@dataclass(frozen=True)
class Refusal:
    """Why a round's results may not be published yet."""

    code: str  # ROUND_OPEN or JUDGING_INCOMPLETE
    missing_codes: tuple[str, ...] = ()  # writing rounds: entries (số phách) still missing a sheet


def results_final_at(kind: str, closes_at: datetime, grace_seconds: int | None) -> datetime:
    """The moment a round's results stop changing.

    A quiz round: its close plus the grace, during which answers sent just before the close are
    still accepted (``timing.accepts_writes``). A writing round takes nothing after its close.

    >>> from datetime import timezone
    >>> close = datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc)
    >>> results_final_at("quiz", close, 10).isoformat()
    '2026-12-14T02:00:10+00:00'
    >>> results_final_at("essay", close, 10) == close
    True
    """
    if kind == "quiz":
        return closes_at + timedelta(seconds=grace_seconds or 0)
    return closes_at


def is_final(kind: str, now: datetime, closes_at: datetime, grace_seconds: int | None) -> bool:
    """True once the round has closed and nothing more can arrive (strictly after the grace:
    ``accepts_writes`` still takes a save at exactly close + grace)."""
    final_at = results_final_at(kind, closes_at, grace_seconds)
    return now > final_at if kind == "quiz" else now >= final_at


def publish_refusal(*, kind: str, now: datetime, closes_at: datetime, grace_seconds: int | None = 0,
                    missing_codes: Iterable[str] = ()) -> Refusal | None:
    """None if a round may be published now; else the reason.

    ``missing_codes`` are the codes of the entries of a writing round's current stage that still
    miss a submitted score sheet (ignored for quiz rounds).

    >>> from datetime import timezone
    >>> close = datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc)
    >>> publish_refusal(kind="quiz", now=close - timedelta(hours=1), closes_at=close, grace_seconds=10)
    Refusal(code='round_open', missing_codes=())
    >>> publish_refusal(kind="quiz", now=close + timedelta(seconds=10), closes_at=close,
    ...                 grace_seconds=10).code  # the last answers may still arrive
    'round_open'
    >>> publish_refusal(kind="quiz", now=close + timedelta(seconds=11), closes_at=close, grace_seconds=10) is None
    True
    >>> publish_refusal(kind="essay", now=close, closes_at=close, missing_codes=["VB-B2", "VB-A1", "VB-B2"])
    Refusal(code='judging_incomplete', missing_codes=('VB-A1', 'VB-B2'))
    >>> publish_refusal(kind="essay", now=close - timedelta(seconds=1), closes_at=close,
    ...                 missing_codes=["VB-A1"]).code  # open first: entries may still change
    'round_open'
    >>> publish_refusal(kind="essay", now=close, closes_at=close) is None
    True
    """
    if not is_final(kind, now, closes_at, grace_seconds):
        return Refusal(ROUND_OPEN)
    if kind == "essay":
        missing = tuple(sorted(set(missing_codes)))
        if missing:
            return Refusal(JUDGING_INCOMPLETE, missing)
    return None


# --- the rule applied to a stored round ------------------------------------------------------

class PublishRefused(errors.Refusal):
    """The app's one refusal (409 with the code, the message and the entries' codes), raised
    when the publishing rule says no; `refusal` keeps the rule's answer."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.code, 409, refusal_message(refusal), refusal_details(refusal))
        self.refusal = refusal


def _close(round_):
    """A quiz round's close for everyone: members given extra time (WCAG 2.2.1) may answer
    after the close, so ranks freeze and results publish only once their time is over too."""
    if round_.kind != "quiz":
        return round_.closes_at
    return close_for_everyone(round_)


def round_is_final(round_, now: datetime | None = None) -> bool:
    return is_final(round_.kind, now or utcnow(), _close(round_), round_.grace_seconds)


def check_window_keeps_results_final(round_, now: datetime | None = None) -> None:
    """A published round stays final: moving its window so that it opens again (or its grace
    runs again) is refused while the results are shown — hide them first. Raises PublishRefused
    (round_open); the caller rolls back. Every editor (API, quiz and writing round pages) asks."""
    if round_.results_published and not round_is_final(round_, now):
        raise PublishRefused(Refusal(ROUND_OPEN))


def window_refusal_message() -> str:
    """Why the window of a published round may not be moved, in an organizer's words."""
    return _("The results of this round are published: hide them first, then move the round's "
             "window, so that nobody sees the others' results while the round is open again.")


def missing_sheets(round_) -> list[str]:
    """Codes of the entries of a writing round's current stage that miss a submitted sheet."""
    return codes_missing_sheets(round_.id, settings_for(round_).current_stage)


def refusal(round_, now: datetime | None = None) -> Refusal | None:
    """Why this round may not be published now, or None. The one check every path uses."""
    now = now or utcnow()
    final = round_is_final(round_, now)
    missing = missing_sheets(round_) if round_.kind == "essay" and final else ()
    return publish_refusal(kind=round_.kind, now=now, closes_at=_close(round_),
                           grace_seconds=round_.grace_seconds, missing_codes=missing)


def refusal_message(refused: Refusal) -> str:
    """The refusal in words an organizer understands (Vietnamese by default)."""
    if refused.code == JUDGING_INCOMPLETE:
        return _("Judging is not finished: these entries still miss a submitted score sheet: %(codes)s. "
                 "Results can be published once every assigned sheet of this stage is submitted.",
                 codes=", ".join(refused.missing_codes))
    return _("The round has not closed yet: results can be published only after it closes, so that "
             "nobody sees the others' answers or predictions while they can still answer.")


def refusal_details(refused: Refusal) -> list[dict] | None:
    """The API's ``details``: one item per entry code still missing a submitted sheet."""
    if refused.code != JUDGING_INCOMPLETE:
        return None
    return [{"code": code, "message": _("This entry still misses a submitted score sheet.")}
            for code in refused.missing_codes]


def set_published(round_, published: bool, actor=None) -> bool:
    """Publish (or hide) a round's results, recorded in the audit log. Flushes; the caller commits.

    Publishing asks ``refusal`` first and raises PublishRefused without changing anything.
    Hiding is always allowed. Returns False when the round already was in that state."""
    published = bool(published)
    before = bool(round_.results_published)
    if published == before:
        return False
    if published:
        refused = refusal(round_)
        if refused is not None:
            raise PublishRefused(refused)
    round_.results_published = published
    record("round.publish" if published else "round.unpublish", "round", round_.id, actor=actor, before={"results_published": before},
           after={"results_published": published}, round_id=round_.id, contest_id=round_.contest_id)
    db.session.flush()
    return True


def can_see_results(round_, user) -> bool:
    """Organizers always; everyone else once the results are published and final.

    Checking ``round_is_final`` as well as the flag means that a round published before this
    rule existed (or reopened by moving its close) still shows nobody's ranks or predictions."""
    if user is not None and user.has_role("organizer"):
        return True
    return bool(round_.results_published) and round_is_final(round_)
