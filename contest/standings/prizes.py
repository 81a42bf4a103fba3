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


def assign_prizes(ranks, tiers):
    places = [[t["name"], int(t["count"])] for t in tiers if int(t["count"]) > 0]
    out = []
    i = 0
    while i < len(ranks):
        j = i
        while j < len(ranks) and ranks[j] == ranks[i]:
            j += 1
        size = j - i
        while places and places[0][1] <= 0:
            places.pop(0)
        if not places:
            out.extend([None] * (size))
        else:
            name = places[0][0]
            out.extend([name] * size)
            need = size
            while need > 0 and places:
                take = min(need, places[0][1])
                places[0][1] -= take
                need -= take
                if places[0][1] == 0:
                    places.pop(0)
        i = j
    return out
