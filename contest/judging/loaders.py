"""The judging feature's loaders, the same for the pages and the API: the object, or
``Refusal("not_found", 404)``. Another judge's sheet is "not found", not "forbidden"."""
from contest.errors import get_or_404
from contest.judging.models import Assignment


def get_assignment_or_404(assignment_id: int) -> Assignment:
    return get_or_404(Assignment, assignment_id)


def get_own_assignment_or_404(assignment_id: int, judge) -> Assignment:
    """The score sheet if it is the judge's own."""
    return get_or_404(Assignment, assignment_id, lambda a: judge is not None and a.judge_id == judge.id)
