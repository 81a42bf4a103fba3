"""The rounds feature's loaders: one per object, the same for the pages and the API.

Each answers the object or raises ``Refusal("not_found", 404)``, which the page handler shows as
the 404 page and the API as its envelope. Someone else's attempt is "not found", not
"forbidden": its id says nothing about whether it exists. So is, on an organizer's route, a
contest outside the organizer's scope, and elsewhere a members-only contest the user may not see
(rounds/scope.py ``contest_allowed``), with its rounds and their attempts.
"""
from contest.errors import get_or_404
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.scope import contest_allowed


def get_contest_or_404(contest_id: int) -> Contest:
    return get_or_404(Contest, contest_id, contest_allowed)


def get_round_or_404(round_id: int) -> Round:
    return get_or_404(Round, round_id, lambda r: contest_allowed(r.contest))


def get_quiz_round_or_404(round_id: int) -> Round:
    """A quiz round; a writing round's id is "not found" here."""
    return get_or_404(Round, round_id, lambda r: r.kind == "quiz" and contest_allowed(r.contest))


def get_own_attempt_or_404(attempt_id: int, user) -> Attempt:
    """The attempt if it is the user's own: the one who may answer and submit it (in a contest
    they may still see)."""
    return get_or_404(Attempt, attempt_id, lambda a: user is not None and a.user_id == user.id
                      and contest_allowed(a.round.contest))


def get_visible_attempt_or_404(attempt_id: int, user) -> Attempt:
    """The attempt if it is the user's own or the user organizes its contest (who sees it
    read-only: an organizer of a subtree only in the contests they manage), with its time-out
    applied (``service.expire_overdue``) so that it is shown as it stands."""
    from contest.rounds import service
    from contest.rounds.scope import manages_contest

    attempt = get_or_404(Attempt, attempt_id, lambda a: user is not None and (
        (a.user_id == user.id and contest_allowed(a.round.contest))
        or (user.has_role("organizer") and manages_contest(user, a.round.contest))))
    service.expire_overdue(attempt=attempt)
    return attempt
