"""The unit tree (đơn vị): create, rename, move, merge, import from paths, members counted.

The rules are plain functions (`would_make_cycle`, `split_path`, `member_counts_of`);
the services below apply them, record each change (`unit.create`, `unit.rename`, `unit.move`,
`unit.merge`, `unit.import`) in the caller's transaction and flush; the request commits.
"""
from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from contest.accounts.scope import subtree_ids
from contest.accounts.models import RegistrationCode, RegistrationSetting, Unit, User
from contest.audit.service import record
from contest.dbtypes import fold, nfc
from contest.errors import Refusal
from contest.extensions import db

MAX_NAME = 200


# --- rules ------------------------------------------------------------------------------------

def would_make_cycle(unit_id: int, new_parent_id: int | None, parent_of: dict) -> bool:
    """Whether putting unit `unit_id` under `new_parent_id` makes a cycle; `parent_of` maps every
    unit's id to its parent's id (None at the top). A unit cannot go under itself or under any
    unit inside it; the top (None) is always fine.

    Worked examples, with the tree 1 > 2 > 3 and 4 apart:
    >>> tree = {1: None, 2: 1, 3: 2, 4: None}
    >>> would_make_cycle(2, 4, tree), would_make_cycle(2, None, tree), would_make_cycle(3, 1, tree)
    (False, False, False)
    >>> would_make_cycle(1, 3, tree), would_make_cycle(2, 2, tree), would_make_cycle(1, 2, tree)
    (True, True, True)

    A tree already broken by a cycle (4 > 5 > 4) is never walked forever:
    >>> would_make_cycle(1, 5, {1: None, 4: 5, 5: 4})
    False
    """
    seen = set()
    node = new_parent_id
    while node is not None and node not in seen:
        if node == unit_id:
            return True
        seen.add(node)
        node = parent_of.get(node)
    return False


def split_path(text: str) -> list[str] | None:
    """A unit's path as typed in a sheet, "Huyện ủy / Chi bộ A", as its names (NFC, spaces
    trimmed); None when a name is empty or the path is blank.

    >>> split_path(" Huyện ủy / Chi bộ A ")
    ['Huyện ủy', 'Chi bộ A']
    >>> split_path("Huyện ủy//Chi bộ A"), split_path("  ")
    (None, None)
    """
    names = [nfc(part) for part in (text or "").split("/")]
    if not names or any(not name for name in names):
        return None
    return names


def name_key(name: str) -> str:
    """Two names are the same unit's when they match ignoring case (not diacritics: "Chi bộ A"
    and "Chi bo A" are different units)."""
    return nfc(name).casefold()


def member_counts_of(parent_of: dict, direct: dict) -> dict:
    """{unit id: (members with sub-units, direct members)} from each unit's direct count.

    >>> member_counts_of({1: None, 2: 1, 3: 2, 4: None}, {1: 1, 3: 5, 4: 2})
    {1: (6, 1), 2: (5, 0), 3: (5, 5), 4: (2, 2)}
    """
    total = {unit: 0 for unit in parent_of}
    for unit, count in direct.items():
        seen, node = set(), unit
        while node is not None and node in parent_of and node not in seen:
            seen.add(node)
            total[node] += count
            node = parent_of[node]
    return {unit: (total[unit], direct.get(unit, 0)) for unit in sorted(parent_of)}


# --- reading ----------------------------------------------------------------------------------

def parent_map() -> dict:
    return dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())


def path_index() -> dict:
    """{(name key, name key, …): [unit ids]}: more than one id means the path is ambiguous."""
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    by_id = {row.id: row for row in rows}
    index = defaultdict(list)
    for row in rows:
        names, node, seen = [], row, set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(name_key(node.name))
            node = by_id.get(node.parent_id)
        index[tuple(reversed(names))].append(row.id)
    return index


def member_counts() -> dict:
    direct = dict(db.session.execute(
        select(User.unit_id, func.count()).where(User.unit_id.is_not(None)).group_by(User.unit_id)).all())
    return member_counts_of(parent_map(), direct)


def tree_rows() -> list[tuple[Unit, int]]:
    """Every unit with its depth, depth-first, siblings by name folded; on an organizer's route,
    only the units of their scope (scope.py), their own unit at the top."""
    from contest.accounts import scope

    units = db.session.execute(scope.units_in_scope(select(Unit), scope.managing_actor())).scalars().all()
    children = defaultdict(list)
    ids = {u.id for u in units}
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    rows, stack, seen = [], [(u, 0) for u in sorted(children[None], key=lambda u: fold(u.name), reverse=True)], set()
    while stack:
        unit, depth = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        rows.append((unit, depth))
        stack.extend((c, depth + 1) for c in sorted(children[unit.id], key=lambda u: fold(u.name), reverse=True))
    return rows


# --- changing ---------------------------------------------------------------------------------

def _name(name: str) -> str:
    value = nfc(name or "")
    if not value or len(value) > MAX_NAME or "/" in value:
        raise Refusal("validation_error", 422, _("A unit's name is 1 to 200 characters, without “/”."),
                      details=[{"field": "name", "message": _("A unit's name is 1 to 200 characters, without “/”.")}])
    return value


def _parent(parent_id):
    """A parent that exists and, on an organizer's route, is in their scope (scope.py): one who
    manages a subtree cannot put a unit at the top or under a unit of another subtree."""
    from contest.accounts import scope

    actor = scope.managing_actor()
    if (parent_id is not None and db.session.get(Unit, parent_id) is None) or \
            (actor is not None and not scope.can_manage_unit(actor, parent_id)):
        raise Refusal("validation_error", 422, _("Unknown unit."),
                      details=[{"field": "parent_id", "message": _("Unknown unit.")}])


def create_unit(name: str, parent_id: int | None = None) -> Unit:
    _parent(parent_id)
    unit = Unit(name=_name(name), parent_id=parent_id)
    db.session.add(unit)
    db.session.flush()
    record("unit.create", "unit", unit.id, after={"name": unit.name, "parent_id": parent_id})
    return unit


def rename_unit(unit: Unit, name: str) -> None:
    before = unit.name
    unit.name = _name(name)
    db.session.flush()
    record("unit.rename", "unit", unit.id, before={"name": before}, after={"name": unit.name})


def move_unit(unit: Unit, parent_id: int | None) -> None:
    """Put the unit (with everything inside it) under another, or at the top (None)."""
    _parent(parent_id)
    if would_make_cycle(unit.id, parent_id, parent_map()):
        raise Refusal("unit_cycle", 409, _("A unit cannot be moved under itself or under one of its own sub-units."))
    before = unit.parent_id
    unit.parent_id = parent_id
    db.session.flush()
    record("unit.move", "unit", unit.id, before={"parent_id": before}, after={"parent_id": parent_id})


def merge_units(source: Unit, target: Unit) -> dict:
    """`source` goes into `target`: its members and its sub-units move to target, then source is
    deleted. Refused when target is source or inside it (that would make a cycle)."""
    if source.id == target.id or target.id in subtree_ids(source.id, parent_map()):
        raise Refusal("unit_cycle", 409, _("A unit cannot be merged into itself or into one of its own sub-units."))
    members = db.session.execute(update(User).where(User.unit_id == source.id)
                                 .values(unit_id=target.id)).rowcount
    children = db.session.execute(update(Unit).where(Unit.parent_id == source.id)
                                  .values(parent_id=target.id)).rowcount
    record("unit.merge", "unit", target.id, before={"merged_id": source.id, "merged_name": source.name},
           after={"members_moved": members, "units_moved": children})
    for model in (RegistrationSetting, RegistrationCode):  # its registration settings and code go too
        db.session.execute(delete(model).where(model.unit_id == source.id))
    db.session.expire_all()
    db.session.delete(db.session.get(Unit, source.id))
    db.session.flush()
    return {"members": members, "units": children}


def ensure_paths(paths: list[list[str]], index: dict | None = None) -> tuple[dict, int]:
    """Create the units missing on these paths (each a list of names), reusing the ones there
    (an unambiguous path only: the caller checks). Returns ({path key: unit id}, units created)."""
    index = path_index() if index is None else index
    found = {key: ids[0] for key, ids in index.items() if len(ids) == 1}
    created = 0
    for names in paths:
        parent = None
        for depth in range(1, len(names) + 1):
            key = tuple(name_key(n) for n in names[:depth])
            if key not in found:
                unit = Unit(name=names[depth - 1], parent_id=parent)
                db.session.add(unit)
                db.session.flush()
                found[key] = unit.id
                created += 1
            parent = found[key]
    return found, created


def import_tree(rows: list[tuple[int, str]]) -> int:
    """The unit tree from a sheet's paths, one a row ((line, path)): all or nothing. Every bad
    row is refused together (422 invalid_file, details by line); else the missing units are
    created and their number returned."""
    from contest.accounts import scope

    problems, paths = [], []
    index = path_index()
    actor = scope.managing_actor()
    for line, text in rows:
        names = split_path(text)
        if names is None:
            problems.append({"line": line, "message": _("The unit path is empty or has an empty name.")})
        elif any(len(n) > MAX_NAME for n in names):
            problems.append({"line": line, "message": _("A unit's name is 1 to 200 characters, without “/”.")})
        elif any(len(index.get(tuple(name_key(n) for n in names[:d]), ())) > 1 for d in range(1, len(names) + 1)):
            problems.append({"line": line, "message": _("The unit path “%(path)s” names more than one unit.",
                                                        path=" / ".join(names))})
        elif actor is not None and not scope.path_in_scope(tuple(name_key(n) for n in names), index, actor):
            problems.append({"line": line, "message": _("The unit “%(path)s” is outside the units you manage.",
                                                        path=" / ".join(names))})
        else:
            paths.append(names)
    if not rows:
        problems.append({"line": 1, "message": _("The sheet has no unit paths.")})
    if problems:
        raise Refusal("invalid_file", 422, _("Nothing was created: %(count)s problems were found in the file.",
                                             count=len(problems)), details=problems)
    _found, created = ensure_paths(paths, index)
    record("unit.import", "unit", None, after={"rows": len(rows), "units_created": created})
    return created
