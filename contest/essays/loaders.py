"""The essays feature's loaders, the same for the pages, the API and judging's pages and API.

Each answers the object or raises ``Refusal("not_found", 404)`` (the 404 page, or the API's
envelope): a quiz round's id is "not found" where a writing round is wanted.
"""
from contest.extensions import db
from contest.rounds.loaders import not_found
from contest.rounds.models import Round


def get_essay_round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.kind != "essay":
        raise not_found()
    return round_
