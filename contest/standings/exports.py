"""The standings' tables for export: the same rows the pages and the API read (service.py).

The column lists are the hook: a prize column is one more Column and one more value per row.

The API's GETs build a file in the request (``export_file``, ``report_file``); the organizer's
pages prepare the big ones as a background job (``start_export``, ``export_job``: kind "export",
progress per sheet and per ``ROW_BATCH`` rows written, the file kept by contest/jobs/files.py)."""
import json

from flask_babel import force_locale, get_locale
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


# --- as a background job (the pages) ------------------------------------------------------------

ROW_BATCH = 2000  # rows written between two progress reports
BUILT = 0.3  # of the progress bar: building the tables (the ranks, the item analysis); then writing


def tables_of(round_) -> dict:
    return ESSAY_TABLES if round_.kind == "essay" else TABLES


def ticking(rows, every: int, tick):
    """The rows as they are, calling ``tick(count)`` after every ``every`` rows and at the end.

    >>> seen = []
    >>> list(ticking(range(5), 2, seen.append)), seen
    ([0, 1, 2, 3, 4], [2, 4, 5])
    """
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % every == 0:
            tick(count)
    if count % every or count == 0:
        tick(count)


def _attempt_count(round_) -> int:
    return db.session.scalar(select(db.func.count()).where(Attempt.round_id == round_.id)) or 0


def _audit_count(round_) -> int:
    return db.session.scalar(select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.round_id == round_.id)) or 0


STREAMED = {"attempts": _attempt_count, "audit": _audit_count}  # tables whose rows stream: their count


def _read_first_on_sqlite(table: Table) -> None:
    """A reading cursor left open on SQLite holds the lock report_progress needs to write (a 5 s
    wait per report): there, streamed rows are read first (SQLite serves small installs)."""
    if not isinstance(table.rows, list) and db.engine.dialect.name == "sqlite":
        table.rows = list(table.rows)


def _write_with_progress(round_, tables: list[tuple[str, Table]], fmt: str, say, start: float,
                         end: float) -> bytes:
    """Write the (name, table)s, one sheet each (CSV: the one table), reporting how far it got
    every ROW_BATCH rows, from ``start`` to ``end`` of the bar."""
    from contest.exports.writer import write, write_xlsx

    sizes = [len(t.rows) if isinstance(t.rows, list) else STREAMED[name](round_) for name, t in tables]
    total = sum(sizes) or 1
    before = 0
    for (name, table), size in zip(tables, sizes):
        _read_first_on_sqlite(table)
        table.rows = ticking(table.rows, ROW_BATCH,
                             lambda n, before=before: say(start + (end - start) * (before + n) / total))
        before += size
    chosen = [t for _name, t in tables]
    return write_xlsx(*chosen) if len(chosen) > 1 else write(chosen[0], fmt)


def _report_tables_with_progress(round_, more, say) -> list[tuple[str, Table]]:
    """report_tables, built one by one with the progress between; ``more``: the functions of the
    extra sheets (called with the round's id)."""
    board = leaderboard_table(round_)  # first: reading the ranks freezes them once the round closed
    db.session.commit()  # the freeze (if any) stands, and its lock ends before progress is written
    steps = 2 + len(more)
    say(BUILT * 1 / steps)
    summary, units = summary_table(round_), units_table(round_)
    say(BUILT * 2 / steps)
    extra = []
    for number, builder in enumerate(more, 3):
        extra.append((builder.__name__, builder(round_.id)))
        say(BUILT * number / steps)
    return [("summary", summary), ("leaderboard", board), ("units", units), *extra,
            ("audit", audit_table(round_))]


def start_export(round_, table: str | None, fmt: str, actor, more=()) -> str:
    """Queue the job that writes one table of the round (``table``) or, with None, its report
    workbook (``more``: "package.module:function" of the extra sheets, the composing view's, as
    report_tables' ``more``); its id. An unknown table or format is refused here, starting nothing."""
    from contest.errors import Refusal
    from contest.jobs.service import enqueue, resolve

    if table is None:
        fmt = "xlsx"
    elif table not in tables_of(round_) or fmt not in ("xlsx", "csv"):
        raise Refusal("not_found", 404)
    for path in more:
        resolve(path)  # a wrong name fails in the request, not later in a worker
    return enqueue("export", "contest.standings.exports:export_job", started_by=actor, round_id=round_.id,
                   table=table, fmt=fmt, more=list(more), locale=str(get_locale() or "vi")).id


def export_job(job, round_id: int, table: str | None, fmt: str, more=(), locale: str = "vi") -> dict:
    """The background job: write the table (or the report workbook) in the language of the page
    that asked for it, with its progress, and keep the file for its download (GET /jobs/<id>/file)."""
    with force_locale(locale):
        return _export(job, round_id, table, fmt, more)


def _export(job, round_id: int, table: str | None, fmt: str, more) -> dict:
    from contest.errors import Refusal
    from contest.jobs.files import keep_file
    from contest.jobs.service import report_progress, resolve
    from contest.rounds.models import Round

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise Refusal("not_found", 404)

    def say(fraction):
        report_progress(job, fraction)

    if table is None:
        tables = _report_tables_with_progress(round_, [resolve(path) for path in more], say)
        name, mime = f"round-{round_.id}-report.xlsx", XLSX
    else:
        if table not in tables_of(round_):
            raise Refusal("not_found", 404)
        built = tables_of(round_)[table](round_)
        if table not in STREAMED:  # (never while a streaming cursor is open)
            db.session.commit()  # as the report: a freeze of the ranks stands before progress is written
        _read_first_on_sqlite(built)
        tables = [(table, built)]
        say(BUILT)
        name, mime = f"round-{round_.id}-{table}.{fmt}", {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}[fmt]
    data = _write_with_progress(round_, tables, fmt, say, BUILT, 0.95)
    return keep_file(job, name, mime, data)
