"""Pages: a quiz round's leaderboard and unit participation; publishing results."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.accounts.permissions import login_required, organizer_required
from contest.accounts.redirects import safe_next
from contest.accounts.registration import for_contest, registration_options
from contest.errors import not_found
from contest.extensions import db
from contest.jobs.loaders import requested_job
from contest.ratelimit import limited
from contest.rounds.forms import ContestStandingsForm, EmptyForm
from contest.rounds.flags import user_flags
from contest.rounds.loaders import get_contest_or_404, get_quiz_round_or_404, get_round_or_404
from contest.standings import board, publishing, search
from contest.standings.contests import contest_standings, contest_units, update_contest
from contest.standings.exports import contest_export_file, export_file, start_export
from contest.standings.loaders import get_visible_contest_or_404, get_visible_quiz_round_or_404
from contest.standings.member_results import member_results
from contest.standings.public import contest_winners, get_public_contest_or_404, plain_summary, round_winners
from contest.standings.overall import UNIT_ORDERS, rank_units
from contest.standings.service import unit_participation
from contest.bounds import db_int
from contest.certificates.service import of_user as certificates_of_user
from contest.pagination import page_of, page_window

bp = Blueprint("standings", __name__)
PAGE = 50


@bp.route("/rounds/<int:round_id>/leaderboard")
def round_leaderboard(round_id):
    """One page of PAGE ranked rows, searched by name (?q=, the API's rule), with the signed-in
    member's own row highlighted and a link to the page that holds it."""
    # The signed-in user, resolved once: comparing current_user.id row by row resolved the proxy
    # once per row (43 % of the page's CPU on a 2,000-row board, issue 10).
    user = current_user._get_current_object() if current_user.is_authenticated else None
    round_ = get_visible_quiz_round_or_404(round_id, user)
    q = (request.args.get("q") or "").strip()[:search.MAX_QUERY]
    # Final ranks a page at a time from the frozen table (board.py: a seek on the rank column),
    # whatever the board's size; a live board a page of the database's ranking (LIMIT/OFFSET);
    # a search windows the cached whole board.
    shown = board.html_page(round_, request.args.get("page", 1, type=db_int), PAGE, q,
                            user.id if user is not None else None)
    refused = None
    if user is not None and user.is_organizer and not round_.results_published:
        refused = publishing.refusal(round_)
    # Implausible attempts (rounds/flags.py): the organizers' alone, for the rows of this page.
    flags = (user_flags(round_.id, [r["user_id"] for r in shown["rows"]])
             if user is not None and user.is_organizer else {})
    return render_template("standings/leaderboard.html", round=round_, q=q, form=EmptyForm(), **shown,
                           flags=flags, job=_organizers_job(),
                           publish_refused=publishing.refusal_message(refused) if refused else None)


@bp.route("/rounds/<int:round_id>/units")
def round_units(round_id):
    round_ = get_visible_quiz_round_or_404(round_id, current_user if current_user.is_authenticated else None)
    by = _unit_order()
    return render_template("standings/units.html", round=round_, by=by,
                           rows=rank_units(unit_participation(round_), by), form=EmptyForm(),
                           job=_organizers_job())


def _unit_order() -> str:
    """?by=rate (the default) or ?by=participants; anything else is the default."""
    by = request.args.get("by", "rate")
    return by if by in UNIT_ORDERS else "rate"


def _organizers_job():
    """The export job the organizer was sent back with (?job=), for its progress bar."""
    user = _viewer()
    return requested_job(user) if user is not None and user.is_organizer else None


def _viewer():
    return current_user if current_user.is_authenticated else None


@bp.route("/contests/<int:contest_id>/standings")
def contest_standings_page(contest_id):
    """The contest standings: organizers always, everyone once the contest publishes them."""
    contest = get_visible_contest_or_404(contest_id, _viewer())
    rows = contest_standings(contest)
    window = page_window(request.args.get("page", 1, type=db_int), PAGE)
    mine = None
    if current_user.is_authenticated:
        mine = next((r for r in rows if r["user_id"] == current_user.id), None)
    return render_template("standings/contest_standings.html", contest=contest, total=len(rows),
                           rows=page_of(rows, window.offset, PAGE)["items"], page=window.number,
                           pages=window.pages(len(rows)), mine=mine)


@bp.route("/contests/<int:contest_id>/units")
def contest_units_page(contest_id):
    contest = get_visible_contest_or_404(contest_id, _viewer())
    by = _unit_order()
    return render_template("standings/contest_units.html", contest=contest, by=by, rows=contest_units(contest, by))


@bp.route("/contests/<int:contest_id>/export/standings.<any(xlsx, csv):fmt>")
@organizer_required
@limited("export")
def contest_export_standings(contest_id, fmt):
    return contest_export_file(get_contest_or_404(contest_id), "standings", fmt)


@bp.route("/contests/<int:contest_id>/export/units.<any(xlsx, csv):fmt>")
@organizer_required
@limited("export")
def contest_export_units(contest_id, fmt):
    return contest_export_file(get_contest_or_404(contest_id), "units", fmt)


@bp.route("/manage/contests/<int:contest_id>/standings", methods=["POST"])
@organizer_required
def contest_standings_settings(contest_id):
    """The organizer's contest page: save the standings rule, the contest's prize tiers and its
    self-registration switch, or publish (publish=1) or hide
    (publish=0) the contest standings. Audited (contests.update_contest)."""
    contest = get_contest_or_404(contest_id)
    form = ContestStandingsForm()
    if "publish" in request.form:
        if not EmptyForm().validate_on_submit():
            abort(400)
        wanted = request.form.get("publish") == "1"
        update_contest(contest, {"standings_published": wanted}, actor=current_user._get_current_object())
        message = _("Standings published: everyone can now see them.") if wanted else _("Standings hidden again.")
    else:
        if not form.validate_on_submit():
            if not form.prizes.errors:  # the CSRF token or a choice no page offers
                abort(400)
            for error in form.prizes.errors:
                flash(error, "danger")
            return redirect(url_for("rounds.manage_contest", contest_id=contest.id))
        changes = {"standings_rule": form.standings_rule.data}
        # Only what the form sent: a client posting the rule alone keeps the tiers and the switch.
        if "prizes" in request.form:
            changes["prizes"] = form.prize_tiers()
        if "registration" in request.form:
            changes["registration"] = form.registration.data
        update_contest(contest, changes, actor=current_user._get_current_object())
        message = _("Contest saved.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("rounds.manage_contest", contest_id=contest.id))


@bp.route("/manage/rounds/<int:round_id>/publish", methods=["POST"])
@organizer_required
def publish(round_id):
    """Publish (publish=1) or hide (publish=0) a quiz round's results, as the publishing rule allows.
    Writing rounds publish from their results page, with its confirmation."""
    round_ = get_quiz_round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next")) or url_for("standings.round_leaderboard", round_id=round_id)
    wanted = request.form.get("publish", "1") == "1"
    try:
        publishing.set_published(round_, wanted, actor=current_user._get_current_object())
    except publishing.PublishRefused as refused:
        db.session.rollback()
        flash(publishing.refusal_message(refused.refusal), "danger")
        return redirect(back)
    db.session.commit()
    flash(_("Results published: everyone can now see the leaderboard.") if wanted
          else _("Results hidden again."), "success")
    return redirect(back)


# The pages' downloads. The small tables (one row per unit; a writing round's results, one row per
# entry) are downloaded at once; the big ones (the leaderboard, one row per participant; every
# attempt; the audit log) and the report workbook are prepared by a background job, whose
# progress the page shows before its link (GET /jobs/<id>/file). The API's GETs answer with the
# file in the request, as ever (its clients wait).
DIRECT_TABLES = ("units", "results")
# The report's extra sheet of a feature above standings, named for the job (export_job resolves it).
REPORT_MORE = ("question_bank.service:question_statistics_table",)


@bp.route("/rounds/<int:round_id>/export/<any(leaderboard, units, attempts, audit, results):table>.<any(xlsx, csv):fmt>")
@organizer_required
@limited("export")
def export(round_id, table, fmt):
    """The page's download buttons of the small tables (session sign-in): the API's files. The
    big ones are prepared (prepare_export): 404 here."""
    round_ = get_round_or_404(round_id)
    if table not in DIRECT_TABLES:
        raise not_found()
    return export_file(round_, table, fmt)


def _prepared(round_, table, fmt):
    """Start the export job, then back to the page named by ``next`` (or the leaderboard) with
    its progress bar."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    job_id = start_export(round_, table, fmt, current_user._get_current_object(),
                          more=REPORT_MORE if table is None else ())
    db.session.commit()
    back = safe_next(request.form.get("next")) or url_for("standings.round_leaderboard", round_id=round_.id)
    return redirect(_with_job(back, job_id))


def _with_job(url: str, job_id: str) -> str:
    """The page's address with ?job=<id> (its other query arguments kept).

    >>> _with_job("/rounds/3/units?by=participants", "abc")
    '/rounds/3/units?by=participants&job=abc'
    """
    return f"{url}{'&' if '?' in url else '?'}job={job_id}"


@bp.route("/rounds/<int:round_id>/export/<any(leaderboard, units, attempts, audit, results):table>.<any(xlsx, csv):fmt>/prepare",
          methods=["POST"])
@organizer_required
@limited("export")
def prepare_export(round_id, table, fmt):
    """Any table of the round as a job; the pages' buttons use it for the big ones."""
    return _prepared(get_round_or_404(round_id), table, fmt)


@bp.route("/rounds/<int:round_id>/report/prepare", methods=["POST"])
@organizer_required
@limited("export")
def prepare_report(round_id):
    return _prepared(get_quiz_round_or_404(round_id), None, "xlsx")


@bp.route("/manage/rounds/<int:round_id>/dashboard")
@organizer_required
def round_dashboard(round_id):
    """The live dashboard page: the numbers come from the JSON API, refreshed every few seconds."""
    from contest.standings.dashboard import PERIOD_SECONDS

    round_ = get_quiz_round_or_404(round_id)
    return render_template("standings/dashboard.html", round=round_,
                           interval_ms=request.args.get("interval_ms", PERIOD_SECONDS * 1000, type=_interval))


def _interval(value: str) -> int:
    """The refresh interval a test may shorten, between 0.2 s and a minute."""
    return min(max(int(value), 200), 60000)


# --- the public contest page and a member's own results (issue 9 points 2 and 4) -------------

@bp.route("/contests/<int:contest_id>")
def contest_page(contest_id):
    """A contest as anyone may share it (no sign-in for a published or archived contest): its
    rules, rounds and windows, links to what is published, the winners of each published round."""
    contest = get_public_contest_or_404(contest_id, _viewer())
    rounds = [{"round": r, "published": publishing.can_see_results(r, None), "winners": round_winners(r)}
              for r in contest.rounds]
    registration_open = False
    if not current_user.is_authenticated:  # the "Register" link: only where the form would take one
        registration_open = not for_contest(registration_options(current_app.config.get("SELF_REGISTRATION", True)),
                                            contest.registration).closed
    return render_template("standings/contest_page.html", contest=contest, rounds=rounds,
                           summary=plain_summary(contest.description), winners=contest_winners(contest),
                           registration_open=registration_open)


@bp.route("/me/results")
@login_required
def my_results():
    user = current_user._get_current_object()
    rows = member_results(user)
    held = {}  # the rows' certificates hook: the member's certificates not revoked, one query
    for certificate in certificates_of_user(user.id):
        if not certificate.revoked:
            held.setdefault(certificate.round_id, []).append(
                {"code": certificate.code, "url": url_for("certificates.certificate_pdf", code=certificate.code)})
    for row in rows:
        row["certificates"] = held.get(row["round_id"], [])
    db.session.commit()  # expire_overdue may have scored an attempt whose time was up
    return render_template("standings/my_results.html", rows=rows)
