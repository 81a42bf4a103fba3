"""Criteria of a writing round, per stage. The rounds feature calls ``set_criteria`` and
``round_criteria``; judging reads them as ``aggregation.Criterion`` values."""
from sqlalchemy import exists, select

from contest.dbtypes import nfc
from contest.extensions import db
from contest.judging import aggregation
from contest.judging.models import Criterion, Score


def criteria_rows(round_id: int, stage: int = 1) -> list[Criterion]:
    return list(db.session.execute(
        select(Criterion).where(Criterion.round_id == round_id, Criterion.stage == stage,
                                Criterion.active.is_(True))
        .order_by(Criterion.position, Criterion.id)).scalars())


def round_criteria(round_, stage: int = 1) -> list[dict]:
    """``[{id, name, max_points, weight}]`` of a round's stage, in order."""
    if round_.id is None:
        return []
    return [{"id": c.id, "name": c.name, "max_points": c.max_points, "weight": c.weight}
            for c in criteria_rows(round_.id, stage)]


def set_criteria(round_, criteria: list[dict], stage: int = 1) -> list[Criterion]:
    """Replace a stage's criteria with ``criteria`` (``[{id?, name, max_points, weight?}]``).

    Items with the id of an existing criterion update it; others are added. Criteria left out
    are deleted, or only retired when judges have already scored them (their scores stay)."""
    existing = {c.id: c for c in criteria_rows(round_.id, stage)}
    kept = []
    for position, item in enumerate(criteria):
        row = existing.pop(item.get("id"), None) if item.get("id") is not None else None
        if row is None:
            row = Criterion(round_id=round_.id, stage=stage)
            db.session.add(row)
        row.name = nfc(item["name"])[:200]
        row.max_points = float(item["max_points"])
        weight = item.get("weight")
        row.weight = float(weight) if weight is not None else 1.0
        row.position = position
        row.active = True
        kept.append(row)
    for row in existing.values():
        used = db.session.execute(select(exists().where(Score.criterion_id == row.id))).scalar()
        if used:
            row.active = False
        else:
            db.session.delete(row)
    db.session.flush()
    return kept


def as_rules(rows: list[Criterion]) -> list[aggregation.Criterion]:
    return [aggregation.Criterion(id=c.id, max_points=c.max_points, weight=c.weight) for c in rows]


def scale_max(rows: list[Criterion]) -> float:
    """The top of a stage's score scale: the sum of its criteria's maxima."""
    return sum(c.max_points for c in rows) or 100.0
