"""Pages: contests and rounds for members (take a round) and organizers (schedule them)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from contest.accounts.permissions import login_required, organizer_required
from contest.audit.service import record
from contest.judging.round_audit import record_round_saved, round_snapshot
from contest.clock import utcnow
from contest.dbtypes import nfc
from contest.errors import Refusal
from contest.extensions import db
from contest.rounds import service, timing
from contest.rounds.loaders import (get_contest_or_404, get_own_attempt_or_404, get_round_or_404,
                                    get_visible_attempt_or_404)
from contest.rounds.scope import contests_for_request, default_owner
from contest.rounds.forms import ContestForm, ContestStandingsForm, EmptyForm, QuizRoundForm, SubmitForm
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.prediction import PREDICTION_MAX
from contest.rounds.prizes import group_winners
from contest.rounds.schedule import RoundInvalid, apply_round_fields
from contest.standings import publishing
from contest.standings.service import forget_round, leaderboard, member_standing
from question_bank.models import Topic

bp = Blueprint("rounds", __name__)


# --- members ------------------------------------------------------------------------------

@bp.route("/")
def home():
    contests = db.session.execute(contests_for_request(
        select(Contest).options(selectinload(Contest.rounds)).order_by(Contest.id.desc()))
    ).scalars().all()
    now = utcnow()
    return render_template("rounds/home.html", contests=contests, now=now,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at))


@bp.route("/rounds/<int:round_id>")
def round_page(round_id):
    round_ = get_round_or_404(round_id)
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
    winners = None
    if round_.results_published and publishing.round_is_final(round_):  # not before publishing
        winners = group_winners([{"prize": r["prize"], "name": r["display_name"], "unit": r["unit"]}
                                 for r in leaderboard(round_)], round_.prizes)
    return render_template(
        "rounds/round.html", round=round_, state=timing.round_state(now, round_.opens_at, round_.closes_at),
        attempts=attempts, current=current, left=left, form=EmptyForm(), winners=winners,
        results_visible=publishing.can_see_results(round_, current_user if current_user.is_authenticated else None))


@bp.route("/rounds/<int:round_id>/start", methods=["POST"])
@login_required
def start(round_id):
    round_ = get_round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt, _created = service.start_attempt(round_, current_user)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        flash(error.text, "warning")
        return redirect(url_for("rounds.round_page", round_id=round_id))
    return redirect(url_for("rounds.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id):
    attempt = get_visible_attempt_or_404(attempt_id, current_user)
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


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id):
    attempt = get_own_attempt_or_404(attempt_id, current_user)
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
    db.session.commit()
    if attempt.status == "expired":
        flash(_("Time was up: your attempt was scored with the answers saved before the deadline."), "warning")
    return redirect(url_for("rounds.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id):
    attempt = get_visible_attempt_or_404(attempt_id, current_user)
    if not attempt.finished:
        return redirect(url_for("rounds.take", attempt_id=attempt.id))
    round_ = attempt.round
    standing = member_standing(round_, attempt.user_id) if publishing.can_see_results(round_, None) else None
    return render_template("rounds/result.html", attempt=attempt, round=round_,
                           view=service.attempt_view(attempt), standing=standing,
                           closed=service.round_closed(round_))


# --- organizers ---------------------------------------------------------------------------

@bp.route("/manage/")
@organizer_required
def manage():
    contests = db.session.execute(contests_for_request(
        select(Contest).options(selectinload(Contest.rounds)).order_by(Contest.id.desc()))
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
                          created_by_id=current_user.id, owner_unit_id=default_owner(current_user),
                          members_only=bool(form.members_only.data))
        db.session.add(contest)
        db.session.flush()
        record("contest.create", "contest", contest.id, after={"title": contest.title},
               contest_id=contest.id)
        db.session.commit()
        flash(_("Contest created. Now add its rounds."), "success")
        return redirect(url_for("rounds.manage_contest", contest_id=contest.id))
    return render_template("rounds/contest_form.html", form=form)


@bp.route("/manage/contests/<int:contest_id>")
@organizer_required
def manage_contest(contest_id):
    contest = get_contest_or_404(contest_id)
    now = utcnow()
    return render_template("rounds/manage_contest.html", contest=contest,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at),
                           standings_form=ContestStandingsForm(standings_rule=contest.standings_rule),
                           form=EmptyForm())


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
    contest = get_contest_or_404(contest_id)
    return _round_editor(contest, None)


@bp.route("/manage/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_round(round_id):
    round_ = get_round_or_404(round_id)
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
        before = round_snapshot(round_) if round_ is not None else None
        db.session.add(target)
        try:
            apply_round_fields(target, form.to_data(), creating=round_ is None)
            publishing.check_window_keeps_results_final(target)
            record_round_saved(target, before)
        except RoundInvalid as invalid:
            db.session.rollback()
            _show_problems(form, invalid)
        except publishing.PublishRefused:
            db.session.rollback()
            form.closes_at.errors.append(publishing.window_refusal_message())
        else:
            db.session.commit()
            forget_round(target.id)  # its prize tiers may have changed
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
