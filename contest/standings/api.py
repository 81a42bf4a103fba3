"""API v1: leaderboards and unit participation of quiz rounds."""
import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint

from contest.accounts.permissions import current_actor, roles_required
from contest.api import fields
from contest.api.core import Page, errors, page_of
from contest.rounds.loaders import get_contest_or_404, get_quiz_round_or_404, get_round_or_404
from contest.standings.contests import contest_standings, contest_units
from contest.standings.exports import contest_export_file, export_file, report_file
from contest.standings.dashboard import cached_dashboard
from contest.standings.loaders import get_visible_contest_or_404, get_visible_quiz_round_or_404
from contest.standings.overall import UNIT_ORDERS, rank_units
from contest.standings import board
from contest.standings.search import MAX_QUERY
from contest.certificates.service import of_user as certificates_of_user
from contest.extensions import db
from contest.ratelimit import limited
from contest.standings.member_results import member_results
from contest.standings.service import unit_participation
from question_bank.service import question_statistics_table

blp = Blueprint("api_standings", __name__, description="Leaderboards")


class LeaderRow(ma.Schema):
    rank = ma.fields.Integer()
    display_name = ma.fields.String()
    unit = ma.fields.String(allow_none=True)
    score = ma.fields.Float()
    correct_count = ma.fields.Integer()
    prediction = ma.fields.Integer(allow_none=True)
    prediction_gap = ma.fields.Integer(allow_none=True)
    duration_seconds = ma.fields.Float()
    submitted_at = ma.fields.DateTime()
    prize = ma.fields.String(allow_none=True)


class LeaderList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LeaderRow))
    total = ma.fields.Integer()
    final = ma.fields.Boolean()
    prediction_truth = ma.fields.Integer(allow_none=True)


class UnitRow(ma.Schema):
    rank = ma.fields.Integer()
    unit_id = ma.fields.Integer()
    unit = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    members = ma.fields.Integer()
    participants = ma.fields.Integer()
    participation_rate = ma.fields.Float()
    average_score = ma.fields.Float(allow_none=True)


class UnitParticipationList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UnitRow))
    total = ma.fields.Integer()


class LeaderQuery(Page):
    q = fields.Text(load_default=None, validate=ma.validate.Length(max=MAX_QUERY), metadata={
        "description": "Members whose name matches, without diacritics: every word begins a word "
                       "of the name (\"nguyen van a\" finds \"Nguyễn Văn A\"); `total` counts the matches"})


class UnitPage(Page):
    by = ma.fields.String(load_default="rate", validate=ma.validate.OneOf(UNIT_ORDERS),
                          metadata={"description": "`rate` (participation rate, the default) or `participants`"})


class ContestStandingRow(ma.Schema):
    rank = ma.fields.Integer()
    display_name = ma.fields.String()
    unit = ma.fields.String(allow_none=True)
    total_score = ma.fields.Float()
    rounds_counted = ma.fields.Integer()
    prize = ma.fields.String(allow_none=True)


class ContestStandingList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ContestStandingRow))
    total = ma.fields.Integer()


@blp.route("/rounds/<int:round_id>/leaderboard")
@blp.arguments(LeaderQuery, location="query")
@blp.response(200, LeaderList)
@errors(E403="`forbidden`: the results are not published yet")
def round_leaderboard(args, round_id):
    """Ranked rows, best first, a window of them; with `q`, only the matching members (their
    rank on the whole board kept), by the same rule as the page (contest/standings/search.py)."""
    round_ = get_visible_quiz_round_or_404(round_id, current_actor())
    # Final ranks: the window read from the frozen table by a seek on the rank (board.py); live
    # ranks: the window of the database's ranking (LIMIT/OFFSET over the ranked rows).
    page = board.api_page(round_, args["offset"], args["limit"], args["q"])
    page["final"] = round_.standings_frozen_at is not None
    page["prediction_truth"] = round_.prediction_truth
    return page


@blp.route("/rounds/<int:round_id>/units")
@blp.arguments(UnitPage, location="query")
@blp.response(200, UnitParticipationList)
@errors(E403="`forbidden`: the results are not published yet")
def round_units(args, round_id):
    rows = unit_participation(get_visible_quiz_round_or_404(round_id, current_actor()))
    return page_of(rank_units(rows, args["by"]), args)


@blp.route("/contests/<int:contest_id>/standings")
@blp.arguments(Page, location="query")
@blp.response(200, ContestStandingList)
@errors(E403="`forbidden`: the contest's standings are not published yet")
def contest_standings_list(args, contest_id):
    """The contest's standings over its rounds whose results are published, by its `standings_rule`."""
    return page_of(contest_standings(get_visible_contest_or_404(contest_id, current_actor())), args)


@blp.route("/contests/<int:contest_id>/units")
@blp.arguments(UnitPage, location="query")
@blp.response(200, UnitParticipationList)
@errors(E403="`forbidden`: the contest's standings are not published yet")
def contest_units_list(args, contest_id):
    """Participation by unit for the whole contest (a unit counts its sub-units' members)."""
    return page_of(contest_units(get_visible_contest_or_404(contest_id, current_actor()), args["by"]), args)


@blp.route("/contests/<int:contest_id>/export/standings.<any(xlsx, csv):fmt>")
@roles_required("organizer")
@errors(E404="`not_found`: no such contest or format")
@limited("export")
def contest_export_standings(contest_id, fmt):
    """The contest standings as a file."""
    return contest_export_file(get_contest_or_404(contest_id), "standings", fmt)


@blp.route("/contests/<int:contest_id>/export/units.<any(xlsx, csv):fmt>")
@roles_required("organizer")
@errors(E404="`not_found`: no such contest or format")
@limited("export")
def contest_export_units(contest_id, fmt):
    """The contest's unit table (by participation rate) as a file."""
    return contest_export_file(get_contest_or_404(contest_id), "units", fmt)


@blp.route("/rounds/<int:round_id>/export/<any(leaderboard, units, attempts, audit, results):table>.<any(xlsx, csv):fmt>")
@roles_required("organizer")
@errors(E404="`not_found`: no such round, table for its kind, or format")
@limited("export")
def round_export(round_id, table, fmt):
    return export_file(get_round_or_404(round_id), table, fmt)


@blp.route("/rounds/<int:round_id>/report.xlsx")
@roles_required("organizer")
@errors(E404="`not_found`: no such quiz round")
@limited("export")
def round_report(round_id):
    round_ = get_quiz_round_or_404(round_id)
    return report_file(round_, more=[question_statistics_table(round_.id)])
class DashboardBucket(ma.Schema):
    start = ma.fields.DateTime()
    label = ma.fields.String()
    started = ma.fields.Integer()
    finished = ma.fields.Integer()


class DashboardScore(ma.Schema):
    score = ma.fields.Float()
    count = ma.fields.Integer()


class DashboardUnit(ma.Schema):
    unit_id = ma.fields.Integer()
    unit = ma.fields.String()
    participants = ma.fields.Integer()


class DashboardMissed(ma.Schema):
    question_id = ma.fields.Integer()
    text = ma.fields.String()
    missed = ma.fields.Integer()


class Dashboard(ma.Schema):
    round_id = ma.fields.Integer()
    generated_at = ma.fields.DateTime()
    active_now = ma.fields.Integer()
    started = ma.fields.Integer()
    finished = ma.fields.Integer()
    buckets = ma.fields.List(ma.fields.Nested(DashboardBucket))
    scores = ma.fields.List(ma.fields.Nested(DashboardScore))
    units = ma.fields.List(ma.fields.Nested(DashboardUnit))
    missed = ma.fields.List(ma.fields.Nested(DashboardMissed))


@blp.route("/rounds/<int:round_id>/dashboard")
@roles_required("organizer")
@blp.response(200, Dashboard)
def round_dashboard(round_id):
    """The live dashboard of a quiz round (organizers): cached per round and 5-second period."""
    return cached_dashboard(get_quiz_round_or_404(round_id))


class MyCertificate(ma.Schema):
    code = ma.fields.String()
    url = ma.fields.String(metadata={"description": "the certificate's PDF (GET /api/v1/certificates/{code}.pdf)"})


class MyResultRow(ma.Schema):
    kind = ma.fields.String(metadata={"description": "`quiz` or `essay`"})
    round_id = ma.fields.Integer()
    round = ma.fields.String()
    contest_id = ma.fields.Integer()
    contest = ma.fields.String()
    submitted_at = ma.fields.DateTime(allow_none=True)
    published = ma.fields.Boolean(metadata={"description": "the round's results are published and final: "
                                                           "until then `rank`, `prize` and `final_score` are null"})
    rank = ma.fields.Integer(allow_none=True)
    prize = ma.fields.String(allow_none=True)
    attempt_id = ma.fields.Integer(allow_none=True, metadata={"description": "quiz: the counted attempt"})
    attempts = ma.fields.Integer(allow_none=True, metadata={"description": "quiz: the member's finished attempts"})
    score = ma.fields.Float(allow_none=True)
    max_score = ma.fields.Float(allow_none=True)
    correct_count = ma.fields.Integer(allow_none=True)
    question_count = ma.fields.Integer(allow_none=True)
    duration_seconds = ma.fields.Float(allow_none=True)
    entry_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String(allow_none=True, metadata={"description": "writing: the entry's title"})
    final_score = ma.fields.Float(allow_none=True, metadata={"description": "writing: once published"})
    certificates = ma.fields.List(ma.fields.Nested(MyCertificate))


class MyResultList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MyResultRow))
    total = ma.fields.Integer()


@blp.route("/me/results")
@roles_required()
@blp.arguments(Page, location="query")
@blp.response(200, MyResultList)
def my_results(args):
    """Every round the signed-in user took, newest first (the page "Kết quả của tôi"): a quiz
    round's counted attempt, a writing round's entry; rank and prize once published."""
    user = current_actor()
    rows = member_results(user)
    held = {}  # the member's certificates not revoked, one query
    for certificate in certificates_of_user(user.id):
        if not certificate.revoked:
            held.setdefault(certificate.round_id, []).append(
                {"code": certificate.code,
                 "url": url_for("api_certificates.certificate_pdf", code=certificate.code)})
    for row in rows:
        row["certificates"] = held.get(row["round_id"], [])
    db.session.commit()  # an attempt whose time was up has been scored
    return page_of(rows, args)
