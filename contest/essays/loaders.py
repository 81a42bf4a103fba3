"""The essays feature's loaders, the same for the pages, the API and judging's pages and API.

Each answers the object or raises ``Refusal("not_found", 404)`` (the 404 page, or the API's
envelope): a quiz round's id is "not found" where a writing round is wanted, and so is a round
(an entry, its file, a similarity flag) of a contest outside an organizer's scope on their routes
or of a members-only contest the user may not see (rounds/scope.py ``contest_allowed``).
"""
from contest.errors import get_or_404
from contest.essays.models import Entry, EntryFile, SimilarityFlag
from contest.rounds.models import Round
from contest.rounds.scope import contest_allowed, manages_contest


def get_essay_round_or_404(round_id: int) -> Round:
    return get_or_404(Round, round_id, lambda r: r.kind == "essay" and contest_allowed(r.contest))


def get_managed_entry_or_404(entry_id: int) -> Entry:
    """An entry as its contest's organizers see it (organizer routes)."""
    return get_or_404(Entry, entry_id, lambda e: contest_allowed(e.round.contest))


def get_visible_entry_or_404(entry_id: int, user) -> Entry:
    """The entry if it is the user's own, or the user organizes its contest."""
    return get_or_404(Entry, entry_id, lambda e: user is not None and (
        (e.author_id == user.id and contest_allowed(e.round.contest))
        or (user.has_role("organizer") and manages_contest(user, e.round.contest))))


def get_entry_file_or_404(file_id: int) -> EntryFile:
    return get_or_404(EntryFile, file_id, lambda f: contest_allowed(f.entry.round.contest))


def get_flag_or_404(flag_id: int) -> SimilarityFlag:
    return get_or_404(SimilarityFlag, flag_id, lambda f: contest_allowed(f.entry.round.contest))
