"""Pages: contests and rounds for members (take a round) and organizers (schedule them)."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from contest.accounts.permissions import login_required, organizer_required
from contest.clock import utcnow
from contest.dbtypes import nfc
from contest.extensions import db
from contest.rounds import service, timing
from contest.rounds.forms import ContestForm, EmptyForm, QuizRoundForm, SubmitForm
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.prediction import PREDICTION_MAX, PredictionInvalid, read_prediction
from contest.rounds.schedule import RoundInvalid, apply_round_fields
from contest.standings import publishing
from contest.standings.service import can_see_results, member_standing
from question_bank.models import Topic

bp = Blueprint("rounds", __name__)


def refusal_message(code: str) -> str:
    return {
        "round_not_open": _("This round is not open right now."),
        "attempts_exhausted": _("You have used all your attempts for this round."),
        "attempt_closed": _("Time is up: this attempt no longer accepts answers."),
        "invalid_option": _("That option does not belong to this question."),
        "round_not_ready": _("This round cannot draw its questions right now. Please tell the organizers."),
        "not_found": _("Not found."),
    }.get(code, _("The request failed."))


def _round_or_404(round_id) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


def _my_attempt(attempt_id) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or (attempt.user_id != current_user.id and not current_user.is_organizer):
        abort(404)
    service.expire_overdue(attempt=attempt)
    return attempt


# --- members ------------------------------------------------------------------------------

@bp.route("/")
def home():
    contests = db.session.execute(
        select(Contest).options(selectinload(Contest.rounds)).order_by(Contest.id.desc())
    ).scalars().all()
    now = utcnow()
    return render_template("rounds/home.html", contests=contests, now=now,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at))


@bp.route("/rounds/<int:round_id>")
def round_page(round_id):
    round_ = _round_or_404(round_id)
    if round_.kind == "essay":
        return redirect(url_for("essays.round_page", round_id=round_id))
    now = utcnow()
    attempts, current, left = [], None, None
    if current_user.is_authenticated:
        service.expire_overdue(round_id=round_.id, user_id=current_user.id)
        attempts = db.session.execute(
            select(Attempt).where(Attempt.round_id == round_.id, Attempt.user_id == current_user.id)
            .order_by(Attempt.number)).scalars().all()
        current = next((a for a in attempts if a.status == "in_progress"), None)
        left = service.attempts_left(round_, current_user.id)
    return render_template(
        "rounds/round.html", round=round_, state=timing.round_state(now, round_.opens_at, round_.closes_at),
        attempts=attempts, current=current, left=left, form=EmptyForm(),
        results_visible=can_see_results(round_, current_user if current_user.is_authenticated else None))


@bp.route("/rounds/<int:round_id>/start", methods=["POST"])
@login_required
def start(round_id):
    round_ = _round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt, _created = service.start_attempt(round_, current_user)
    except service.RoundError as error:
        flash(refusal_message(error.code), "warning")
        return redirect(url_for("rounds.round_page", round_id=round_id))
    return redirect(url_for("rounds.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id):
    attempt = _my_attempt(attempt_id)
    if attempt.finished:
        return redirect(url_for("rounds.result", attempt_id=attempt.id))
    return _take_page(attempt)


def _take_page(attempt: Attempt, prediction_text: str | None = None,
               prediction_error: str | None = None, status: int = 200):
    """The attempt being taken; an organizer looking at a member's attempt sees it read-only."""
    readonly = attempt.user_id != current_user.id
    view = service.attempt_view(attempt)
    if prediction_text is None:
        prediction_text = "" if view["prediction"] is None else str(view["prediction"])
    return render_template("rounds/take.html", attempt=attempt, round=attempt.round, view=view,
                           form=SubmitForm(), readonly=readonly, prediction_text=prediction_text,
                           prediction_error=prediction_error,
                           prediction_max=PREDICTION_MAX), status


@bp.route("/attempts/<int:attempt_id>/state")
@login_required
def state(attempt_id):
    """The attempt as JSON for the page's script (restore after reload, other device)."""
    view = service.attempt_view(_my_attempt(attempt_id))
    for key in ("started_at", "deadline", "server_time"):
        view[key] = view[key].isoformat()
    if view.get("result"):
        view["result"]["submitted_at"] = view["result"]["submitted_at"].isoformat()
    return jsonify(view)


@bp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["POST"])
@login_required
def save(attempt_id, question_id):
    """Autosave from the page (session + CSRF header). Same rules as the API."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        return jsonify(error={"code": "not_found", "message": _("Not found.")}), 404
    payload = request.get_json(silent=True) or {}
    option_ids = payload.get("option_ids")
    if not isinstance(option_ids, list) or not all(isinstance(o, int) and not isinstance(o, bool) for o in option_ids):
        return jsonify(error={"code": "validation_error", "message": _("Some fields are not valid.")}), 422
    try:
        saved = service.save_answer(attempt_id, question_id, option_ids)
    except service.RoundError as error:
        return jsonify(error={"code": error.code, "message": refusal_message(error.code)}), error.status
    return jsonify(question_id=saved.question_id, option_ids=saved.option_ids,
                   saved_at=saved.saved_at.isoformat())


@bp.route("/attempts/<int:attempt_id>/prediction", methods=["POST"])
@login_required
def save_prediction(attempt_id):
    """Autosave of the prediction field (session + CSRF header). Same rules as the API."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        return jsonify(error={"code": "not_found", "message": _("Not found.")}), 404
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or "prediction" not in payload:
        return jsonify(error={"code": "validation_error", "message": _("Some fields are not valid.")}), 422
    try:
        prediction = read_prediction(payload["prediction"], allow_text=True)
    except PredictionInvalid as invalid:
        return jsonify(error={"code": "validation_error", "message": invalid.message}), 422
    try:
        saved_at = service.save_prediction(attempt_id, prediction)
    except service.RoundError as error:
        return jsonify(error={"code": error.code, "message": refusal_message(error.code)}), error.status
    return jsonify(prediction=prediction, saved_at=saved_at.isoformat())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id):
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    form = SubmitForm()
    if not form.validate_on_submit():
        if not form.prediction.errors:  # the CSRF token (CSRFProtect refuses those first)
            abort(400)
        service.expire_overdue(attempt=attempt)
        if attempt.finished:
            return redirect(url_for("rounds.result", attempt_id=attempt.id))
        # The page again, with what was typed kept in the field and the reason in words.
        return _take_page(attempt, prediction_text=form.prediction.data or "",
                          prediction_error=form.prediction.errors[0], status=422)
    attempt = service.submit_attempt(attempt, form.prediction_value)
    if attempt.status == "expired":
        flash(_("Time was up: your attempt was scored with the answers saved before the deadline."), "warning")
    return redirect(url_for("rounds.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id):
    attempt = _my_attempt(attempt_id)
    if not attempt.finished:
        return redirect(url_for("rounds.take", attempt_id=attempt.id))
    round_ = attempt.round
    standing = member_standing(round_, attempt.user_id) if round_.results_published else None
    return render_template("rounds/result.html", attempt=attempt, round=round_,
                           view=service.attempt_view(attempt), standing=standing,
                           closed=service.round_closed(round_))


# --- organizers ---------------------------------------------------------------------------

@bp.route("/manage/")
@organizer_required
def manage():
    contests = db.session.execute(
        select(Contest).options(selectinload(Contest.rounds)).order_by(Contest.id.desc())
    ).scalars().all()
    counts = dict(db.session.execute(
        select(Attempt.round_id, func.count(func.distinct(Attempt.user_id))).group_by(Attempt.round_id)).all())
    now = utcnow()
    return render_template("rounds/manage.html", contests=contests, counts=counts,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at))


@bp.route("/manage/contests/new", methods=["GET", "POST"])
@organizer_required
def new_contest():
    form = ContestForm()
    if form.validate_on_submit():
        contest = Contest(title=nfc(form.title.data), description=nfc(form.description.data) or None,
                          created_by_id=current_user.id)
        db.session.add(contest)
        db.session.commit()
        flash(_("Contest created. Now add its rounds."), "success")
        return redirect(url_for("rounds.manage_contest", contest_id=contest.id))
    return render_template("rounds/contest_form.html", form=form)


@bp.route("/manage/contests/<int:contest_id>")
@organizer_required
def manage_contest(contest_id):
    contest = db.session.get(Contest, contest_id) or abort(404)
    now = utcnow()
    return render_template("rounds/manage_contest.html", contest=contest,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at))


def _topic_choices():
    topics = db.session.execute(select(Topic).order_by(Topic.name)).scalars().all()
    return [(t.id, t.name) for t in topics]


def _round_form(form: QuizRoundForm):
    choices = _topic_choices()
    form.topic_ids.choices = choices
    for entry in form.draw.entries:
        entry.topic_id.choices = [(0, "—")] + choices


@bp.route("/manage/contests/<int:contest_id>/rounds/new", methods=["GET", "POST"])
@organizer_required
def new_round(contest_id):
    contest = db.session.get(Contest, contest_id) or abort(404)
    return _round_editor(contest, None)


@bp.route("/manage/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_round(round_id):
    round_ = _round_or_404(round_id)
    if round_.kind != "quiz":
        return redirect(url_for("essays.edit_round", round_id=round_id))
    return _round_editor(round_.contest, round_)


def _round_editor(contest: Contest, round_: Round | None):
    """The quiz round form: schedule a new round (round_ None) or edit one."""
    form = QuizRoundForm()
    _round_form(form)
    if round_ is not None and request.method == "GET":
        form.load(round_)
    if form.validate_on_submit():
        target = round_ if round_ is not None else Round(contest_id=contest.id)
        db.session.add(target)
        try:
            apply_round_fields(target, form.to_data(), creating=round_ is None)
            publishing.check_window_keeps_results_final(target)
        except RoundInvalid as invalid:
            db.session.rollback()
            _show_problems(form, invalid)
        except publishing.PublishRefused:
            db.session.rollback()
            form.closes_at.errors.append(publishing.window_refusal_message())
        else:
            db.session.commit()
            flash(_("Round scheduled.") if round_ is None else _("Round saved."), "success")
            return redirect(url_for("rounds.manage_contest", contest_id=contest.id))
    return render_template("rounds/round_form.html", form=form, contest=contest, round=round_)


def _show_problems(form, invalid: RoundInvalid) -> None:
    mapping = {"duration_seconds": "duration_minutes"}
    for field, message in invalid.problems:
        target = getattr(form, mapping.get(field, field), None)
        if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
            target.errors.append(message)
        else:
            flash(message, "danger")
