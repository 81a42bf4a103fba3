"""The rounds feature's loaders: one per object, the same for the pages and the API.

Each answers the object or raises ``Refusal("not_found", 404)``, which the page handler shows as
the 404 page and the API as its envelope. Someone else's attempt is "not found", not
"forbidden": its id says nothing about whether it exists. So is a draft contest, with its
rounds and their attempts, to a member (rounds/visibility.py ``viewer_sees``).
"""
from contest.errors import get_or_404
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.visibility import viewer_sees


def get_contest_or_404(contest_id: int) -> Contest:
    return get_or_404(Contest, contest_id, viewer_sees)


def get_round_or_404(round_id: int) -> Round:
    return get_or_404(Round, round_id, lambda r: viewer_sees(r.contest))


def get_quiz_round_or_404(round_id: int) -> Round:
    """A quiz round; a writing round's id is "not found" here."""
    return get_or_404(Round, round_id, lambda r: r.kind == "quiz" and viewer_sees(r.contest))


def get_own_attempt_or_404(attempt_id: int, user) -> Attempt:
    """The attempt if it is the user's own: the one who may answer and submit it."""
    return get_or_404(Attempt, attempt_id, lambda a: user is not None and a.user_id == user.id
                      and viewer_sees(a.round.contest))


def get_visible_attempt_or_404(attempt_id: int, user) -> Attempt:
    """The attempt if it is the user's own or the user organizes (who sees it read-only), with
    its time-out applied (``service.expire_overdue``) so that it is shown as it stands."""
    from contest.rounds import service

    attempt = get_or_404(Attempt, attempt_id, lambda a: user is not None and viewer_sees(a.round.contest) and (
        a.user_id == user.id or user.has_role("organizer")))
    service.expire_overdue(attempt=attempt)
    return attempt
