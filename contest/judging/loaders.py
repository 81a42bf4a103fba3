"""The judging feature's loaders, the same for the pages and the API: the object, or
``Refusal("not_found", 404)``. Another judge's sheet is "not found", not "forbidden"; so is, on an
organizer's route, a sheet of a contest outside the organizer's scope (rounds/scope.py)."""
from contest.errors import get_or_404
from contest.judging.models import Assignment
from contest.rounds.scope import contest_allowed


def get_assignment_or_404(assignment_id: int) -> Assignment:
    return get_or_404(Assignment, assignment_id, lambda a: contest_allowed(a.entry.round.contest))


def get_own_assignment_or_404(assignment_id: int, judge) -> Assignment:
    """The score sheet if it is the judge's own."""
    return get_or_404(Assignment, assignment_id, lambda a: judge is not None and a.judge_id == judge.id)
