"""The standings feature's loader, the same for the pages and the API."""
from flask_babel import lazy_gettext as _l

from contest.errors import Refusal
from contest.rounds.loaders import get_contest_or_404, get_quiz_round_or_404
from contest.rounds.models import Contest, Round
from contest.standings.contests import can_see_standings
from contest.standings.publishing import can_see_results


def get_visible_quiz_round_or_404(round_id: int, user) -> Round:
    """A quiz round whose results the user may see (``can_see_results``); else 404 or 403."""
    round_ = get_quiz_round_or_404(round_id)
    if not can_see_results(round_, user):
        raise Refusal("forbidden", 403, _l("The results of this round are not published yet."))
    return round_


def get_visible_contest_or_404(contest_id: int, user) -> Contest:
    """A contest whose standings and unit table the user may see (``can_see_standings``); else
    404 or 403, as for a round's results."""
    contest = get_contest_or_404(contest_id)
    if not can_see_standings(contest, user):
        raise Refusal("forbidden", 403, _l("The standings of this contest are not published yet."))
    return contest
