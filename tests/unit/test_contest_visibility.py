"""The contest lifecycle's visibility rule (contest/rounds/visibility.py), worked examples."""
import doctest
from types import SimpleNamespace

import pytest

from contest.rounds import visibility
from contest.rounds.visibility import HIDDEN, LISTED, READ_ONLY


def test_doctests():
    assert doctest.testmod(visibility).failed == 0


@pytest.mark.parametrize("status, organizer, expected", [
    ("draft", False, HIDDEN),
    ("draft", True, LISTED),
    ("published", False, LISTED),
    ("published", True, LISTED),
    ("archived", False, READ_ONLY),
    ("archived", True, LISTED),
])
def test_visibility(status, organizer, expected):
    assert visibility.visibility(status, organizer) == expected


class _User(SimpleNamespace):
    def has_role(self, role):
        return self.role in (role, "admin")


def test_members_list_published_only_organizers_every_status():
    member, organizer, admin = _User(role="member"), _User(role="organizer"), _User(role="admin")
    assert visibility.listed_statuses(member) == ["published"]
    assert visibility.listed_statuses(None) == ["published"]
    assert visibility.listed_statuses(organizer) == ["draft", "published", "archived"]
    assert visibility.listed_statuses(admin) == ["draft", "published", "archived"]


def test_an_archived_contest_is_reachable_but_takes_nothing_new():
    member = _User(role="member")
    archived, draft = SimpleNamespace(status="archived"), SimpleNamespace(status="draft")
    assert visibility.can_see(archived, member) is True
    assert visibility.accepts_new_work(archived) is False
    assert visibility.can_see(draft, member) is False
    assert visibility.can_see(draft, _User(role="organizer")) is True
