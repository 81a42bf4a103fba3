"""Loaders of accounts' objects, the same for pages and API (contest/errors.py get_or_404)."""
from contest.accounts.models import Unit, User
from contest.errors import get_or_404


def get_user_or_404(user_id: int) -> User:
    return get_or_404(User, user_id)


def get_unit_or_404(unit_id: int) -> Unit:
    return get_or_404(Unit, unit_id)
