"""The judging feature's loaders, the same for the pages and the API: the object, or
``Refusal("not_found", 404)``. Another judge's sheet is "not found", not "forbidden"."""
from contest.extensions import db
from contest.judging.models import Assignment
from contest.rounds.loaders import not_found


def get_assignment_or_404(assignment_id: int) -> Assignment:
    row = db.session.get(Assignment, assignment_id)
    if row is None:
        raise not_found()
    return row


def get_own_assignment_or_404(assignment_id: int, judge) -> Assignment:
    """The score sheet if it is the judge's own."""
    row = db.session.get(Assignment, assignment_id)
    if row is None or judge is None or row.judge_id != judge.id:
        raise not_found()
    return row
