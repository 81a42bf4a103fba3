"""Pages of judging: the judge's workspace and score sheet (blind), and the organizer's panel,
assignment, results, stages, prizes and publication."""
from babel.numbers import get_decimal_symbol
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from contest.accounts.models import Unit, User
from contest.accounts.permissions import organizer_required, roles_required
from contest.accounts.service import create_user, record_role_granted, username_exists
from contest.essays.models import Entry
from contest.errors import Refusal
from contest.essays.loaders import get_essay_round_or_404
from contest.extensions import db
from contest.ratelimit import limited
from contest.judging import anthology, service
from contest.judging.criteria import criteria_rows
from contest.judging.forms import (EmptyForm, HandAssignForm, NewJudgeForm, PanelForm, PrizeForm,
                                   ReopenForm, ShortlistForm, score_sheet_form)
from contest.judging.loaders import get_assignment_or_404, get_own_assignment_or_404
from contest.judging.models import Assignment
from contest.judging.settings import settings_for
from contest.standings import publishing
from contest.bounds import db_id, db_int

bp = Blueprint("judging", __name__, url_prefix="/judging")
judge_required = roles_required("judge")


# --- judges -----------------------------------------------------------------------------------

@bp.route("/")
@judge_required
def workspace():
    rows = service.judge_assignments(current_user.id)
    return render_template("judging/workspace.html", rows=rows,
                           summaries=service.judge_round_summaries(current_user.id))


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@judge_required
def score(assignment_id):
    row = get_own_assignment_or_404(assignment_id, current_user)
    criteria = criteria_rows(row.round_id, row.stage)
    current = service.sheet(row)
    shown = {f"c{c.id}": current.get(c.id) for c in criteria}
    form = score_sheet_form(criteria, data=shown | {"comment": row.comment} if request.method == "GET" else None,
                            decimal_symbol=get_decimal_symbol(get_locale()))
    problem = None
    status = 200
    if request.method == "POST" and row.status == "submitted":
        # A submitted sheet is final; the organizers may reopen it. Show it as it was saved.
        problem, status = str(service.SHEET_SUBMITTED), 409
        form = score_sheet_form(criteria, formdata=None, data=shown | {"comment": row.comment},
                                decimal_symbol=get_decimal_symbol(get_locale()))
    elif form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        scores = {c.id: getattr(form, f"c{c.id}").data for c in criteria}
        try:
            service.save_sheet(row, scores, form.comment.data, submit=submit)
            db.session.commit()  # the sheet and its discrepancy check (an extra judge) together
        except Refusal as error:
            db.session.rollback()
            problem = error.text
            status = error.status if error.code == "sheet_submitted" else 200
            if error.code == "sheet_submitted":
                row = get_own_assignment_or_404(assignment_id, current_user)
                form = score_sheet_form(criteria, formdata=None, data={
                    f"c{c.id}": service.sheet(row).get(c.id) for c in criteria} | {"comment": row.comment},
                    decimal_symbol=get_decimal_symbol(get_locale()))
        else:
            flash(_("Scores submitted.") if submit else _("Draft saved."), "success")
            if submit:
                following = next((a for a in service.judge_assignments(current_user.id, row.round_id)
                                  if a.status != "submitted" and a.id != row.id), None)
                if following is not None:
                    return redirect(url_for("judging.score", assignment_id=following.id))
                return redirect(url_for("judging.workspace"))
            return redirect(url_for("judging.score", assignment_id=row.id))
    elif request.method == "POST" and form.errors:
        problem = _("Please correct the scores marked below.")
    mine = service.judge_assignments(current_user.id, row.round_id)
    position = next((i for i, a in enumerate(mine) if a.id == row.id), 0) + 1
    return render_template("judging/score.html", row=row, entry=row.entry, criteria=criteria, form=form,
                           problem=problem, others=service.others_visible(row), position=position,
                           count=len(mine), done=sum(1 for a in mine if a.status == "submitted")), status


# --- organizers ------------------------------------------------------------------------------

def _own_unit():
    """A new judge's unit when none is chosen: an organizer of a unit makes judges of their unit
    (so that they stay in their scope, accounts/scope.py); others make judges of no unit."""
    from contest.accounts import scope

    actor = scope.managing_actor()
    return actor.unit_id if actor is not None and scope.managed_unit_ids(actor) is not None else None


def _unit_choices():
    from contest.accounts import scope

    units = db.session.execute(scope.units_in_scope(select(Unit).order_by(Unit.name),
                                                    scope.managing_actor())).scalars().all()
    return [(0, "—")] + [(u.id, u.path_name()) for u in units]


# The panel and assignment page: one GET, and one POST route per action, each form posting to its
# own URL (with ?stage=). A refusal or a form error shows the page again with the reason.

def _stage(round_) -> int:
    settings = settings_for(round_)
    return request.args.get("stage", type=db_int) or settings.current_stage


def _manage_forms(round_, stage: int) -> dict:
    judges = service.all_judges()
    panel_form = PanelForm(prefix="panel")
    panel_form.judge_ids.choices = [(j.id, j.full_name) for j in judges]
    new_form = NewJudgeForm(prefix="new")
    new_form.unit_id.choices = _unit_choices()
    hand_form = HandAssignForm(prefix="hand")
    hand_form.judge_id.choices = [(j.id, j.full_name) for j in service.panel(round_.id, stage)]
    return {"panel_form": panel_form, "new_form": new_form, "hand_form": hand_form,
            "action_form": EmptyForm(prefix="act")}


def _manage_page(round_, stage: int, forms: dict):
    loads = {}
    for a in service.stage_assignments(round_.id, stage):
        item = loads.setdefault(a.judge_id, {"total": 0, "submitted": 0})
        item["total"] += 1
        item["submitted"] += a.status == "submitted"
    return render_template("judging/manage.html", round=round_, stage=stage, stages=service.stages(round_),
                           members=service.panel(round_.id, stage), loads=loads, **forms,
                           entries_count=len(service.stage_entries(round_.id, stage)),
                           unit_name=service.unit_name)


def _manage_action(round_id, form_name: str, act):
    """Validate the posted form `forms[form_name]`, then run `act(round_, stage, form)`.

    `act` returns the success message ("" for none): the work is committed and the page
    redirects back. It returns None when it put an error on the form, and a refusal is
    flashed: either way nothing is saved and the page is shown again."""
    round_ = get_essay_round_or_404(round_id)
    stage = _stage(round_)
    forms = _manage_forms(round_, stage)
    form = forms[form_name]
    done = None
    if form.validate_on_submit():
        try:
            done = act(round_, stage, form)
        except Refusal as error:
            db.session.rollback()
            flash(error.text, "danger")
    if done is None:
        return _manage_page(round_, stage, forms)
    db.session.commit()
    if done:
        flash(done, "success")
    return redirect(url_for("judging.manage", round_id=round_.id, stage=stage))


@bp.route("/manage/rounds/<int:round_id>")
@organizer_required
def manage(round_id):
    """The panel of judges of the current stage, and assignment (automatic or by hand)."""
    round_ = get_essay_round_or_404(round_id)
    stage = _stage(round_)
    return _manage_page(round_, stage, _manage_forms(round_, stage))


@bp.route("/manage/rounds/<int:round_id>/panel", methods=["POST"])
@organizer_required
def add_judges(round_id):
    def act(round_, stage, form):
        service.add_to_panel(round_, stage, form.judge_ids.data)
        return _("Judges added to the panel.")

    return _manage_action(round_id, "panel_form", act)


@bp.route("/manage/rounds/<int:round_id>/judges", methods=["POST"])
@organizer_required
def new_judge(round_id):
    def act(round_, stage, form):
        if username_exists(form.username.data):
            form.username.errors.append(_("This username is taken."))
            return None
        judge = create_user(form.username.data.strip(), form.password.data, form.full_name.data.strip(),
                            role="judge", unit_id=form.unit_id.data or _own_unit())
        record_role_granted(judge)
        service.add_to_panel(round_, stage, [judge.id])
        return _("Judge account created and added to the panel.")

    return _manage_action(round_id, "new_form", act)


@bp.route("/manage/rounds/<int:round_id>/panel/remove", methods=["POST"])
@organizer_required
def remove_judge(round_id):
    def act(round_, stage, form):
        service.remove_from_panel(round_, stage, request.form.get("judge_id", type=db_int))
        return ""

    return _manage_action(round_id, "action_form", act)


@bp.route("/manage/rounds/<int:round_id>/assign", methods=["POST"])
@organizer_required
def auto_assign(round_id):
    def act(round_, stage, form):
        count = service.auto_assign(round_, stage=stage)
        return _("%(count)s assignments made.", count=count)

    return _manage_action(round_id, "action_form", act)


@bp.route("/manage/rounds/<int:round_id>/assign/hand", methods=["POST"])
@organizer_required
def assign_by_hand(round_id):
    def act(round_, stage, form):
        entry = service.entry_by_code(round_.id, form.entry_code.data)
        if entry is None:
            form.entry_code.errors.append(_("No entry of this round has that code."))
            return None
        service.assign_by_hand(round_, entry.id, form.judge_id.data, stage)
        return _("Entry assigned.")

    return _manage_action(round_id, "hand_form", act)


@bp.route("/manage/rounds/<int:round_id>/unassign", methods=["POST"])
@organizer_required
def unassign(round_id):
    def act(round_, stage, form):
        row = db.session.get(Assignment, request.form.get("assignment_id", type=db_int))
        if row is None or row.round_id != round_.id:
            abort(404)
        service.unassign(row)
        return ""

    return _manage_action(round_id, "action_form", act)


@bp.route("/manage/assignments/<int:assignment_id>/reopen", methods=["POST"])
@organizer_required
def reopen(assignment_id):
    """Reopen a judge's submitted sheet, with the reason (kept in the audit log)."""
    row = get_assignment_or_404(assignment_id)
    back = url_for("judging.results", round_id=row.round_id, stage=row.stage)
    form = ReopenForm(prefix="reopen")
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening the sheet."), "danger")
        return redirect(back)
    try:
        service.reopen(row, form.reason.data, actor=current_user)
    except Refusal as error:
        db.session.rollback()
        flash(error.text, "danger")
        return redirect(back)
    db.session.commit()
    flash(_("The sheet is open again: the judge can correct and resubmit it."), "success")
    return redirect(back)


# The results page of a stage: one GET, and one POST route per action (publish, hide, the
# normalization switch, a prize, the shortlist); each redirects back, a refusal flashed.

def _prize_choices(round_, computed: str | None = None) -> list:
    by_rank = _("By rank: %(prize)s", prize=computed) if computed else _("By rank: no prize")
    return [(PrizeForm.BY_RANK, by_rank)] + [(t["name"], t["name"]) for t in round_.prizes or []] + \
        [(PrizeForm.NONE, _("No prize"))]


def _results_action(round_id, act):
    round_ = get_essay_round_or_404(round_id)
    stage = _stage(round_)
    try:
        done = act(round_, stage)
    except Refusal as error:
        db.session.rollback()
        flash(error.text, "danger")
        done = None
    return done if done is not None else _back_to_results(round_, stage)


def _back_to_results(round_, stage: int):
    return redirect(url_for("judging.results", round_id=round_.id, stage=stage))


@bp.route("/manage/rounds/<int:round_id>/results")
@organizer_required
def results(round_id):
    round_ = get_essay_round_or_404(round_id)
    return _results_page(round_, _stage(round_))


def _shortlist_form(table: dict) -> ShortlistForm:
    form = ShortlistForm(prefix="short")
    form.entry_ids.choices = [(i["entry"].id, i["entry"].code) for i in table["items"]]
    return form


def _results_page(round_, stage: int, shortlist_form: ShortlistForm | None = None):
    settings = settings_for(round_)
    table = service.stage_table(round_, stage)
    shortlist_form = shortlist_form or _shortlist_form(table)
    items = sorted(table["items"], key=lambda i: (i["final"] is None, -(i["final"] or 0), i["entry"].id))
    refused = None if round_.results_published else publishing.refusal(round_)
    prize_forms = {}
    results_rows = {i["entry"].id: i for i in service.ranked(round_)}
    for item in items:
        row = results_rows.get(item["entry"].id, {"prize": None, "computed_prize": None, "override": None})
        chosen = PrizeForm.BY_RANK if row["override"] is None else (row["override"].prize or PrizeForm.NONE)
        form = PrizeForm(prefix="prize", formdata=None, entry_id=item["entry"].id, prize=chosen)
        form.prize.choices = _prize_choices(round_, row["computed_prize"])
        prize_forms[item["entry"].id] = form
        item["results_row"] = row
    return render_template("judging/results.html", round=round_, stage=stage, stages=service.stages(round_),
                           table=table, items=items, settings=settings, action_form=EmptyForm(prefix="act"),
                           shortlist_form=shortlist_form, prize_forms=prize_forms, unit_name=service.unit_name,
                           prizes=service.prize_labels(), is_last_stage=stage == settings.current_stage,
                           users=User,
                           publish_refused=publishing.refusal_message(refused) if refused else None,
                           reopen_form=ReopenForm(prefix="reopen", formdata=None),
                           reopens=service.reopen_history(round_.id))


@bp.route("/manage/rounds/<int:round_id>/results/publish", methods=["POST"])
@organizer_required
def publish(round_id):
    return _results_action(round_id, lambda round_, stage: (
        _publish(round_, stage, True) if EmptyForm(prefix="act").validate_on_submit() else None))


@bp.route("/manage/rounds/<int:round_id>/results/unpublish", methods=["POST"])
@organizer_required
def unpublish(round_id):
    return _results_action(round_id, lambda round_, stage: (
        _publish(round_, stage, False) if EmptyForm(prefix="act").validate_on_submit() else None))


@bp.route("/manage/rounds/<int:round_id>/results/normalize", methods=["POST"])
@organizer_required
def switch_normalization(round_id):
    def act(round_, stage):
        if EmptyForm(prefix="act").validate_on_submit():
            service.set_normalization(round_, not settings_for(round_).normalize_scores)
            db.session.commit()
        return None

    return _results_action(round_id, act)


@bp.route("/manage/rounds/<int:round_id>/results/prize", methods=["POST"])
@organizer_required
def set_prize(round_id):
    def act(round_, stage):
        form = PrizeForm(prefix="prize")
        form.prize.choices = _prize_choices(round_)
        if form.validate_on_submit():
            entry = db.session.get(Entry, db_id(form.entry_id.data) or 0)
            if entry is None or entry.round_id != round_.id:
                abort(404)
            chosen = form.prize.data
            service.move_prize(entry, None if chosen in (PrizeForm.NONE, PrizeForm.BY_RANK) else chosen,
                               form.reason.data, actor=current_user, computed=chosen == PrizeForm.BY_RANK)
            db.session.commit()
            flash(_("Prize saved."), "success")
        else:
            for errors in form.errors.values():
                for message in errors:
                    flash(message, "danger")
        return None

    return _results_action(round_id, act)


@bp.route("/manage/rounds/<int:round_id>/results/shortlist", methods=["POST"])
@organizer_required
def shortlist(round_id):
    def act(round_, stage):
        form = _shortlist_form(service.stage_table(round_, stage))
        if not form.validate_on_submit():
            return _results_page(round_, stage, form)  # the reasons under the fields
        count = service.shortlist(round_, top_n=form.top_n.data, entry_ids=form.entry_ids.data or None)
        db.session.commit()
        flash(_("%(count)s entries go on to the final stage. Add its judges and assign them.",
                count=count), "success")
        return redirect(url_for("judging.manage", round_id=round_.id))

    return _results_action(round_id, act)


def _publish(round_, stage: int, publish: bool):
    """Publish (only with the confirmation ticked, and only as the publishing rule allows) or hide."""
    back = redirect(url_for("judging.results", round_id=round_.id, stage=stage))
    if publish and request.form.get("confirm") != "yes":
        flash(_("Nothing was published: tick the box to confirm that the results are checked and may "
                "be shown to everyone, with the authors' names and units."), "warning")
        return back
    try:
        publishing.set_published(round_, publish, actor=current_user._get_current_object())
    except publishing.PublishRefused as refused:
        db.session.rollback()
        flash(publishing.refusal_message(refused.refusal), "danger")
        return back
    db.session.commit()
    if publish:
        flash(_("Results published: members now see the ranking, authors and units."), "success")
    else:
        flash(_("Results hidden again."), "info")
    return back


# --- the anthology (kỷ yếu): the organizer's downloads -----------------------------------------

def _anthology_download(round_id, fmt):
    """The same file as GET /api/v1/rounds/{id}/anthology.{fmt}, for the signed-in organizer's
    browser (the API takes no session cookie on a GET). Until the results are published: back to
    the results page, saying why."""
    round_ = get_essay_round_or_404(round_id)
    if not (round_.results_published and publishing.round_is_final(round_)):
        flash(anthology.not_published().text, "warning")
        return redirect(url_for("judging.results", round_id=round_.id))
    shortlisted = request.args.get("shortlisted", "").lower() in ("1", "true", "yes", "on")
    response = Response(anthology.build(round_, fmt, include_shortlisted=shortlisted),
                        mimetype=anthology.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{anthology.filename(round_, fmt)}"'
    return response


@bp.route("/manage/rounds/<int:round_id>/anthology.pdf")
@organizer_required
@limited("export")
def anthology_pdf(round_id):
    return _anthology_download(round_id, "pdf")


@bp.route("/manage/rounds/<int:round_id>/anthology.docx")
@organizer_required
@limited("export")
def anthology_docx(round_id):
    return _anthology_download(round_id, "docx")
