"""Loaders of accounts' objects, the same for pages and API (contest/errors.py get_or_404).

On an organizer route a user or unit outside the organizer's scope is "not found" (scope.py)."""
from contest.accounts import scope
from contest.accounts.models import Unit, User
from contest.errors import get_or_404


def get_user_or_404(user_id: int) -> User:
    actor = scope.managing_actor()
    return get_or_404(User, user_id, None if actor is None else lambda u: scope.can_manage_user(actor, u))


def get_unit_or_404(unit_id: int) -> Unit:
    actor = scope.managing_actor()
    return get_or_404(Unit, unit_id, None if actor is None else lambda u: scope.can_manage_unit(actor, u.id))
