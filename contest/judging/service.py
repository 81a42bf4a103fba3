"""Judging a writing round: panels, assignment, score sheets, discrepancy, results, stages.

The rules are the pure functions of ``assignment`` and ``aggregation``; this module reads and
writes rows around them."""
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from contest.accounts.models import Unit, User
from contest.audit.models import AuditEvent
from contest.audit.service import SYSTEM, record, record_change
from contest.clock import utcnow
from contest.essays.models import Entry
from contest.errors import Refusal
from contest.extensions import db
from contest.judging import aggregation, assignment
from contest.judging.criteria import as_rules, criteria_rows, scale_max, set_criteria
from contest.judging.models import Assignment, DiscrepancyFlag, PanelJudge, PrizeOverride, Score, Stage
from contest.judging.settings import settings_for, settings_to_change
from contest.rounds.models import Round
from contest.rounds.prizes import with_prizes


# --- stages and panels ----------------------------------------------------------------------

def stage_names() -> dict:
    return {1: _l("Preliminary stage"), 2: _l("Final stage")}


def stages(round_) -> list[dict]:
    current = settings_for(round_).current_stage
    named = {s.number: s.name for s in db.session.execute(
        select(Stage).where(Stage.round_id == round_.id)).scalars()}
    defaults = stage_names()
    return [{"number": n, "name": named.get(n) or str(defaults.get(n, n)), "current": n == current}
            for n in range(1, current + 1)]


def panel(round_id: int, stage: int) -> list[User]:
    return list(db.session.execute(
        select(User).join(PanelJudge, PanelJudge.judge_id == User.id)
        .where(PanelJudge.round_id == round_id, PanelJudge.stage == stage)
        .order_by(User.full_name, User.id)).scalars())


def _judges_in_scope(statement):
    """On an organizer's route, the judges of their subtree only (accounts/scope.py)."""
    from contest.accounts import scope

    actor = scope.managing_actor()
    return statement if actor is None else scope.members_in_scope(statement, actor)


def all_judges() -> list[User]:
    return list(db.session.execute(_judges_in_scope(
        select(User).where(User.role == "judge", User.active.is_(True)).order_by(User.full_name, User.id))
    ).scalars())


def _where(round_) -> dict:
    return {"round_id": round_.id, "contest_id": round_.contest_id}


def add_to_panel(round_, stage: int, judge_ids, audit: bool = True) -> list[User]:
    """Add judges to a stage's panel; one audit row (``assignment.panel_add``) names those added
    (``audit=False``: the caller's own row says it, as assigning does)."""
    judges = _judges(judge_ids)
    before = [j.id for j in panel(round_.id, stage)]
    present = set(before)
    added = []
    for judge in judges:
        if judge.id not in present:
            db.session.add(PanelJudge(round_id=round_.id, stage=stage, judge_id=judge.id))
            present.add(judge.id)
            added.append(judge.id)
    db.session.flush()
    if added and audit:
        record("assignment.panel_add", "round", round_.id, before={"stage": stage, "panel": sorted(before)},
               after={"stage": stage, "panel": sorted(present), "added": added}, **_where(round_))
    return judges


def remove_from_panel(round_, stage: int, judge_id: int) -> None:
    row = db.session.execute(select(PanelJudge).where(
        PanelJudge.round_id == round_.id, PanelJudge.stage == stage, PanelJudge.judge_id == judge_id)
    ).scalar_one_or_none()
    if row is not None:
        before = sorted(j.id for j in panel(round_.id, stage))
        db.session.delete(row)
        db.session.flush()
        record("assignment.panel_remove", "round", round_.id, before={"stage": stage, "panel": before},
               after={"stage": stage, "panel": [i for i in before if i != judge_id], "removed": judge_id},
               **_where(round_))


def _judges(judge_ids) -> list[User]:
    ids = list(dict.fromkeys(int(i) for i in judge_ids))
    found = {u.id: u for u in db.session.execute(_judges_in_scope(select(User).where(User.id.in_(ids)))).scalars()}
    bad = [i for i in ids if i not in found or found[i].role != "judge" or not found[i].active]
    if bad:
        raise Refusal("validation_error", 422, _l("Only active users with the judge role can judge."),
                      judge_ids=bad)
    return [found[i] for i in ids]


def stage_entries(round_id: int, stage: int) -> list[Entry]:
    return list(db.session.execute(
        select(Entry).where(Entry.round_id == round_id, Entry.stage >= stage)
        .options(selectinload(Entry.author)).order_by(Entry.id)).scalars())


def stage_assignments(round_id: int, stage: int) -> list[Assignment]:
    return list(db.session.execute(
        select(Assignment).where(Assignment.round_id == round_id, Assignment.stage == stage)
        .order_by(Assignment.id)).scalars())


# --- assignment -------------------------------------------------------------------------------

def auto_assign(round_, judge_ids=None, stage: int | None = None) -> int:
    """Bring every entry of the stage to ``judges_per_entry`` judges: balanced loads, never a
    judge of the author's unit. Judges: those given (added to the stage's panel), else the
    stage's panel; with neither, nothing is assigned (409 ``no_judges``): the organizer sees
    the panel, so the judges used must be the ones shown. Returns the number of new assignments."""
    stage = stage or settings_for(round_).current_stage
    on_panel = {j.id for j in panel(round_.id, stage)}
    if judge_ids:
        judges = add_to_panel(round_, stage, judge_ids, audit=False)
    else:
        judges = panel(round_.id, stage)
    if not judges:
        raise Refusal("no_judges", 409, _l(
            "This stage has no judges on its panel: add judges first. No assignment was made."))
    entries = stage_entries(round_.id, stage)
    existing = defaultdict(set)
    load = defaultdict(int)
    for row in stage_assignments(round_.id, stage):
        existing[row.entry_id].add(row.judge_id)
        load[row.judge_id] += 1
    assigned_before = sum(load.values())
    try:
        pairs = assignment.assign(
            [(e.id, e.author.unit_id) for e in entries], [(j.id, j.unit_id) for j in judges],
            round_.judges_per_entry or 2, existing=existing, load=load)
    except assignment.AssignmentError as error:
        raise Refusal(error.code, 422, error.message, **error.params) from error
    now = utcnow()
    db.session.add_all(Assignment(round_id=round_.id, entry_id=e, judge_id=j, stage=stage,
                                  status="assigned", assigned_at=now) for e, j in pairs)
    db.session.flush()
    if pairs or {j.id for j in judges} - on_panel:
        record("assignment.auto", "round", round_.id,
               before={"stage": stage, "assignments": assigned_before},
               after={"stage": stage, "assignments": assigned_before + len(pairs), "added": len(pairs),
                      "pairs": [[e, j] for e, j in pairs],
                      "panel_added": sorted({j.id for j in judges} - on_panel)}, **_where(round_))
    return len(pairs)


def entry_by_code(round_id: int, code: str) -> Entry | None:
    """The round's entry with the code an organizer typed, in any case and with spaces around:
    " ab12cd " finds AB12CD; None if the round has no such entry."""
    return db.session.execute(select(Entry).where(
        Entry.round_id == round_id, Entry.code == code.strip().upper())).scalar_one_or_none()


def assign_by_hand(round_, entry_id: int, judge_id: int, stage: int | None = None) -> Assignment:
    stage = stage or settings_for(round_).current_stage
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.round_id != round_.id or entry.stage < stage:
        raise Refusal("not_found", 404, _l("Not found."))
    judge = _judges([judge_id])[0]
    if not assignment.eligible(entry.author.unit_id, judge.unit_id):
        raise Refusal("same_unit", 422, _l("A judge cannot judge an entry from their own unit."))
    found = db.session.execute(select(Assignment).where(
        Assignment.entry_id == entry_id, Assignment.judge_id == judge_id, Assignment.stage == stage)
    ).scalar_one_or_none()
    if found is not None:
        return found
    joins_panel = judge_id not in {j.id for j in panel(round_.id, stage)}
    add_to_panel(round_, stage, [judge_id], audit=False)
    row = Assignment(round_id=round_.id, entry_id=entry_id, judge_id=judge_id, stage=stage,
                     status="assigned", assigned_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record("assignment.hand", "assignment", row.id, before=None,
           after={"entry": entry.code, "judge_id": judge_id, "stage": stage, "status": "assigned",
                  "panel_added": [judge_id] if joins_panel else []},
           **_where(round_))
    return row


def unassign(row: Assignment) -> None:
    if row.status == "submitted":
        raise Refusal("conflict", 409, _l("This judge has already scored the entry."))
    before = {"entry": row.entry.code, "judge_id": row.judge_id, "stage": row.stage, "status": row.status}
    round_id, assignment_id = row.round_id, row.id
    db.session.delete(row)
    db.session.flush()
    record("assignment.unassign", "assignment", assignment_id, before=before, after=None, round_id=round_id)


# --- judges -------------------------------------------------------------------------------------

def judge_assignments(judge_id: int, round_id: int | None = None) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.judge_id == judge_id).options(
        selectinload(Assignment.entry), selectinload(Assignment.scores))
    if round_id is not None:
        stmt = stmt.where(Assignment.round_id == round_id)
    return list(db.session.execute(stmt.order_by(Assignment.round_id, Assignment.id)).scalars())


def judge_round_summaries(judge_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Assignment.round_id, Assignment.stage, Assignment.status, func.count())
        .where(Assignment.judge_id == judge_id)
        .group_by(Assignment.round_id, Assignment.stage, Assignment.status)).all()
    summary: dict = {}
    for round_id, stage, status, n in rows:
        item = summary.setdefault((round_id, stage), {"round": db.session.get(Round, round_id), "stage": stage,
                                                      "total": 0, "submitted": 0, "draft": 0})
        item["total"] += n
        if status in ("submitted", "draft"):
            item[status] += n
    return [summary[k] for k in sorted(summary)]


def sheet(row: Assignment) -> dict:
    """The score sheet of an assignment: ``{criterion_id: points}``."""
    return {s.criterion_id: s.points for s in row.scores}


def _coerce_scores(raw: dict) -> dict:
    """``{criterion_id: points}`` with integer ids; empty values dropped. Points stay as sent:
    the pages parse what was typed (``forms.parse_points``), the API takes JSON numbers only,
    and ``validate_scores`` refuses anything else."""
    scores = {}
    for key, value in (raw or {}).items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            raise Refusal("out_of_range", 422, aggregation.SCORE_ERROR_MESSAGES["unknown_criterion"])
        if value is None or value == "":
            continue
        scores[criterion_id] = value
    return scores


SHEET_SUBMITTED = _l("This score sheet has been submitted and can no longer be changed. "
                     "Ask the organizers to reopen it if a score must be corrected.")


def _claim_unsubmitted(row: Assignment) -> None:
    """Lock the sheet for this change unless it is submitted: one conditional UPDATE, so that of
    two simultaneous requests the second waits for the first and then sees it submitted."""
    claimed = db.session.execute(
        update(Assignment).where(Assignment.id == row.id, Assignment.status != "submitted")
        .values(saved_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise Refusal("sheet_submitted", 409, SHEET_SUBMITTED)
    db.session.refresh(row)


def save_sheet(row: Assignment, raw_scores: dict, comment: str | None, submit: bool) -> Assignment:
    """Save a judge's scores (a draft may be partial) and, with ``submit``, submit them.
    Out-of-range points are refused either way; a submitted sheet must be complete."""
    if row.status == "submitted":
        raise Refusal("sheet_submitted", 409, SHEET_SUBMITTED)
    rows = criteria_rows(row.round_id, row.stage)
    rules = as_rules(rows)
    scores = _coerce_scores(raw_scores)
    problems = aggregation.validate_scores(scores, rules)
    blocking = [(c, p) for c, p in problems if p != "missing" or submit]
    if blocking:
        code = "out_of_range" if any(p in ("out_of_range", "unknown_criterion") for _, p in blocking) else "incomplete"
        first = next((p for _, p in blocking if p != "missing"), "missing")
        raise Refusal(code, 422, aggregation.SCORE_ERROR_MESSAGES[first],
                      details=[{"field": str(c), "message": str(aggregation.SCORE_ERROR_MESSAGES[p])}
                               for c, p in blocking])
    _claim_unsubmitted(row)
    before = {"status": row.status, "total": row.total, "scores": {str(k): v for k, v in sorted(sheet(row).items())}}
    existing = {s.criterion_id: s for s in row.scores}
    for criterion_id, points in scores.items():
        if criterion_id in existing:
            existing[criterion_id].points = float(points)
        else:
            row.scores.append(Score(criterion_id=criterion_id, points=float(points)))
    if comment is not None:
        row.comment = comment.strip() or None
    now = utcnow()
    row.saved_at = now
    if submit:
        row.total = aggregation.weighted_total({c.id: sheet(row)[c.id] for c in rules}, rules)
        row.status = "submitted"
        row.submitted_at = now
    else:
        row.status = "draft" if scores or row.comment else row.status
    db.session.flush()
    if submit:  # a submitted sheet changes a result: who and what, in the same transaction
        after = {"status": "submitted", "total": row.total,
                 "scores": {str(k): v for k, v in sorted(sheet(row).items())}}
        record_change("sheet.submit", "assignment", row.id, before, after, round_id=row.round_id)
    if submit:  # in the same transaction: the caller commits the sheet and its extra judge together
        check_discrepancy(db.session.get(Round, row.round_id), row.entry_id, row.stage)
    return row


def check_discrepancy(round_, entry_id: int, stage: int) -> Assignment | None:
    """A gap above the threshold between two judges calls exactly one more judge, once."""
    threshold = round_.discrepancy_threshold
    if threshold is None:
        return None
    totals = list(db.session.execute(select(Assignment.total).where(
        Assignment.entry_id == entry_id, Assignment.stage == stage,
        Assignment.status == "submitted")).scalars())
    flagged = db.session.execute(select(DiscrepancyFlag.entry_id).where(
        DiscrepancyFlag.entry_id == entry_id, DiscrepancyFlag.stage == stage)).scalars().all()
    if not aggregation.discrepancy_actions({entry_id: totals}, threshold, flagged):
        return None
    entry = db.session.get(Entry, entry_id)
    flag = DiscrepancyFlag(entry_id=entry_id, stage=stage, spread=aggregation.spread(totals))
    try:
        # A savepoint: the unique (entry, stage) flag stops a second caller here, and rolling
        # back to it keeps that caller's sheet, which is in the same transaction.
        with db.session.begin_nested():
            db.session.add(flag)
            db.session.flush()
            on_entry = set(db.session.execute(select(Assignment.judge_id).where(
                Assignment.entry_id == entry_id, Assignment.stage == stage)).scalars())
            judges = panel(round_.id, stage) or all_judges()
            load = dict(db.session.execute(select(Assignment.judge_id, func.count()).where(
                Assignment.round_id == round_.id, Assignment.stage == stage).group_by(Assignment.judge_id)).all())
            judge_id = assignment.extra_judge(entry_id, entry.author.unit_id, [(j.id, j.unit_id) for j in judges],
                                              on_entry, load)
            extra = None
            if judge_id is not None:
                extra = Assignment(round_id=round_.id, entry_id=entry_id, judge_id=judge_id, stage=stage,
                                   status="assigned", extra=True, assigned_at=utcnow())
                db.session.add(extra)
                db.session.flush()
                flag.extra_assignment_id = extra.id
                db.session.flush()
            # The platform resolves the gap by calling one more judge (none may be free).
            record("discrepancy.extra_judge", "entry", entry_id, actor=SYSTEM, before=None,
                   after={"stage": stage, "spread": flag.spread, "judge_id": judge_id,
                          "assignment_id": extra.id if extra else None}, **_where(round_))
    except IntegrityError:
        return None
    return extra


def reopen(row: Assignment, reason: str | None, actor=None) -> Assignment:
    """An organizer reopens a submitted sheet: back to draft, so its judge can correct and
    resubmit it; who, when and why go to the audit log. Only a submitted sheet can be reopened,
    and a conditional UPDATE makes two simultaneous reopenings record one event."""
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("validation_error", 422, _l("Give the reason for reopening the sheet."))
    before = {"status": "submitted", "total": row.total,
              "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
              "scores": {str(k): v for k, v in sorted(sheet(row).items())}, "judge_id": row.judge_id}
    reopened = db.session.execute(
        update(Assignment).where(Assignment.id == row.id, Assignment.status == "submitted")
        .values(status="draft", total=None, submitted_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if not reopened:
        raise Refusal("not_submitted", 409, _l("Only a submitted score sheet can be reopened."))
    db.session.refresh(row)
    record("sheet.reopen", "assignment", row.id, actor=actor, before=before, after={"status": "draft"},
           reason=reason, round_id=row.round_id)
    return row


def reopen_history(round_id: int) -> dict:
    """The reopenings of a round's sheets, per entry, newest first: ``{entry_id: [event, ...]}``
    where each event carries ``assignment`` (with its judge), ``actor``, ``at`` and ``reason``."""
    events = list(db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "sheet.reopen", AuditEvent.object_type == "assignment",
                                 AuditEvent.round_id == round_id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).scalars())
    rows = {a.id: a for a in db.session.execute(select(Assignment).where(
        Assignment.id.in_({e.object_id for e in events} or {0})).options(selectinload(Assignment.judge))).scalars()}
    history = defaultdict(list)
    for event in events:
        row = rows.get(event.object_id)
        if row is not None:
            history[row.entry_id].append({"assignment": row, "judge": row.judge, "actor": event.actor,
                                          "at": event.at, "reason": event.reason})
    return dict(history)


def others_visible(row: Assignment) -> list[dict]:
    """Other judges' totals and comments on the entry — only once this judge has submitted."""
    if row.status != "submitted":
        return []
    others = db.session.execute(select(Assignment).where(
        Assignment.entry_id == row.entry_id, Assignment.stage == row.stage, Assignment.id != row.id,
        Assignment.status == "submitted").order_by(Assignment.id)).scalars()
    return [{"total": o.total, "comment": o.comment} for o in others]


# --- results -----------------------------------------------------------------------------------

def stage_table(round_, stage: int) -> dict:
    """Everything the organizer sees for a stage: per entry, every judge's total, the spread,
    the flag, raw and normalized means; and the progress of judging."""
    settings = settings_for(round_)
    rows = criteria_rows(round_.id, stage)
    top = scale_max(rows)
    entries = stage_entries(round_.id, stage)
    assignments = stage_assignments(round_.id, stage)
    judges = {u.id: u for u in db.session.execute(select(User).where(
        User.id.in_({a.judge_id for a in assignments} or {0}))).scalars()}
    flags = {f.entry_id: f for f in db.session.execute(select(DiscrepancyFlag).where(
        DiscrepancyFlag.stage == stage, DiscrepancyFlag.entry_id.in_([e.id for e in entries] or [0]))).scalars()}
    by_entry = defaultdict(list)
    totals = {}
    for a in assignments:
        by_entry[a.entry_id].append(a)
        if a.status == "submitted" and a.total is not None:
            totals[(a.judge_id, a.entry_id)] = a.total
    raw = aggregation.final_scores(totals, normalized=False, scale_min=0, scale_max=top)
    normalized = aggregation.final_scores(totals, normalized=True, scale_min=0, scale_max=top)
    items = []
    for e in entries:
        rows_e = by_entry.get(e.id, [])
        done = [a.total for a in rows_e if a.status == "submitted" and a.total is not None]
        needed = max(round_.judges_per_entry or 2, len(rows_e))
        items.append({
            "entry": e, "judges": [{"assignment": a, "judge": judges.get(a.judge_id)} for a in rows_e],
            "spread": aggregation.spread(done) if len(done) > 1 else None,
            "flag": flags.get(e.id),
            "raw": raw.get(e.id), "normalized": normalized.get(e.id),
            "final": normalized.get(e.id) if settings.normalize_scores else raw.get(e.id),
            "judges_scored": len(done), "judges_assigned": len(rows_e),
            "needs_more_judging": len(done) < needed or len(done) < len(rows_e),
        })
    progress = {"assignments": len(assignments),
                "submitted": sum(1 for a in assignments if a.status == "submitted"),
                "entries": len(entries),
                "entries_done": sum(1 for i in items if not i["needs_more_judging"]),
                "flags": len(flags)}
    return {"stage": stage, "items": items, "progress": progress, "scale_max": top,
            "normalized": settings.normalize_scores}


def ranked(round_) -> list[dict]:
    """Ranked results of a round: entries that reached a later stage first (ranked by that
    stage's final score), then the others by the score of the stage where they stopped.
    Equal scores share a rank."""
    settings = settings_for(round_)
    items = []
    offset = 0
    for stage in range(settings.current_stage, 0, -1):
        table = stage_table(round_, stage)
        group = [i for i in table["items"] if i["entry"].stage == stage]
        scored = {i["entry"].id: i["final"] for i in group if i["final"] is not None}
        ranks = {entry_id: (rank, score) for rank, entry_id, score in aggregation.rank_results(scored)}
        by_id = {i["entry"].id: i for i in group}
        ordered = [by_id[e] for _, e, _ in aggregation.rank_results(scored)] + \
            [i for i in group if i["final"] is None]
        for item in ordered:
            rank = ranks.get(item["entry"].id)
            items.append({**item, "rank": rank[0] + offset if rank else None,
                          "final_score": rank[1] if rank else None, "stage": stage})
        offset += len(group)
    _with_entry_prizes(round_, items)
    return items


def _with_entry_prizes(round_, items: list[dict]) -> None:
    """Each ranked item gets ``prize``: an organizer's hand-moved prize (``override``: the
    PrizeOverride row) wins over the tier its rank falls in (``computed_prize``; ties at a
    boundary share it). An entry given a prize the old way (Entry.prize, a key) keeps it."""
    with_prizes(items, round_.prizes)
    overrides = prize_overrides(round_.id)
    labels = prize_labels()
    for item in items:
        entry = item["entry"]
        item["computed_prize"] = item["prize"]
        item["override"] = overrides.get(entry.id)
        if item["override"] is not None:
            item["prize"] = item["override"].prize
        elif item["prize"] is None and entry.prize:
            item["prize"] = str(labels.get(entry.prize, entry.prize))


def prize_overrides(round_id: int) -> dict[int, PrizeOverride]:
    return {o.entry_id: o for o in db.session.execute(
        select(PrizeOverride).where(PrizeOverride.round_id == round_id)).scalars()}


def entry_prizes(round_) -> dict[int, str]:
    """{entry_id: prize} of the entries of a writing round that have one (the results' rows)."""
    return {item["entry"].id: item["prize"] for item in ranked(round_) if item["prize"]}


def entry_prize(round_, entry_id: int) -> dict:
    """The entry's row of the results: ``prize``, ``computed_prize``, ``override``."""
    for item in ranked(round_):
        if item["entry"].id == entry_id:
            return item
    return {"prize": None, "computed_prize": None, "override": None}


def move_prize(entry: Entry, prize: str | None, reason: str | None, actor=None,
               computed: bool = False) -> dict:
    """An organizer moves an entry's prize by hand (``prize`` one of the round's tier names, or
    None for no prize), or gives it back to the tier its rank falls in (``computed``). A reason
    is required; one ``entry.prize`` audit row holds the prize before and after, in the same
    transaction. Flushes; the request commits. Returns the entry's results row after."""
    round_ = db.session.get(Round, entry.round_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise Refusal("validation_error", 422, _l("Give the reason for moving the prize."),
                      details=[{"field": "reason", "message": str(_l("Give the reason for moving the prize."))}])
    if len(reason) > 2000:
        reason = reason[:2000]
    names = [t["name"] for t in round_.prizes or []]
    if not computed and prize is not None:
        prize = " ".join(str(prize).split())
        if prize not in names:
            message = _l("This round has no prize named “%(name)s”.", name=prize)
            raise Refusal("validation_error", 422, message,
                          details=[{"field": "prize", "message": str(message)}])
    before = entry_prize(round_, entry.id)
    row = db.session.get(PrizeOverride, entry.id)
    if computed:
        if row is not None:
            db.session.delete(row)
    else:
        if row is None:
            row = PrizeOverride(entry_id=entry.id, round_id=entry.round_id)
            db.session.add(row)
        row.prize, row.reason, row.set_at = prize, reason, utcnow()
        row.set_by_id = getattr(actor, "id", None)
    db.session.flush()
    after = entry_prize(round_, entry.id)
    old = {"prize": before["prize"], "by_hand": before["override"] is not None}
    new = {"prize": after["prize"], "by_hand": after["override"] is not None}
    record_change("entry.prize", "entry", entry.id, old, new, actor=actor, reason=reason, **_where(round_))
    return after




def codes_missing_sheets(round_id: int, stage: int) -> list[str]:
    """Codes (số phách) of the entries of a stage that still miss a submitted score sheet: an
    assigned sheet not submitted yet (assigned, draft, reopened), or no judge assigned at all."""
    assigned = select(Assignment.entry_id).where(Assignment.round_id == round_id, Assignment.stage == stage)
    pending = assigned.where(Assignment.status != "submitted")
    return list(db.session.execute(
        select(Entry.code).where(Entry.round_id == round_id, Entry.stage >= stage,
                                 or_(Entry.id.in_(pending), Entry.id.not_in(assigned)))
        .order_by(Entry.code)).scalars())


def set_normalization(round_, normalize: bool) -> bool:
    """Turn normalized final scores on or off (``judging.normalize``). False if already so."""
    settings = settings_to_change(round_)
    before = bool(settings.normalize_scores)
    if before == bool(normalize):
        return False
    settings.normalize_scores = bool(normalize)
    db.session.flush()
    record("judging.normalize", "round", round_.id, before={"normalize_scores": before},
           after={"normalize_scores": bool(normalize)}, **_where(round_))
    return True


def prize_labels() -> dict:
    return {"first": _l("First prize"), "second": _l("Second prize"), "third": _l("Third prize"),
            "honorable": _l("Honorable mention")}


# --- stages ------------------------------------------------------------------------------------

def shortlist(round_, top_n: int | None = None, entry_ids=None, criteria: list[dict] | None = None,
              name: str | None = None) -> int:
    """Open the next stage with the top N of the current one (or the entries picked by hand).
    The next stage gets its own criteria (the given ones, else a copy of the current ones)
    and its own judges; the scores of earlier stages stay as they were."""
    settings = settings_to_change(round_)
    current = settings.current_stage
    if entry_ids:
        chosen = [int(i) for i in entry_ids]
    elif top_n:
        table = ranked_stage(round_, current)
        chosen = [i["entry"].id for i in table[:int(top_n)]]
    else:
        raise Refusal("validation_error", 422, _l("Say how many entries go on, or pick them."))
    entries = {e.id: e for e in stage_entries(round_.id, current)}
    picked = [entries[i] for i in chosen if i in entries]
    if not picked:
        raise Refusal("validation_error", 422, _l("No entry of this stage was chosen."))
    nxt = current + 1
    record("stage.shortlist", "round", round_.id, before={"current_stage": current},
           after={"current_stage": nxt, "entries": sorted(e.code for e in picked)}, **_where(round_))
    for entry in picked:
        entry.stage = nxt
    settings.current_stage = nxt
    db.session.add(Stage(round_id=round_.id, number=nxt, name=(name or str(stage_names().get(nxt, nxt)))[:200]))
    if criteria is None:
        criteria = [{"name": c.name, "max_points": c.max_points, "weight": c.weight}
                    for c in criteria_rows(round_.id, current)]
    db.session.flush()
    set_criteria(round_, criteria, stage=nxt)
    db.session.flush()
    return len(picked)


def ranked_stage(round_, stage: int) -> list[dict]:
    table = stage_table(round_, stage)
    scored = [i for i in table["items"] if i["final"] is not None]
    scored.sort(key=lambda i: (-round(i["final"], 2), i["entry"].id))
    return scored


def unit_name(user: User | None) -> str | None:
    if user is None or user.unit_id is None:
        return None
    unit = db.session.get(Unit, user.unit_id)
    return unit.name if unit else None
