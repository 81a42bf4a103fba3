"""The organizer's scope: the one place that knows who manages whom (issue 11 point 5).

- An admin manages everything.
- An organizer WITHOUT a unit is a platform organizer: they manage everything too (the
  committee's own staff, and every organizer from before units had owners).
- An organizer WITH a unit manages that unit's subtree: its members (users whose unit is in the
  subtree) and its contests (contests owned by a unit in the subtree, rounds/contest.py
  ``contests_in_scope``). Platform-wide contests (no owner) and members without a unit are
  outside their scope.

What is outside the scope is "not found" (404), in pages and API alike: the id says nothing about
whether it exists. The loaders (accounts/loaders.py, rounds/loaders.py, essays/loaders.py,
judging/loaders.py) apply it on the organizer routes — the routes whose view requires the
organizer role (``roles_required("organizer")``), found by ``on_organizer_route`` — so a new
organizer route that loads its objects through a loader cannot escape it; the lists filter their
queries with ``members_in_scope`` and ``contests_in_scope``.
"""
from collections import defaultdict

from flask import current_app, g, has_request_context, request
from sqlalchemy import select

from contest.accounts.models import Unit, User


def _parent_map() -> dict:
    from contest.extensions import db

    return dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())


def subtree_ids(root_id: int, parent_of: dict) -> set[int]:
    """The unit and every unit inside it.

    >>> sorted(subtree_ids(1, {1: None, 2: 1, 3: 2, 4: None}))
    [1, 2, 3]
    """
    children = defaultdict(list)
    for child, parent in parent_of.items():
        children[parent].append(child)
    found, stack = set(), [root_id]
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, ()))
    return found


def unit_subtree_ids(unit_id: int) -> set[int]:
    """The unit and every unit inside it (subtree_ids on the stored tree)."""
    return subtree_ids(unit_id, _parent_map())


def scope_of(role: str, unit_id: int | None, subtree) -> set[int] | None:
    """The units a user manages: None for everything, else a set of unit ids (empty for one who
    manages no one). `subtree(unit_id)` answers a unit's subtree.

    >>> tree = {1: {1, 2, 3}, 2: {2, 3}}.get
    >>> scope_of("admin", 2, tree) is None, scope_of("organizer", None, tree) is None
    (True, True)
    >>> sorted(scope_of("organizer", 2, tree)), scope_of("member", 1, tree)
    ([2, 3], set())
    """
    if role == "admin" or (role == "organizer" and unit_id is None):
        return None
    if role == "organizer":
        return set(subtree(unit_id) or {unit_id})
    return set()


def managed_unit_ids(user) -> set[int] | None:
    """``scope_of`` for a user, kept for the request (the tree is read once per request)."""
    if user is None:
        return set()
    key = ("scope", user.id, user.role, user.unit_id)
    if has_request_context():
        cache = g.setdefault("_scope_cache", {})
        if key not in cache:
            cache[key] = scope_of(user.role, user.unit_id, unit_subtree_ids)
        return cache[key]
    return scope_of(user.role, user.unit_id, unit_subtree_ids)


def can_manage_unit(user, unit_id: int | None) -> bool:
    """Whether the user manages the unit; `None` (no unit, the platform level) only for those who
    manage everything."""
    ids = managed_unit_ids(user)
    return ids is None or (unit_id is not None and unit_id in ids)


def can_manage_user(user, target: User) -> bool:
    """An organizer manages the members of their subtree, and themselves."""
    return target.id == user.id or can_manage_unit(user, target.unit_id)


def members_in_scope(statement, user):
    """A select of User narrowed to the members the user manages; `None` (``managing_actor()``
    off an organizer's route) narrows nothing: no organizer scope applies there."""
    ids = None if user is None else managed_unit_ids(user)
    if ids is None:
        return statement
    return statement.where(User.unit_id.in_(sorted(ids)))


def units_in_scope(statement, user):
    """A select of Unit narrowed to the units the user manages; `None` narrows nothing (as
    ``members_in_scope``): the registration page lists every unit."""
    ids = None if user is None else managed_unit_ids(user)
    if ids is None:
        return statement
    return statement.where(Unit.id.in_(sorted(ids)))


# --- the request ------------------------------------------------------------------------------

def on_organizer_route() -> bool:
    """Whether the current request's view requires the organizer role (or admin)."""
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    roles = getattr(view, "_roles_required", None) or ()
    return "organizer" in roles or "admin" in roles


def request_actor():
    """The signed-in user of the current request (session or bearer token), or None."""
    if not has_request_context():
        return None
    from contest.accounts.permissions import current_actor

    return current_actor()


def managing_actor():
    """The actor whose scope the loaders apply: the signed-in user on an organizer route; None
    elsewhere (a member's route, the CLI, a job), where no organizer scope applies."""
    if not on_organizer_route():
        return None
    return request_actor()


def path_in_scope(key: tuple, index: dict, user) -> bool:
    """Whether a unit path (name keys, as units.path_index) may be used by the user in an import:
    the unit it names, or, for a path to be created, the deepest unit of it that exists, is one
    the user manages (a new unit at the top is the platform's, not theirs).

    (Worked examples, on the database: tests/api/test_scope.py, the import of cell A.)
    """
    ids = managed_unit_ids(user)
    if ids is None:
        return True
    for depth in range(len(key), 0, -1):
        found = index.get(key[:depth])
        if found:
            return len(found) == 1 and found[0] in ids
    return False
