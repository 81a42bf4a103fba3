"""The essays feature's loaders, the same for the pages, the API and judging's pages and API.

Each answers the object or raises ``Refusal("not_found", 404)`` (the 404 page, or the API's
envelope): a quiz round's id is "not found" where a writing round is wanted, and
so is a round of a draft contest to a member (rounds/visibility.py ``viewer_sees``).
"""
from contest.errors import get_or_404
from contest.essays.models import Entry
from contest.rounds.models import Round
from contest.rounds.visibility import viewer_sees


def get_essay_round_or_404(round_id: int) -> Round:
    return get_or_404(Round, round_id, lambda r: r.kind == "essay" and viewer_sees(r.contest))


def get_entry_or_404(entry_id: int):
    """Any entry (organizers' actions: who may act is the route's rule)."""
    return get_or_404(Entry, entry_id)
