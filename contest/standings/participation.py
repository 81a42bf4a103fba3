"""Pure rules of unit participation (tỷ lệ tham gia): a unit counts its own members and those of
every sub-unit; its rate is members who took part / members registered."""
from __future__ import annotations

from typing import Iterable, Mapping

__all__ = ["count_units", "roll_up", "unit_row", "sort_rows"]


def count_units(parents: Mapping[int, int | None], members: Iterable[tuple[int, int]],
                scores: Mapping[int, float]) -> dict[int, tuple[int, int, float]]:
    """Per unit id: (members, participants, sum of the participants' scores).

    ``parents`` maps every unit to its parent (None at the top), ``members`` gives
    (user id, unit id) of the registered members, ``scores`` the counted score of each member
    who took part. A member counts in their unit and in each of its ancestors, once (a loop in
    the tree stops the walk).

    >>> parents = {1: None, 2: 1, 3: 1}           # committee 1 with cells 2 and 3
    >>> members = [(10, 2), (11, 2), (12, 2), (13, 3)]
    >>> count_units(parents, members, {10: 8.0, 11: 6.0})
    {1: (4, 2, 14.0), 2: (3, 2, 14.0), 3: (1, 0, 0.0)}
    """
    counted = {unit_id: [0, 0, 0.0] for unit_id in parents}
    for user_id, unit_id in members:
        seen, current = set(), unit_id
        while current is not None and current not in seen:
            seen.add(current)
            line = counted.setdefault(current, [0, 0, 0.0])
            line[0] += 1
            if user_id in scores:
                line[1] += 1
                line[2] += scores[user_id]
            current = parents.get(current)
    return {unit_id: (m, p, s) for unit_id, (m, p, s) in counted.items()}


def roll_up(parents: Mapping[int, int | None],
            direct: Mapping[int, tuple[int, int, float]]) -> dict[int, tuple[int, int, float]]:
    """``count_units`` from each unit's own counts: per unit id, (members, participants, sum of
    the participants' scores) of the unit and every sub-unit, from ``direct``, the same three
    figures of each unit's own members only (a GROUP BY unit in SQL). A unit adds into each of
    its ancestors once (a loop in the tree stops the walk); every unit of ``parents`` is in the
    answer, units without members at 0.

    >>> parents = {1: None, 2: 1, 3: 1}           # committee 1 with cells 2 and 3
    >>> roll_up(parents, {2: (3, 2, 14.0), 3: (1, 0, 0.0)})   # the members of count_units' example
    {1: (4, 2, 14.0), 2: (3, 2, 14.0), 3: (1, 0, 0.0)}
    >>> roll_up({1: 2, 2: 1}, {1: (1, 1, 5.0)})   # a loop: each unit counted once
    {1: (1, 1, 5.0), 2: (1, 1, 5.0)}
    """
    counted = {unit_id: [0, 0, 0.0] for unit_id in parents}
    for unit_id, (members, participants, score_sum) in direct.items():
        seen, current = set(), unit_id
        while current is not None and current not in seen:
            seen.add(current)
            line = counted.setdefault(current, [0, 0, 0.0])
            line[0] += members
            line[1] += participants
            line[2] += score_sum
            current = parents.get(current)
    return {unit_id: (m, p, s) for unit_id, (m, p, s) in counted.items()}


def unit_row(unit_id: int, name: str, parent_id: int | None, members: int, participants: int,
             score_sum: float) -> dict:
    """One line of the unit table, as the API and the page show it.

    >>> unit_row(2, "Chi bộ A", 1, 3, 2, 14.0)["participation_rate"], unit_row(2, "Chi bộ A", 1, 3, 2, 14.0)["average_score"]
    (0.6667, 7.0)
    >>> unit_row(3, "Chi bộ B", 1, 0, 0, 0.0)["participation_rate"], unit_row(3, "Chi bộ B", 1, 0, 0, 0.0)["average_score"]
    (0.0, None)
    """
    return {"unit_id": unit_id, "unit": name, "parent_id": parent_id, "members": members,
            "participants": participants,
            "participation_rate": round(participants / members, 4) if members else 0.0,
            "average_score": round(score_sum / participants, 3) if participants else None}


def sort_rows(rows: list[dict]) -> list[dict]:
    """Highest participation rate first, then by unit name."""
    return sorted(rows, key=lambda row: (-row["participation_rate"], row["unit"]))
