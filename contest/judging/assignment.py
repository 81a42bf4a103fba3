"""Assigning essay entries to judges.

Rules (product.md, Essays): every entry is read by ``judges_per_entry`` distinct judges, none
of them from the author's own unit (đơn vị), and the work is spread evenly.

Units are compared by id.  ``None`` is "no unit" and matches nothing: an author without a
unit may get any judge, and a judge without a unit may get any entry.

Pure functions: ids in, pairs out.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence

from flask_babel import lazy_gettext as _l

__all__ = ["AssignmentError", "assign", "eligible", "extra_judge"]

EntryId = Hashable
JudgeId = Hashable
UnitId = Hashable


class AssignmentError(Exception):
    """Assignment is impossible.  ``code`` is ``"not_enough_judges"``; ``params`` carries
    ``entries`` (the entry ids that cannot get enough judges), ``count`` and ``needed``."""

    def __init__(self, code: str, message, **params) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def eligible(author_unit_id: UnitId | None, judge_unit_id: UnitId | None) -> bool:
    """May a judge of ``judge_unit_id`` read an entry whose author is in ``author_unit_id``?"""
    return author_unit_id is None or judge_unit_id is None or author_unit_id != judge_unit_id


def assign(
    entries: Sequence[tuple[EntryId, UnitId | None]],
    judges: Sequence[tuple[JudgeId, UnitId | None]],
    judges_per_entry: int,
    existing: Mapping[EntryId, Iterable[JudgeId]] | None = None,
    load: Mapping[JudgeId, int] | None = None,
    rng: random.Random | None = None,
) -> list[tuple[EntryId, JudgeId]]:
    """Return the new ``(entry_id, judge_id)`` pairs that bring every entry to
    ``judges_per_entry`` distinct judges.

    ``existing`` maps entries to judges already assigned (kept as they are and counted
    towards ``judges_per_entry``).  ``load`` is each judge's current number of assignments;
    when omitted it is counted from ``existing``.  Only judges in ``judges`` receive new
    work.

    Guarantees:

    * no judge gets an entry whose author is in the judge's unit, nor an entry twice;
    * the final loads (current + new) are balanced: no new pair can be moved, directly or
      through a chain of moves, from a judge to one with at least 2 fewer assignments.  So
      loads differ by at most 1 unless the unit rule (or a judge's earlier load) makes that
      impossible, and then they are as even as the rule allows;
    * if some entry has fewer eligible judges than it still needs, nothing is assigned and
      ``AssignmentError("not_enough_judges")`` lists those entries.

    Method: entries with the fewest eligible judges first, each taking its least-loaded
    eligible judges (random tie-break with ``rng``), then repair by moving assignments along
    shortest chains from heavy to light judges (the load-balancing augmenting paths of
    optimal semi-matchings) until none exists.  1,000 entries × 15 judges take a few tens of
    milliseconds.
    """
    if judges_per_entry < 0:
        raise ValueError("judges_per_entry must be >= 0")
    rng = rng if rng is not None else random.Random()
    existing = existing or {}

    judge_ids: list[JudgeId] = []
    judge_unit: dict[JudgeId, UnitId | None] = {}
    for judge_id, unit_id in judges:
        if judge_id not in judge_unit:
            judge_ids.append(judge_id)
            judge_unit[judge_id] = unit_id

    if load is None:
        cur: dict[JudgeId, int] = {}
        for judge_set in existing.values():
            for judge_id in judge_set:
                cur[judge_id] = cur.get(judge_id, 0) + 1
    else:
        cur = dict(load)
    for judge_id in judge_ids:
        cur.setdefault(judge_id, 0)

    # Eligible judges per author unit (computed once per distinct unit).
    by_unit: dict[UnitId | None, tuple[JudgeId, ...]] = {}

    def eligible_for(unit_id):
        found = by_unit.get(unit_id)
        if found is None:
            found = tuple(j for j in judge_ids if eligible(unit_id, judge_unit[j]))
            by_unit[unit_id] = found
        return found

    on_entry: dict[EntryId, set[JudgeId]] = {}
    candidates: dict[EntryId, tuple[JudgeId, ...]] = {}
    need: dict[EntryId, int] = {}
    entry_order: list[EntryId] = []
    short: list[EntryId] = []
    for entry_id, unit_id in entries:
        if entry_id in on_entry:
            continue
        already = set(existing.get(entry_id, ()))
        on_entry[entry_id] = already
        entry_order.append(entry_id)
        cands = tuple(j for j in eligible_for(unit_id) if j not in already)
        candidates[entry_id] = cands
        need[entry_id] = max(0, judges_per_entry - len(already))
        if len(cands) < need[entry_id]:
            short.append(entry_id)
    if short:
        raise AssignmentError(
            "not_enough_judges",
            _l(
                "%(count)s entries cannot get %(needed)s judges from outside their author's "
                "unit. Add judges from other units or lower the number of judges per entry.",
                count=len(short),
                needed=judges_per_entry,
            ),
            entries=short,
            count=len(short),
            needed=judges_per_entry,
        )

    # ---- greedy: most constrained entries first, least-loaded judges first
    priority = {j: rng.random() for j in judge_ids}
    jitter = {e: rng.random() for e in entry_order}
    todo = sorted((e for e in entry_order if need[e]), key=lambda e: (len(candidates[e]), jitter[e]))
    new_by_judge: dict[JudgeId, set[EntryId]] = {j: set() for j in judge_ids}
    for entry_id in todo:
        chosen = heapq.nsmallest(need[entry_id], candidates[entry_id],
                                 key=lambda j: (cur[j], priority[j]))
        for judge_id in chosen:
            cur[judge_id] += 1
            on_entry[entry_id].add(judge_id)
            new_by_judge[judge_id].add(entry_id)

    # ---- repair: move work along chains heavy -> ... -> light until no chain exists
    def find_chain(level: int):
        """Shortest chain from any judge with load >= level to one with load <= level - 2.
        Each hop (x, e, y): entry e, newly given to x, may go to y instead."""
        sources = [j for j in judge_ids if cur[j] >= level]
        parent: dict[JudgeId, tuple[JudgeId, EntryId] | None] = {j: None for j in sources}
        queue = deque(sources)
        while queue:
            x = queue.popleft()
            for e in new_by_judge[x]:
                taken = on_entry[e]
                for y in candidates[e]:
                    if y in parent or y in taken:
                        continue
                    parent[y] = (x, e)
                    if cur[y] <= level - 2:
                        hops = []
                        node = y
                        while parent[node] is not None:
                            px, pe = parent[node]
                            hops.append((px, pe, node))
                            node = px
                        hops.reverse()
                        return hops
                    queue.append(y)
            if len(parent) == len(judge_ids):
                return None  # every judge reached, none light enough
        return None

    while judge_ids:
        high = max(cur[j] for j in judge_ids)
        low = min(cur[j] for j in judge_ids)
        if high - low <= 1:
            break
        chain = None
        # Sources are the judges at or above a level; only levels equal to some judge's
        # load need trying (between two such values the sources stay the same and the
        # higher level allows the most targets).
        for level in sorted({cur[j] for j in judge_ids if cur[j] > low + 1}, reverse=True):
            chain = find_chain(level)
            if chain:
                break
        if not chain:
            break
        for x, e, y in chain:
            new_by_judge[x].discard(e)
            new_by_judge[y].add(e)
            on_entry[e].discard(x)
            on_entry[e].add(y)
            cur[x] -= 1
            cur[y] += 1

    position = {j: i for i, j in enumerate(judge_ids)}
    pairs: list[tuple[EntryId, JudgeId]] = []
    new_of_entry: dict[EntryId, list[JudgeId]] = {}
    for judge_id, entry_ids in new_by_judge.items():
        for entry_id in entry_ids:
            new_of_entry.setdefault(entry_id, []).append(judge_id)
    for entry_id in entry_order:
        for judge_id in sorted(new_of_entry.get(entry_id, ()), key=position.__getitem__):
            pairs.append((entry_id, judge_id))
    return pairs


def extra_judge(
    entry_id: EntryId,
    author_unit_id: UnitId | None,
    judges: Sequence[tuple[JudgeId, UnitId | None]],
    assigned: Iterable[JudgeId],
    load: Mapping[JudgeId, int] | None = None,
) -> JudgeId | None:
    """The judge to call for one more reading of ``entry_id`` (e.g. after a score gap):
    the least-loaded judge outside the author's unit who is not already on the entry.
    Ties go to the judge listed first.  ``None`` when nobody is left."""
    assigned = set(assigned)
    load = load or {}
    best = None
    best_key = None
    for index, (judge_id, unit_id) in enumerate(judges):
        if judge_id in assigned or not eligible(author_unit_id, unit_id):
            continue
        key = (load.get(judge_id, 0), index)
        if best_key is None or key < best_key:
            best, best_key = judge_id, key
    return best
