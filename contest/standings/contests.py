"""A contest's standings across its rounds and its unit table (collective prizes), and the
contest's settings that govern them (``standings_rule``, ``standings_published``, ``status``,
``prizes``; and its ``registration`` switch, which ``update_contest`` writes too).

Both tables read only the rounds whose results are published and final (``counted_rounds``):
a quiz round's counted scores from its frozen final ranks (``leaderboard``), a writing round's
final scores (judging ``ranked``). The rule itself is ``overall.rank_contest``.

The unit table of a contest: a unit counts the members registered in it and its sub-units now;
its participants are those of them who took any counted round (the distinct members, once
each), its average score the mean of their contest totals.

A contest's prize tiers (``Contest.prizes``, the rounds' shape and check: rounds/prizes.py) go to
the ranked rows with the rounds' rule (``assign_prizes``): members tied on every ranking key at a
boundary share the prize.
"""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from contest.accounts.models import Unit, User
from contest.accounts.registration import CONTEST_REGISTRATION
from contest.audit.service import record
from contest.dbtypes import nfc
from contest.errors import Refusal
from contest.extensions import cache_get, cache_set, db
from contest.judging.service import ranked as writing_ranked
from contest.rounds.models import Contest, Round
from contest.rounds.prizes import check_prizes, with_prizes
from contest.standings import overall, participation, publishing
from contest.standings.service import leaderboard

EDITABLE = ("title", "description", "standings_rule", "standings_published", "status", "prizes",
            "registration")
CHUNK = 5000  # ids per IN (…): the databases cap a statement's parameters (SQLite 32,766)


def counted_rounds(contest: Contest) -> list[Round]:
    """The contest's rounds that count: results published and final, in their order."""
    return [r for r in contest.rounds if r.results_published and publishing.round_is_final(r)]


def round_results(round_: Round) -> list[overall.RoundResult]:
    """Each member's counted result in one round whose results are final."""
    if round_.kind == "quiz":
        return [overall.RoundResult(row["user_id"], round_.id, float(row["score"] or 0), row["submitted_at"])
                for row in leaderboard(round_)]
    return [overall.RoundResult(item["entry"].author_id, round_.id, float(item["final_score"]),
                                item["entry"].submitted_at)
            for item in writing_ranked(round_) if item["final_score"] is not None]


def _ranked(contest: Contest) -> list[overall.ContestRanked]:
    """The ranked members, cached like a round's leaderboard (LEADERBOARD_CACHE_SECONDS) under a
    key naming the rule and the counted rounds, so publishing or hiding a round, or changing the
    rule, is seen at once."""
    rounds = counted_rounds(contest)
    rule = contest.standings_rule or "sum"
    ttl = current_app.config.get("LEADERBOARD_CACHE_SECONDS", 15)
    key = f"standings:contest:{contest.id}:{rule}:{','.join(str(r.id) for r in rounds)}"
    hit = cache_get(key) if ttl else None
    if hit is not None:
        return hit
    ranked = overall.rank_contest([result for round_ in rounds for result in round_results(round_)], rule)
    if ttl:
        cache_set(key, ranked, ttl)
    return ranked


def _people(user_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    """Name and unit id of each user, a few thousand ids per query."""
    people = {}
    for start in range(0, len(user_ids), CHUNK):
        people.update({uid: (name, unit_id) for uid, name, unit_id in db.session.execute(
            select(User.id, User.full_name, User.unit_id).where(User.id.in_(user_ids[start:start + CHUNK])))})
    return people


def contest_standings(contest: Contest) -> list[dict]:
    """Every member with a counted result, best first: {rank, display_name, unit, total_score,
    rounds_counted, prize, user_id, last_submitted_at}. ``prize``: the contest's tier the rank
    falls in (ties at a boundary share it), None without one."""
    ranked = _ranked(contest)
    if not ranked:
        return []
    units = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    people = _people([r.user_id for r in ranked])
    rows = []
    for r in ranked:
        name, unit_id = people.get(r.user_id, ("?", None))
        rows.append({"rank": r.rank, "display_name": name, "unit": units.get(unit_id), "unit_id": unit_id,
                     "total_score": r.total_score, "rounds_counted": r.rounds_counted, "prize": None,
                     "user_id": r.user_id, "last_submitted_at": r.last_submitted_at})
    return with_prizes(rows, contest.prizes)


def contest_units(contest: Contest, by: str = "rate") -> list[dict]:
    """Per unit (with its sub-units), for the whole contest, ranked ``by`` rate or participants."""
    totals = {r.user_id: r.total_score for r in _ranked(contest)}
    units = db.session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    members = db.session.execute(select(User.id, User.unit_id)
                                 .where(User.role == "member", User.unit_id.is_not(None))).all()
    counted = participation.count_units({u.id: u.parent_id for u in units}, members, totals)
    rows = [participation.unit_row(u.id, u.name, u.parent_id, *counted.get(u.id, (0, 0, 0.0))) for u in units]
    return overall.rank_units(rows, by)


def can_see_standings(contest: Contest, user) -> bool:
    """Organizers always; everyone else once the contest's standings are published."""
    if user is not None and user.has_role("organizer"):
        return True
    return bool(contest.standings_published)


def _snapshot(contest: Contest) -> dict:
    return {field: getattr(contest, field) for field in EDITABLE}


def checked_fields(data: dict) -> dict:
    """A contest's fields as given (on creation or in a change), with ``prizes`` through the
    rounds' one check (cleaned, NFC); bad tiers or an unknown ``registration`` are refused
    (422 ``validation_error``, each problem in ``details``)."""
    data = dict(data)
    problems = []
    if "prizes" in data:
        data["prizes"], prize_problems = check_prizes(data["prizes"])
        problems += [{"field": "prizes", "message": p} for p in prize_problems]
    if "registration" in data and data["registration"] not in CONTEST_REGISTRATION:
        problems.append({"field": "registration", "message": _("Choose one of: %(modes)s.",
                                                               modes=", ".join(CONTEST_REGISTRATION))})
    if problems:
        raise Refusal("validation_error", 422, _("Some fields are not valid."), details=problems)
    return data


def update_contest(contest: Contest, data: dict, actor=None) -> None:
    """Change a contest's fields (any of EDITABLE), audited: ``contest.publish_standings`` or
    ``contest.unpublish_standings`` for the standings' publication, ``contest.update`` for the
    rest, each with the changed fields only, before and after. The fields are checked first
    (``checked_fields``): refused, nothing changes. Flushes; the caller commits."""
    data = checked_fields(data)
    before = _snapshot(contest)
    for field in EDITABLE:
        if field in data:
            value = data[field]
            setattr(contest, field, nfc(value) if field in ("title", "description") else value)
    after = _snapshot(contest)
    where = {"actor": actor, "contest_id": contest.id}
    if before["standings_published"] != after["standings_published"]:
        record("contest.publish_standings" if after["standings_published"] else "contest.unpublish_standings",
               "contest", contest.id, before={"standings_published": before["standings_published"]},
               after={"standings_published": after["standings_published"]}, **where)
    old = {k: v for k, v in before.items() if k != "standings_published" and v != after[k]}
    if old:
        record("contest.update", "contest", contest.id, before=old, after={k: after[k] for k in old}, **where)
    db.session.flush()
