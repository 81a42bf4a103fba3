"""Which contests an organizer manages and which a member may see (accounts/scope.py is the
organizer's scope; this is the same rule on contests).

- Managing: an organizer who manages a subtree (accounts/scope.py) manages the contests owned by
  a unit in it; admins and platform organizers (no unit) manage every contest.
- Seeing: a contest is seen by everyone, unless it is ``members_only``: then only by the members
  of its owner's subtree and by those who manage it. To anyone else such a contest and its rounds
  are "not found" (404): they are not in lists, and cannot be opened, started or submitted to.
"""
from sqlalchemy import or_

from contest.accounts import scope
from contest.rounds.models import Contest


def default_owner(user) -> int | None:
    """The unit that owns a contest the user creates: an organizer's unit; an admin's contests
    (and a platform organizer's) are platform-wide."""
    return user.unit_id if user is not None and user.role == "organizer" else None


def manages_contest(user, contest: Contest) -> bool:
    ids = scope.managed_unit_ids(user)
    return ids is None or (contest.owner_unit_id is not None and contest.owner_unit_id in ids)


def contests_in_scope(statement, user):
    """A select of Contest narrowed to the contests the user manages."""
    ids = scope.managed_unit_ids(user)
    if ids is None:
        return statement
    return statement.where(Contest.owner_unit_id.in_(sorted(ids)))


def _member_units(user) -> set[int]:
    """The units whose members-only contests the user may take: their unit and those above it."""
    if user is None or user.unit_id is None:
        return set()
    from contest.accounts.models import Unit
    from contest.extensions import db

    found, node = set(), db.session.get(Unit, user.unit_id)
    while node is not None and node.id not in found:
        found.add(node.id)
        node = node.parent
    return found


def can_see_contest(user, contest: Contest) -> bool:
    """Open to all, or members-only and the user is in the owner's subtree or manages it."""
    if not contest.members_only:
        return True
    if user is None:
        return False
    if user.has_role("organizer") and manages_contest(user, contest):
        return True
    return contest.owner_unit_id is not None and contest.owner_unit_id in _member_units(user)


def contests_visible(statement, user):
    """A select of Contest without the members-only contests the user may not see."""
    allowed = [Contest.members_only.is_(False)]
    units = _member_units(user)
    if units:
        allowed.append(Contest.owner_unit_id.in_(sorted(units)))
    if user is not None and user.has_role("organizer"):
        ids = scope.managed_unit_ids(user)
        if ids is None:
            return statement
        allowed.append(Contest.owner_unit_id.in_(sorted(ids)))
    return statement.where(or_(*allowed))


def contest_allowed(contest: Contest) -> bool:
    """The loaders' rule for the current request: on an organizer's route, the contest is one
    they manage; elsewhere, one the signed-in user (or the anonymous visitor) may see."""
    actor = scope.managing_actor()
    if actor is not None:
        return manages_contest(actor, contest)
    return can_see_contest(scope.request_actor(), contest)


def contests_for_request(statement):
    """The contests a list on the current request shows (contest_allowed on a query)."""
    actor = scope.managing_actor()
    if actor is not None:
        return contests_in_scope(statement, actor)
    return contests_visible(statement, scope.request_actor())
