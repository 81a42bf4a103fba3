"""The rounds feature's loaders: one per object, the same for the pages and the API.

Each answers the object or raises ``Refusal("not_found", 404)``, which the page handler shows as
the 404 page and the API as its envelope. Someone else's attempt is "not found", not
"forbidden": its id says nothing about whether it exists.
"""
from contest.errors import Refusal
from contest.extensions import db
from contest.rounds.models import Attempt, Round


def not_found() -> Refusal:
    from flask_babel import lazy_gettext as _l

    return Refusal("not_found", 404, _l("Not found."))


def get_round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise not_found()
    return round_


def get_own_attempt_or_404(attempt_id: int, user) -> Attempt:
    """The attempt if it is the user's own: the one who may answer and submit it."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or user is None or attempt.user_id != user.id:
        raise not_found()
    return attempt


def get_visible_attempt_or_404(attempt_id: int, user) -> Attempt:
    """The attempt if it is the user's own or the user organizes (who sees it read-only), with
    its time-out applied (``service.expire_overdue``) so that it is shown as it stands."""
    from contest.rounds import service

    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or user is None or (attempt.user_id != user.id and not user.has_role("organizer")):
        raise not_found()
    service.expire_overdue(attempt=attempt)
    return attempt


def get_quiz_round_or_404(round_id: int) -> Round:
    """A quiz round; a writing round's id is "not found" here."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.kind != "quiz":
        raise not_found()
    return round_
