import itertools
import random
import time
from collections import Counter

import pytest

from contest.judging.assignment import AssignmentError, assign, eligible, extra_judge


def judges_of(n_units=5, per_unit=3):
    return [(f"j{u}{k}", f"u{u}") for u in range(n_units) for k in range(per_unit)]


def final_loads(judges, pairs, existing=None, load=None):
    loads = Counter({j: 0 for j, _ in judges})
    if load is not None:
        loads.update(load)
    elif existing:
        for js in existing.values():
            loads.update(js)
    loads.update(j for _, j in pairs)
    return {j: loads[j] for j, _ in judges}


def check_rules(entries, judges, k, pairs, existing=None):
    unit_of_judge = dict(judges)
    unit_of_entry = dict(entries)
    assert len(set(pairs)) == len(pairs), "a judge got the same entry twice"
    per_entry = {e: set((existing or {}).get(e, ())) for e, _ in entries}
    for e, j in pairs:
        assert j not in per_entry[e]
        per_entry[e].add(j)
        assert eligible(unit_of_entry[e], unit_of_judge[j]), (e, j)
    for e, js in per_entry.items():
        assert len(js) >= k


def test_eligible_compares_units_by_id_and_none_matches_nothing():
    assert not eligible("u1", "u1")
    assert eligible("u1", "u2")
    assert eligible(None, "u1")
    assert eligible("u1", None)
    assert eligible(None, None)


def test_thousand_entries_fifteen_judges_five_units_balanced_and_fast():
    rnd = random.Random(42)
    judges = judges_of()
    units = [f"u{u}" for u in range(5)] + [None]
    entries = [(i, rnd.choice(units)) for i in range(1000)]
    start = time.perf_counter()
    pairs = assign(entries, judges, 3, rng=random.Random(1))
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5
    assert len(pairs) == 3000
    check_rules(entries, judges, 3, pairs)
    loads = final_loads(judges, pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sum(loads.values()) == 3000


def test_pairs_come_back_in_entry_order_and_are_reproducible_with_a_seed():
    judges = judges_of(3, 2)
    entries = [(e, f"u{e % 3}") for e in range(30)]
    a = assign(entries, judges, 2, rng=random.Random(7))
    b = assign(entries, judges, 2, rng=random.Random(7))
    assert a == b
    assert [e for e, _ in a] == sorted(e for e, _ in a)


def test_skewed_units_are_as_balanced_as_the_unit_rule_allows():
    # 90% of entries come from u0; its 3 judges can only read the other 100 entries.
    judges = judges_of()
    entries = [(i, "u0" if i < 900 else f"u{1 + i % 4}") for i in range(1000)]
    pairs = assign(entries, judges, 3, rng=random.Random(3))
    check_rules(entries, judges, 3, pairs)
    loads = final_loads(judges, pairs)
    u0 = [loads[j] for j, u in judges if u == "u0"]
    others = [loads[j] for j, u in judges if u != "u0"]
    assert u0 == [100, 100, 100]  # every entry they may read, and no more
    assert max(others) - min(others) <= 1
    assert sum(others) == 2700


def test_existing_assignments_are_kept_and_counted():
    judges = judges_of(2, 2)  # j00 j01 in u0, j10 j11 in u1
    entries = [(1, "u0"), (2, "u0"), (3, None), (4, None)]
    existing = {1: {"j10"}, 3: {"j00", "j01"}}
    pairs = assign(entries, judges, 2, existing=existing, rng=random.Random(0))
    check_rules(entries, judges, 2, pairs, existing)
    assert ("j10", 1) not in [(j, e) for e, j in pairs]
    assert all(e != 3 for e, _ in pairs)  # already complete
    assert sorted(e for e, _ in pairs) == [1, 2, 2, 4, 4]
    loads = final_loads(judges, pairs, existing)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_given_load_steers_new_work_to_idle_judges():
    judges = [("a", None), ("b", None), ("c", None)]
    entries = [(i, None) for i in range(3)]
    pairs = assign(entries, judges, 1, load={"a": 5, "b": 5, "c": 0}, rng=random.Random(0))
    assert [j for _, j in pairs] == ["c", "c", "c"]


def test_not_enough_judges_lists_entries_and_assigns_nothing():
    judges = [("a", "u1"), ("b", "u1"), ("c", "u2")]
    entries = [(1, "u2"), (2, "u1"), (3, None), (4, "u1")]
    with pytest.raises(AssignmentError) as e:
        assign(entries, judges, 2)
    assert e.value.code == "not_enough_judges"
    assert e.value.params["entries"] == [2, 4]
    assert e.value.params["needed"] == 2
    assert "2 entries" in str(e.value.message)


def test_existing_judges_reduce_what_is_needed():
    judges = [("a", "u1"), ("b", "u2")]
    # entry 1 (u2) needs 2 judges, only "a" is eligible, but "x" (a former judge) is on it
    assert assign([(1, "u2")], judges, 2, existing={1: {"x"}}) == [(1, "a")]


def test_zero_or_nothing_to_do():
    assert assign([], judges_of(), 3) == []
    assert assign([(1, None)], judges_of(), 0) == []


def test_duplicates_in_input_are_ignored():
    pairs = assign([(1, None), (1, None)], [("a", None), ("a", None), ("b", None)], 2)
    assert sorted(pairs) == [(1, "a"), (1, "b")]


def _brute_force_best_sum_of_squares(entries, judges, k, base):
    options = []
    for e, unit in entries:
        elig = [j for j, ju in judges if eligible(unit, ju)]
        options.append(list(itertools.combinations(elig, k)))
    best = None
    for choice in itertools.product(*options):
        loads = dict(base)
        for combo in choice:
            for j in combo:
                loads[j] += 1
        cost = sum(v * v for v in loads.values())
        best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_small_instances_match_the_brute_force_optimum(seed):
    # Balanced in the strongest sense: the final loads minimize the sum of squares, which
    # for this problem is the same as "no chain of moves makes them more even".
    rnd = random.Random(seed)
    judges = [(f"j{i}", rnd.choice(["u1", "u2", None])) for i in range(5)]
    entries = [(e, rnd.choice(["u1", "u2", None])) for e in range(4)]
    base = {j: rnd.choice([0, 0, 1, 2]) for j, _ in judges}
    k = 2
    try:
        pairs = assign(entries, judges, k, load=base, rng=random.Random(seed))
    except AssignmentError:
        for e, unit in entries:
            if sum(eligible(unit, ju) for _, ju in judges) < k:
                return
        raise
    check_rules(entries, judges, k, pairs)
    loads = final_loads(judges, pairs, load=base)
    assert sum(v * v for v in loads.values()) == _brute_force_best_sum_of_squares(
        entries, judges, k, base
    )


# ------------------------------------------------------------------ extra_judge


def test_extra_judge_is_least_loaded_eligible_and_new():
    judges = [("a", "u1"), ("b", "u2"), ("c", "u3"), ("d", "u3"), ("e", None)]
    load = {"a": 0, "b": 4, "c": 2, "d": 1, "e": 3}
    # a is the author's unit, d already on the entry -> c (2) beats e (3) and b (4)
    assert extra_judge(9, "u1", judges, {"d"}, load) == "c"
    assert extra_judge(9, None, judges, {"d"}, load) == "a"
    assert extra_judge(9, "u1", judges, {"b", "c", "d", "e"}, load) is None


def test_extra_judge_tie_goes_to_first_listed():
    judges = [("x", None), ("y", None)]
    assert extra_judge(1, None, judges, set(), {}) == "x"
    assert extra_judge(1, None, judges, set(), {"x": 1}) == "y"
