"""Pages: a quiz round's leaderboard and unit participation; publishing results."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.accounts.permissions import organizer_required
from contest.accounts.redirects import safe_next
from contest.extensions import db
from contest.rounds.forms import EmptyForm
from contest.rounds.loaders import get_quiz_round_or_404, get_round_or_404
from contest.standings import publishing
from contest.standings.exports import export_file, report_file
from contest.standings.loaders import get_visible_quiz_round_or_404
from contest.standings.service import leaderboard, unit_participation
from contest.bounds import db_int
from contest.pagination import page_of, page_window

bp = Blueprint("standings", __name__)
PAGE = 100


@bp.route("/rounds/<int:round_id>/leaderboard")
def round_leaderboard(round_id):
    round_ = get_visible_quiz_round_or_404(round_id, current_user if current_user.is_authenticated else None)
    rows = leaderboard(round_)
    window = page_window(request.args.get("page", 1, type=db_int), PAGE)
    mine = None
    if current_user.is_authenticated:
        mine = next((r for r in rows if r["user_id"] == current_user.id), None)
    refused = None
    if current_user.is_authenticated and current_user.is_organizer and not round_.results_published:
        refused = publishing.refusal(round_)
    return render_template("standings/leaderboard.html", round=round_, rows=page_of(rows, window.offset, PAGE)["items"],
                           total=len(rows), page=window.number, pages=window.pages(len(rows)), mine=mine,
                           form=EmptyForm(),
                           publish_refused=publishing.refusal_message(refused) if refused else None)


@bp.route("/rounds/<int:round_id>/units")
def round_units(round_id):
    round_ = get_visible_quiz_round_or_404(round_id, current_user if current_user.is_authenticated else None)
    return render_template("standings/units.html", round=round_, rows=unit_participation(round_))


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


@bp.route("/rounds/<int:round_id>/export/<any(leaderboard, units, attempts, audit, results):table>.<any(xlsx, csv):fmt>")
@organizer_required
def export(round_id, table, fmt):
    """The page's download buttons (session sign-in): the same files as the API's."""
    return export_file(get_round_or_404(round_id), table, fmt)


@bp.route("/rounds/<int:round_id>/report.xlsx")
@organizer_required
def report(round_id):
    return report_file(get_quiz_round_or_404(round_id))
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
