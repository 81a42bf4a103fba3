"""The public, shareable contest page (issue 9 point 2): who may see a contest, the winners of
each of its published rounds grouped by prize (the round pages' own lists), the winners of the
contest itself once its standings are published, and the plain-text summary that link previews
(Open Graph, Twitter cards) show."""
from __future__ import annotations

from contest.errors import not_found
from contest.judging.service import ranked as writing_ranked
from contest.judging.service import unit_name
from contest.rounds.loaders import get_contest_or_404
from contest.rounds.models import Contest, Round
from contest.rounds.prizes import group_winners
from contest.rounds.scope import manages_contest
from contest.standings import publishing
from contest.standings.contests import contest_standings
from contest.standings.service import leaderboard

OG_DESCRIPTION_MAX = 200


def get_public_contest_or_404(contest_id: int, user) -> Contest:
    """A contest anyone may open, signed in or not, once it is published (archived ones stay
    visible); a draft is "not found" but to the organizers who manage it. A members-only contest
    is the loader's: "not found" to whoever may not see it (rounds/scope.py)."""
    contest = get_contest_or_404(contest_id)
    if contest.status == "draft" and not (user is not None and user.has_role("organizer")
                                          and manages_contest(user, contest)):
        raise not_found()
    return contest


def round_winners(round_: Round) -> list[tuple[str, list[dict]]] | None:
    """The winners of a round grouped by prize, once its results are published and final;
    None before (nobody's name or rank shows until then)."""
    if not (round_.results_published and publishing.round_is_final(round_)):
        return None
    if round_.kind == "quiz":
        rows = [{"prize": r["prize"], "name": r["display_name"], "unit": r["unit"]} for r in leaderboard(round_)]
    else:
        rows = [{"prize": i["prize"], "name": i["entry"].author.full_name if i["entry"].author else "",
                 "unit": unit_name(i["entry"].author), "title": i["entry"].title}
                for i in writing_ranked(round_) if i["prize"]]
    return group_winners(rows, round_.prizes)


def contest_winners(contest: Contest) -> list[tuple[str, list[dict]]] | None:
    """The winners of the contest's own prize tiers grouped by prize, once its standings are
    published; None before (or without tiers): nobody's name shows until then."""
    if not (contest.standings_published and contest.prizes):
        return None
    rows = [{"prize": r["prize"], "name": r["display_name"], "unit": r["unit"]}
            for r in contest_standings(contest) if r["prize"]]
    return group_winners(rows, contest.prizes)


def plain_summary(text: str | None, limit: int = OG_DESCRIPTION_MAX) -> str:
    """A description as one line of plain text of at most ``limit`` characters (cut at a word,
    with "…"), for a link preview. Escaping is the template's job.

    >>> plain_summary("  Tìm hiểu\\n\\n về   Bác Hồ ")
    'Tìm hiểu về Bác Hồ'
    >>> plain_summary("một hai ba bốn", limit=9)
    'một hai…'
    >>> len(plain_summary("x" * 500))
    200
    >>> plain_summary(None)
    ''
    """
    line = " ".join((text or "").split())
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
