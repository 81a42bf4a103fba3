"""The standings' tables for export: the same rows the pages and the API read (service.py).

The column lists are the hook: a prize column is one more Column and one more value per row."""
import json

from flask_babel import gettext as _
from sqlalchemy import select

from contest.accounts.models import User
from contest.audit.models import AuditEvent
from contest.clock import utcnow
from contest.extensions import db
from contest.judging.service import ranked, unit_name
from contest.rounds.flags import attempt_flags
from contest.rounds.models import Attempt

from contest.exports.writer import Column, Table
from contest.standings.contests import contest_standings, contest_units
from contest.standings.service import leaderboard, unit_participation


def leaderboard_table(round_) -> Table:
    columns = [Column(_("Rank"), "int"), Column(_("Full name"), "text"), Column(_("Unit"), "text"),
               Column(_("Score"), "float"), Column(_("Correct answers"), "int"),
               Column(_("Prediction"), "int"), Column(_("Prediction gap"), "int"),
               Column(_("Duration"), "duration"), Column(_("Submitted at"), "datetime"),
               Column(_("Prize"), "text")]
    rows = ([r["rank"], r["display_name"], r["unit"], r["score"], r["correct_count"], r["prediction"],
             r["prediction_gap"], r["duration_seconds"], r["submitted_at"], r.get("prize")]
            for r in leaderboard(round_))
    return Table(_("Leaderboard"), columns, list(rows))


def units_table(round_) -> Table:
    columns = [Column(_("Unit"), "text"), Column(_("Registered members"), "int"), Column(_("Members who took part"), "int"),
               Column(_("Participation rate"), "percent"), Column(_("Average score"), "float")]
    rows = ([u["unit"], u["members"], u["participants"], u["participation_rate"], u["average_score"]]
            for u in unit_participation(round_))
    return Table(_("Units"), columns, list(rows))


def attempts_table(round_) -> Table:
    """Every attempt of the round, streamed from the database in batches, with the reasons an
    organizer may want to look at it (rounds/flags.py; the export is the organizers')."""
    columns = [Column(_("Full name"), "text"), Column(_("Attempt"), "int"), Column(_("Status"), "text"),
               Column(_("Started at"), "datetime"), Column(_("Submitted at"), "datetime"),
               Column(_("Score"), "float"), Column(_("To check"), "text")]
    flagged = attempt_flags(round_.id)
    query = (select(Attempt.id, User.full_name, Attempt.number, Attempt.status, Attempt.started_at,
                    Attempt.submitted_at, Attempt.score)
             .join(User, User.id == Attempt.user_id).where(Attempt.round_id == round_.id)
             .order_by(Attempt.id).execution_options(yield_per=2000))
    return Table(_("Attempts"), columns, ((*r[1:], " ".join(flagged.get(r[0], [])) or None)
                                          for r in db.session.execute(query)))


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def audit_table(round_) -> Table:
    columns = [Column(_("Time"), "datetime"), Column(_("Person"), "text"), Column(_("Action"), "text"),
               Column(_("Object"), "text"), Column(_("Before"), "text"), Column(_("After"), "text"),
               Column(_("Reason"), "text")]
    query = (select(AuditEvent.at, User.full_name, AuditEvent.action, AuditEvent.object_type,
                    AuditEvent.object_id, AuditEvent.before, AuditEvent.after, AuditEvent.reason)
             .outerjoin(User, User.id == AuditEvent.actor_id).where(AuditEvent.round_id == round_.id)
             .order_by(AuditEvent.at, AuditEvent.id))
    rows = ((at, who, action, f"{kind} #{oid}" if oid is not None else kind, _json(before), _json(after),
             reason) for at, who, action, kind, oid, before, after, reason in db.session.execute(query))
    return Table(_("Audit log"), columns, rows)


def results_table(round_) -> Table:
    """A writing round's ranked results (judging.service.ranked: the results page's rows), with
    each entry's prize (moved by hand or its tier)."""
    columns = [Column(_("Rank"), "int"), Column(_("Code"), "text"), Column(_("Title"), "text"),
               Column(_("Author"), "text"), Column(_("Unit"), "text"), Column(_("Score"), "float"),
               Column(_("Stage"), "int"), Column(_("Prize"), "text")]
    rows = [[i["rank"], i["entry"].code, i["entry"].title,
             i["entry"].author.full_name if i["entry"].author else None, unit_name(i["entry"].author),
             i["final_score"], i["stage"], i["prize"]] for i in ranked(round_)]
    return Table(_("Results"), columns, rows)


TABLES = {"leaderboard": leaderboard_table, "units": units_table, "attempts": attempts_table,
          "audit": audit_table}
ESSAY_TABLES = {"results": results_table, "audit": audit_table}


def summary_table(round_) -> Table:
    """The report's first sheet: what the round is and whether its ranks are final."""
    members = db.session.scalar(select(db.func.count()).select_from(User))
    participants = db.session.scalar(select(db.func.count(db.distinct(Attempt.user_id)))
                                     .where(Attempt.round_id == round_.id))
    attempts = db.session.scalar(select(db.func.count()).where(Attempt.round_id == round_.id))
    yes, no = _("Yes"), _("No")
    rows = [(_("Contest"), round_.contest.title, None, None), (_("Round"), round_.title, None, None),
            (_("Opens at"), None, round_.opens_at, None), (_("Closes at"), None, round_.closes_at, None),
            (_("Members"), None, None, members), (_("Participants"), None, None, participants),
            (_("Attempts"), None, None, attempts),
            (_("Final ranks"), yes if round_.standings_frozen_at is not None else no, None, None),
            (_("Published"), yes if round_.results_published else no, None, None),
            (_("Generated at"), None, utcnow(), None)]
    columns = [Column(_("Item"), "text"), Column(_("Value"), "text"), Column(_("Time"), "datetime"),
               Column(_("Count"), "int")]
    return Table(_("Summary"), columns, rows)


def report_tables(round_, more=()) -> list[Table]:
    """The round's report, one sheet per table. `more` are sheets of features above standings,
    which the composing view passes in: the question statistics (question_bank.editing)."""
    board = leaderboard_table(round_)  # first: reading the ranks freezes them once the round closed
    return [summary_table(round_), board, units_table(round_), *more, audit_table(round_)]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_file(round_, table: str, fmt: str):
    """One table of a round as a download (the API's and the page's); 404 for a table its kind
    has not (writing rounds: results and audit) or an unknown format."""
    from flask import Response

    from contest.errors import Refusal
    from contest.exports.writer import write

    tables = ESSAY_TABLES if round_.kind == "essay" else TABLES
    if table not in tables or fmt not in ("xlsx", "csv"):
        raise Refusal("not_found", 404)
    mime = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}[fmt]
    return Response(write(tables[table](round_), fmt), mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="round-{round_.id}-{table}.{fmt}"'})


def report_file(round_, more=()):
    """The round's report workbook as a download (`more`: as report_tables)."""
    from flask import Response

    from contest.exports.writer import write_xlsx

    return Response(write_xlsx(*report_tables(round_, more)), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="round-{round_.id}-report.xlsx"'})


def contest_standings_table(contest) -> Table:
    """The contest standings across its counted rounds, as the API and the page show them."""
    columns = [Column(_("Rank"), "int"), Column(_("Full name"), "text"), Column(_("Unit"), "text"),
               Column(_("Total score"), "float"), Column(_("Rounds counted"), "int"), Column(_("Prize"), "text")]
    rows = ([r["rank"], r["display_name"], r["unit"], r["total_score"], r["rounds_counted"], r["prize"]]
            for r in contest_standings(contest))
    return Table(_("Contest standings"), columns, list(rows))


def contest_units_table(contest, by: str = "rate") -> Table:
    columns = [Column(_("Rank"), "int"), Column(_("Unit"), "text"), Column(_("Registered members"), "int"),
               Column(_("Members who took part"), "int"), Column(_("Participation rate"), "percent"),
               Column(_("Average score"), "float")]
    rows = ([u["rank"], u["unit"], u["members"], u["participants"], u["participation_rate"], u["average_score"]]
            for u in contest_units(contest, by))
    return Table(_("Units"), columns, list(rows))


CONTEST_TABLES = {"standings": contest_standings_table, "units": contest_units_table}


def contest_export_file(contest, table: str, fmt: str):
    """One table of a contest as a download (the API's and the page's); 404 for an unknown
    table or format."""
    from flask import Response

    from contest.errors import Refusal
    from contest.exports.writer import write

    if table not in CONTEST_TABLES or fmt not in ("xlsx", "csv"):
        raise Refusal("not_found", 404)
    mime = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}[fmt]
    return Response(write(CONTEST_TABLES[table](contest), fmt), mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="contest-{contest.id}-{table}.{fmt}"'})
