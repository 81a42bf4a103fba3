"""Prize tiers of a round (issue 9 point 1): the VCNET default, the one check of what an
organizer typed (API and forms alike), the textarea's "name × count" lines, and the tier rule.

A round's ``prizes`` is a list of ``{name, count}`` in rank order, or None for no prizes.

>>> check_prizes([{"name": " Giải  Nhất ", "count": 1}, {"name": "Giải Nhì", "count": 2}])
([{'name': 'Giải Nhất', 'count': 1}, {'name': 'Giải Nhì', 'count': 2}], [])
>>> check_prizes([])                      # an empty list is no prizes
(None, [])
>>> check_prizes([{"name": "", "count": 1}])[1]
['Tier 1: give the prize a name.']
>>> check_prizes([{"name": "A", "count": 0}, {"name": "a", "count": 2}])[1]
['Tier 1: the number of prizes must be a whole number from 1 to 10000.', 'Tier 2: two tiers have the same name "a".']
>>> check_prizes([{"name": "A", "count": True}])[1]   # a JSON true is not a number
['Tier 1: the number of prizes must be a whole number from 1 to 10000.']
>>> check_prizes([{"name": "x" * 101, "count": 1}])[1]
['Tier 1: the name of a prize has at most 100 characters.']
>>> len(check_prizes([{"name": f"G{i}", "count": 1} for i in range(21)])[1])
1
"""
import unicodedata

from flask_babel import gettext as _

MAX_TIERS = 20
MAX_NAME = 100
MAX_COUNT = 10000

# VCNET weekly: 1 Nhất, 2 Nhì, 5 Ba, 8 Khuyến khích. Stored as Vietnamese text: what an organizer
# would have typed (the names are the round's data, not the interface's).
DEFAULT_PRIZES = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2},
                  {"name": "Giải Ba", "count": 5}, {"name": "Giải Khuyến khích", "count": 8}]


def _clean_name(name) -> str:
    """NFC, spaces collapsed: "Giải  Nhất " and "Giải Nhất" are one name."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def check_prizes(value) -> tuple[list | None, list[str]]:
    """(the tiers cleaned, problems in words). Names non-empty, at most 100 characters and
    distinct (ignoring case); counts whole numbers from 1 to 10000; at most 20 tiers.
    None or an empty list: no prizes."""
    if value is None:
        return None, []
    if not isinstance(value, list):
        return None, [_("Prizes must be a list of {name, count}.")]
    problems = []
    if len(value) > MAX_TIERS:
        problems.append(_("At most %(n)d prize tiers.", n=MAX_TIERS))
    tiers, seen = [], set()
    for position, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) - {"name", "count"}:
            problems.append(_("Tier %(n)d: give a name and a count, nothing else.", n=position))
            continue
        name, count = item.get("name"), item.get("count")
        name = _clean_name(name) if isinstance(name, str) else ""
        if not name:
            problems.append(_("Tier %(n)d: give the prize a name.", n=position))
        elif len(name) > MAX_NAME:
            problems.append(_("Tier %(n)d: the name of a prize has at most 100 characters.", n=position))
        elif name.casefold() in seen:
            problems.append(_('Tier %(n)d: two tiers have the same name "%(name)s".', n=position, name=name))
        seen.add(name.casefold())
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            problems.append(_("Tier %(n)d: the number of prizes must be a whole number from 1 to 10000.",
                              n=position))
        tiers.append({"name": name, "count": count})
    if problems:
        return None, problems
    return tiers or None, []


def prizes_text(tiers) -> str:
    """The form's textarea: one "name × count" per line.

    >>> print(prizes_text(DEFAULT_PRIZES))
    Giải Nhất × 1
    Giải Nhì × 2
    Giải Ba × 5
    Giải Khuyến khích × 8
    """
    return "\n".join(f"{t['name']} × {t['count']}" for t in tiers or [])


def parse_prizes_text(text: str | None) -> tuple[list | None, list[str]]:
    """The textarea read back, then checked by ``check_prizes``. "×", "x" or "*" separate the
    name from the count; empty lines are skipped; an empty text is no prizes.

    >>> parse_prizes_text("Giải Nhất × 1\\n\\nGiải Nhì x 2\\nKhuyến khích*8")
    ([{'name': 'Giải Nhất', 'count': 1}, {'name': 'Giải Nhì', 'count': 2}, {'name': 'Khuyến khích', 'count': 8}], [])
    >>> parse_prizes_text("Giải Nhất")[1]
    ['Line 1: write the prize\\'s name, "×" and how many, e.g. "Giải Nhất × 1".']
    >>> parse_prizes_text("  ")
    (None, [])
    """
    tiers, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for sep in ("×", "*", "x", "X"):
            name, found, count = line.rpartition(sep)
            if found and count.strip().isdigit():
                tiers.append({"name": name, "count": int(count.strip())})
                break
        else:
            problems.append(_('Line %(n)d: write the prize\'s name, "×" and how many, e.g. "Giải Nhất × 1".',
                              n=number))
    if problems:
        return None, problems
    return check_prizes(tiers)


def assign_prizes(ranks, tiers):
    """Which prize each row of a ranked list gets.

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


def with_prizes(rows: list[dict], tiers, rank_key: str = "rank") -> list[dict]:
    """Each ranked row (best first) gets its ``prize``; rows without a rank get None.

    >>> with_prizes([{"rank": 1}, {"rank": 1}, {"rank": 3}, {"rank": None}], [{"name": "A", "count": 1}])
    [{'rank': 1, 'prize': 'A'}, {'rank': 1, 'prize': 'A'}, {'rank': 3, 'prize': None}, {'rank': None, 'prize': None}]
    """
    ranked = [r for r in rows if r.get(rank_key) is not None]
    names = iter(assign_prizes([r[rank_key] for r in ranked], tiers or []))
    for row in rows:
        row["prize"] = next(names) if row.get(rank_key) is not None else None
    return rows


def group_winners(rows: list[dict], tiers) -> list[tuple[str, list[dict]]]:
    """The winners grouped by prize, in the tiers' order (a prize not among the tiers after
    them, in the order met), each group in rank order. Rows without a prize are left out.

    >>> rows = [{"name": "An", "prize": "Nhì"}, {"name": "Ba", "prize": None},
    ...         {"name": "Cư", "prize": "Nhất"}, {"name": "Dũng", "prize": "Nhì"}]
    >>> [(p, [r["name"] for r in g]) for p, g in group_winners(rows, [{"name": "Nhất", "count": 1},
    ...                                                              {"name": "Nhì", "count": 2}])]
    [('Nhất', ['Cư']), ('Nhì', ['An', 'Dũng'])]
    """
    groups: dict[str, list[dict]] = {t["name"]: [] for t in tiers or []}
    for row in rows:
        if row.get("prize"):
            groups.setdefault(row["prize"], []).append(row)
    return [(name, members) for name, members in groups.items() if members]
