"""Prize tiers: which prize each row of a ranked list gets (issue 9 point 1).

Rule: walk the groups of equal rank in order. A tied group that starts while a
tier still has places gets that tier entirely; the places it takes beyond the
tier (the overflow) are taken from the following tiers. When no tier has places
left, the remaining rows get no prize.

>>> T = [{"name": "A", "count": 1}, {"name": "B", "count": 2}]
>>> assign_prizes([1, 2, 3, 4], T)
['A', 'B', 'B', None]
>>> assign_prizes([1, 1, 3, 4], T)   # two tied at first: B loses one place
['A', 'A', 'B', None]
>>> assign_prizes([1, 2, 2, 2, 5], T)  # a tie at the last place: all share it
['A', 'B', 'B', 'B', None]
>>> assign_prizes([1], T)           # fewer ranked than prizes
['A']
>>> assign_prizes([1, 2], [])        # no tiers
[None, None]
"""


# The rule lives with the round's prize fields (contest/rounds/prizes.py), where judging (below
# standings) can use it too; it is re-exported here for the standings' callers.
from contest.rounds.prizes import DEFAULT_PRIZES, assign_prizes, with_prizes  # noqa: E402,F401
