"""Who sees a contest, by its lifecycle status (``draft``, ``published``, ``archived``).

One rule, ``visibility``, for the loaders (a contest, its rounds and their attempts are "not
found" to whoever may not see them) and for the lists (``listed_statuses`` on a query), both
applied in rounds/scope.py (``contest_allowed``, ``contests_for_request``) with the organizer
scope, "organizer" there meaning one who manages the contest:

- Organizers see every contest they manage, a draft marked "Bản nháp".
- Members (and visitors) see published contests: listed, taken, entered.
- An archived contest is off the members' lists and takes no new attempt or entry, but its
  pages (its published results) stay reachable by a direct link.
- A draft is "not found" to members, in every list, page and API response.
"""
from contest.rounds.models import CONTEST_STATUSES

LISTED, READ_ONLY, HIDDEN = "listed", "read_only", "hidden"


def visibility(status: str | None, organizer: bool) -> str:
    """How a contest of ``status`` shows to an organizer or to anyone else.

    >>> visibility("draft", organizer=True), visibility("draft", organizer=False)
    ('listed', 'hidden')
    >>> visibility("published", organizer=False)
    'listed'
    >>> visibility("archived", organizer=False), visibility("archived", organizer=True)
    ('read_only', 'listed')
    >>> visibility(None, organizer=False)   # a contest from before statuses: published
    'listed'
    """
    if organizer:
        return LISTED
    status = status or "published"
    if status == "published":
        return LISTED
    if status == "archived":
        return READ_ONLY
    return HIDDEN


def is_organizer(user) -> bool:
    return user is not None and user.has_role("organizer")


def can_see(contest, user) -> bool:
    """The loaders' rule: the contest (and its rounds) may be opened by the user.

    (Worked examples: visibility above; tests/unit/test_contest_visibility.py.)"""
    return visibility(contest.status, is_organizer(user)) != HIDDEN


def accepts_new_work(contest) -> bool:
    """A new attempt or entry only in a published contest (a draft's are the organizers' tries:
    they may; an archived contest takes none).

    >>> from types import SimpleNamespace as C
    >>> accepts_new_work(C(status="published")), accepts_new_work(C(status="archived"))
    (True, False)
    """
    return (contest.status or "published") != "archived"


def shown_state(contest, state: str) -> str:
    """A round's state as its member page shows it: an archived contest's open round is closed
    (no start button, no writing).

    >>> from types import SimpleNamespace as C
    >>> shown_state(C(status="archived"), "open"), shown_state(C(status="published"), "open")
    ('closed', 'open')
    """
    return state if accepts_new_work(contest) or state != "open" else "closed"


def listed_statuses(user) -> list[str]:
    """The statuses a list shows the user: every one to organizers, published to members.

    >>> listed_statuses(None)
    ['published']
    """
    organizer = is_organizer(user)
    return [s for s in CONTEST_STATUSES if visibility(s, organizer) == LISTED]


def reachable_statuses() -> list[str]:
    """The statuses of the contests a member may open (listed or read-only): their own results of
    an archived contest stay theirs; a draft's are hidden with the draft.

    >>> reachable_statuses()
    ['published', 'archived']
    """
    return [s for s in CONTEST_STATUSES if visibility(s, organizer=False) != HIDDEN]
