"""The audit trail's page for organizers: search by contest, round, person, action and dates."""
from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_babel import get_timezone

from contest.accounts.permissions import organizer_required
from contest.audit.api import trail
from contest.bounds import db_id, db_int
from contest.extensions import db
from contest.pagination import page_window, paginate
from contest.rounds.models import Contest, Round
from contest.rounds.scope import contests_for_request

bp = Blueprint("audit", __name__, url_prefix="/manage/audit")
PAGE = 50


def _day(text: str | None, *, end: bool = False):
    """A date typed in the form (YYYY-MM-DD, Vietnam time) as the UTC start of that day, or of the
    next day for the end of the range; None when empty or not a date."""
    try:
        day = datetime.strptime((text or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=get_timezone())


@bp.route("/")
@organizer_required
def index():
    filters = {
        "contest_id": request.args.get("contest_id", type=db_id),
        "round_id": request.args.get("round_id", type=db_id),
        "actor": (request.args.get("actor") or "").strip()[:150] or None,
        "action": (request.args.get("action") or "").strip()[:60] or None,
        "since": _day(request.args.get("from")),
        "until": _day(request.args.get("to"), end=True),
    }
    window = page_window(request.args.get("page", type=db_int), PAGE)
    page = paginate(trail(filters), window.offset, window.size)
    round_ = db.session.get(Round, filters["round_id"]) if filters["round_id"] else None
    contests = db.session.execute(contests_for_request(
        db.select(Contest).order_by(Contest.id.desc()))).scalars().all()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", events=page["items"], total=page["total"], window=window,
                           pages=window.pages(page["total"]), args=args, contests=contests, round=round_,
                           form_values=request.args)
