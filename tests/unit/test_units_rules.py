"""The unit tree's rules and the members import's, as plain functions (their doctests too)."""
import doctest
from datetime import date

import contest.accounts.members as members
import contest.accounts.rules as rules
import contest.accounts.units as units
from contest.accounts.rules import generate_password, password_weakness
from contest.accounts.units import member_counts_of, would_make_cycle


def test_doctests():
    for module in (units, members, rules):
        assert doctest.testmod(module).failed == 0


def test_no_move_ever_makes_a_cycle_in_any_small_tree():
    # Every tree on 5 units (each unit's parent any earlier unit or the top), every move:
    # what would_make_cycle allows leaves a tree in which every unit still reaches the top.
    import itertools

    for parents in itertools.product(*[[None] + list(range(1, i)) for i in range(1, 6)]):
        tree = {i: p for i, p in zip(range(1, 6), parents)}
        for unit, new_parent in itertools.product(tree, [None, *tree]):
            moved = {**tree, unit: new_parent}
            reaches_top = all(_reaches_top(u, moved) for u in moved)
            assert would_make_cycle(unit, new_parent, tree) is not reaches_top, (tree, unit, new_parent)


def _reaches_top(unit, tree):
    seen = set()
    while unit is not None:
        if unit in seen:
            return False
        seen.add(unit)
        unit = tree[unit]
    return True


def test_counts_include_sub_units():
    assert member_counts_of({1: None, 2: 1, 3: 1}, {2: 4, 3: 1}) == {1: (5, 0), 2: (4, 4), 3: (1, 1)}


def test_generated_passwords_pass_the_weak_password_rule():
    for _ in range(50):
        password = generate_password()
        assert len(password) == 14 and password_weakness(password, "tv0001", ["Nguyễn Văn An"]) is None


def test_birth_dates():
    assert members.parse_date(date(1990, 1, 2), date(2026, 1, 1)) == date(1990, 1, 2)
    assert members.parse_date("1/2/1899", date(2026, 1, 1)) is False
