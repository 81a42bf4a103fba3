"""Pages: contests and rounds for members (take a round) and organizers (schedule them)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.accounts.models import User
from contest.accounts.permissions import login_required, organizer_required
from contest.audit.service import record
from contest.judging.round_audit import record_round_saved, round_snapshot
from contest.clock import utcnow
from contest.dbtypes import nfc
from contest.errors import Refusal
from contest.extensions import db
from contest.ratelimit import limited
from contest.rounds import service, timing, visibility
from contest.rounds.loaders import (get_contest_or_404, get_own_attempt_or_404, get_quiz_round_or_404,
                                    get_round_or_404, get_visible_attempt_or_404)
from contest.rounds.scope import contests_for_request, default_owner
from contest.rounds.forms import (ContestForm, ContestStandingsForm, EmptyForm, ExtraTimeForm, QuizRoundForm,
                                  SubmitForm)
from contest.rounds.models import Attempt, Contest, Round
from contest.rounds.prediction import PREDICTION_MAX
from contest.rounds.prizes import group_winners
from contest.rounds.schedule import RoundInvalid, apply_round_fields
from contest.standings import lifecycle, publishing
from contest.standings.contests import update_contest
from contest.standings.service import forget_round, leaderboard, member_standing
from question_bank.models import Topic

bp = Blueprint("rounds", __name__)


def record_extra_time(round_: Round, user, done: service.ExtraTimeGranted, reason: str | None) -> None:
    """The audit rows of a grant of extra time (the page and the API): round.extra_time, and
    attempt.extra_time when the member's attempt in progress got a later deadline."""
    record("round.extra_time", "round", round_.id,
           before={"user_id": user.id, "seconds": done.before_seconds},
           after={"user_id": user.id, "seconds": done.grant.seconds}, reason=reason,
           round_id=round_.id, contest_id=round_.contest_id)
    if done.attempt is not None:
        record("attempt.extra_time", "attempt", done.attempt.id,
               before={"deadline": done.old_deadline}, after={"deadline": done.attempt.deadline},
               reason=reason, round_id=round_.id, contest_id=round_.contest_id)


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
    attempts, current, left, extra = [], None, None, 0
    if current_user.is_authenticated:
        service.expire_overdue(round_id=round_.id, user_id=current_user.id)
        attempts = db.session.execute(
            select(Attempt).where(Attempt.round_id == round_.id, Attempt.user_id == current_user.id)
            .order_by(Attempt.number)).scalars().all()
        current = next((a for a in attempts if a.status == "in_progress"), None)
        left = service.attempts_left(round_, current_user.id)
        extra = service.extra_seconds(round_.id, current_user.id)
    winners = None
    if round_.results_published and publishing.round_is_final(round_):  # not before publishing
        winners = group_winners([{"prize": r["prize"], "name": r["display_name"], "unit": r["unit"]}
                                 for r in leaderboard(round_)], round_.prizes)
    return render_template(
        "rounds/round.html", round=round_,
        state=visibility.shown_state(round_.contest, timing.round_state(now, round_.opens_at, round_.closes_at)),
        attempts=attempts, current=current, left=left, form=EmptyForm(), winners=winners,
        extra_minutes=extra // 60,
        results_visible=publishing.can_see_results(round_, current_user if current_user.is_authenticated else None))


@bp.route("/rounds/<int:round_id>/start", methods=["POST"])
@login_required
def start(round_id):
    round_ = get_round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt, _created = service.start_attempt(round_, current_user, address=request.remote_addr)
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
    html = render_template("rounds/take.html", attempt=attempt, round=attempt.round, view=view,
                           form=SubmitForm(), readonly=readonly, prediction_text=prediction_text,
                           prediction_error=prediction_error, prediction_max=PREDICTION_MAX,
                           extra_minutes=service.extra_seconds(attempt.round_id, attempt.user_id) // 60)
    # The member's own attempt is the one page the service worker may keep for a reload offline
    # (static/js/sw.js); an organizer's read-only view of it is never kept.
    return html, status, ({} if readonly else {"X-Offline-Page": "attempt"})


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
@limited("submit")
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
    counts = lifecycle.participant_counts([r.id for c in contests for r in c.rounds])
    now = utcnow()
    return render_template("rounds/manage.html", contests=contests, counts=counts,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at))


@bp.route("/manage/contests/new", methods=["GET", "POST"])
@organizer_required
def new_contest():
    form = ContestForm()
    if form.validate_on_submit():
        # A contest made on the pages starts as a draft: members see it once it is published.
        contest = Contest(title=nfc(form.title.data), description=nfc(form.description.data) or None,
                          created_by_id=current_user.id, owner_unit_id=default_owner(current_user),
                          members_only=bool(form.members_only.data), status="draft",
                          prizes=form.prize_tiers(), registration=form.registration.data)
        db.session.add(contest)
        db.session.flush()
        record("contest.create", "contest", contest.id, after={"title": contest.title},
               contest_id=contest.id)
        db.session.commit()
        flash(_("Contest created as a draft: add its rounds, then publish it for members to see."), "success")
        return redirect(url_for("rounds.manage_contest", contest_id=contest.id))
    return render_template("rounds/contest_form.html", form=form)


@bp.route("/manage/contests/<int:contest_id>")
@organizer_required
def manage_contest(contest_id):
    contest = get_contest_or_404(contest_id)
    now = utcnow()
    return render_template("rounds/manage_contest.html", contest=contest,
                           state=lambda r: timing.round_state(now, r.opens_at, r.closes_at),
                           standings_form=ContestStandingsForm.of(contest),
                           form=EmptyForm(), counts=lifecycle.participant_counts([r.id for r in contest.rounds]))


STATUS_MESSAGES = {
    "published": _l("Contest published: members can now see it and take its open rounds."),
    "archived": _l("Contest archived: it is off the members' list and takes no new attempts; its results stay reachable."),
    "draft": _l("Contest back to draft: members no longer see it."),
}


@bp.route("/manage/contests/<int:contest_id>/status", methods=["POST"])
@organizer_required
def contest_status(contest_id):
    """Publish, archive or take a contest back to draft (audited: standings.contests.update_contest)."""
    contest = get_contest_or_404(contest_id)
    status = request.form.get("status")
    if not EmptyForm().validate_on_submit() or status not in STATUS_MESSAGES:
        abort(400)
    update_contest(contest, {"status": status}, actor=current_user._get_current_object())
    db.session.commit()
    flash(str(STATUS_MESSAGES[status]), "success")
    return redirect(url_for("rounds.manage_contest", contest_id=contest.id))


@bp.route("/manage/rounds/<int:round_id>/copy", methods=["POST"])
@organizer_required
def copy_round(round_id):
    """One click: the round again, a week later, then its form to adjust the copy."""
    round_ = get_round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        copy = lifecycle.copy_round(round_, actor=current_user._get_current_object())
    except RoundInvalid as invalid:
        db.session.rollback()
        for _field, message in invalid.problems:
            flash(message, "danger")
        return redirect(url_for("rounds.manage_contest", contest_id=round_.contest_id))
    db.session.commit()
    flash(_("Round copied with its window one week later: check the dates and save."), "success")
    endpoint = "rounds.edit_round" if copy.kind == "quiz" else "essays.edit_round"
    return redirect(url_for(endpoint, round_id=copy.id))


@bp.route("/manage/rounds/<int:round_id>/delete", methods=["POST"])
@organizer_required
def delete_round(round_id):
    """Delete a round nobody has taken (else the reason, nothing deleted)."""
    round_ = get_round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    contest_id = round_.contest_id
    try:
        lifecycle.delete_round(round_, actor=current_user._get_current_object())
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.text, "danger")
        return redirect(url_for("rounds.manage_contest", contest_id=contest_id))
    db.session.commit()
    forget_round(round_id)
    flash(_("Round deleted."), "success")
    return redirect(url_for("rounds.manage_contest", contest_id=contest_id))


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


@bp.route("/manage/rounds/<int:round_id>/extra-time", methods=["GET", "POST"])
@organizer_required
def extra_time(round_id):
    """Extra time for members who need it (WCAG 2.2.1): the grants of the round and the form."""
    round_ = get_quiz_round_or_404(round_id)
    form = ExtraTimeForm()
    if form.validate_on_submit():
        user = db.session.execute(
            select(User).where(User.username == form.username.data.strip())).scalar_one_or_none()
        if user is None:
            form.username.errors.append(_("No member has this username."))
        else:
            reason = nfc(form.reason.data or "").strip() or None
            try:
                done = service.grant_extra_time(round_, user, form.minutes.data, reason, actor=current_user)
            except Refusal as error:
                db.session.rollback()
                form.minutes.errors.append(error.text)
            else:
                record_extra_time(round_, user, done, reason)
                db.session.commit()
                flash(_("%(name)s now has %(n)s extra minutes for this round.",
                        name=user.full_name, n=form.minutes.data), "success")
                return redirect(url_for("rounds.extra_time", round_id=round_.id))
    return render_template("rounds/extra_time.html", round=round_, form=form,
                           grants=service.extra_time_grants(round_.id))
