"""Pages of writing rounds: the round, the member's editor and upload, the member's entry as
judges will see it, and the organizer's round form, entries and similarity checks."""
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.accounts.permissions import current_actor, login_required, organizer_required
from contest.clock import utcnow
from contest.errors import Refusal
from contest.essays import service, text
from contest.essays.forms import (ConfirmUploadForm, EmptyForm, EntryForm, EssayRoundForm,
                                  ReferenceForm, UploadForm)
from contest.essays.models import Entry, EntryFile, ReferenceText, SimilarityFlag
from contest.essays.loaders import get_essay_round_or_404
from contest.extensions import db
from contest.ratelimit import limited
from contest.jobs.loaders import get_visible_job_or_404
from contest.jobs.service import enqueue
from contest.judging import anthology
from contest.judging import service as judging
from contest.judging.criteria import round_criteria, set_criteria
from contest.judging.round_audit import record_round_saved, round_snapshot
from contest.judging.settings import normalizes, settings_to_change as judging_settings_to_change
from contest.rounds.models import Contest, Round
from contest.rounds.prizes import group_winners
from contest.rounds.schedule import RoundInvalid, apply_round_fields
from contest.rounds.timing import round_state
from contest.rounds.visibility import shown_state
from contest.standings import publishing
from contest.standings.publishing import can_see_results
from contest.standings.service import forget_round

bp = Blueprint("essays", __name__, url_prefix="/essays")


def _state(round_) -> str:
    return round_state(utcnow(), round_.opens_at, round_.closes_at)


def entry_html(body: str) -> Markup:
    """Stored text as safe HTML: every character escaped (text.text_to_html)."""
    return Markup(text.text_to_html(body))


@bp.app_template_filter("file_kinds")
def _file_kinds(kinds, sep=", "):
    """["docx", "pdf"] -> ".docx, .pdf" (an upload field's accept list with sep=",")."""
    return sep.join("." + k for k in (kinds or []))


@bp.app_template_filter("entry_html")
def _entry_html_filter(body):
    return entry_html(body or "")


# --- members ---------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>")
def round_page(round_id):
    round_ = get_essay_round_or_404(round_id)
    settings = service.settings_for(round_)
    entry = draft = None
    if current_user.is_authenticated:
        entry = service.my_entry(round_.id, current_user.id)
        draft = service.my_draft(round_.id, current_user.id)
    winners = None
    if round_.results_published and publishing.round_is_final(round_):  # not before publishing
        winners = group_winners([
            {"prize": i["prize"], "name": i["entry"].author.full_name if i["entry"].author else "",
             "unit": judging.unit_name(i["entry"].author), "title": i["entry"].title}
            for i in judging.ranked(round_)], round_.prizes)
    return render_template("essays/round.html", round=round_, settings=settings,
                           state=shown_state(round_.contest, _state(round_)),
                           entry=entry, draft=draft, criteria=round_criteria(round_), winners=winners)


def _refused(error: Refusal, round_id):
    flash(error.text, "danger" if error.status != 403 else "warning")
    return redirect(url_for("essays.round_page", round_id=round_id))


@bp.route("/rounds/<int:round_id>/write", methods=["GET", "POST"])
@login_required
def write(round_id):
    round_ = get_essay_round_or_404(round_id)
    settings = service.settings_for(round_)
    if _state(round_) != "open":
        flash(_("This round is not accepting entries now."), "warning")
        return redirect(url_for("essays.round_page", round_id=round_id))
    entry = service.my_entry(round_.id, current_user.id)
    draft = service.my_draft(round_.id, current_user.id)
    form = EntryForm()
    if request.method == "GET":
        source = draft if draft is not None and draft.body else entry
        form.title.data = (draft.title if draft is not None and draft.title else None) or (entry.title if entry else "")
        form.body.data = source.body if source is not None else ""
        form.publish_consent.data = bool(entry.publish_consent) if entry is not None else False
    problem = None
    if form.validate_on_submit():
        if settings.require_declaration and not form.declaration.data:
            form.declaration.errors.append(_("Please confirm that the entry is your own original work."))
        else:
            try:
                entry, created = service.submit_entry(round_, current_user, title=form.title.data,
                                                      body=form.body.data, declared=bool(form.declaration.data),
                                                      publish_consent=bool(form.publish_consent.data))
                db.session.commit()
            except Refusal as error:
                db.session.rollback()
                if error.code == "round_not_open":
                    return _refused(error, round_id)
                problem = error.text
            else:
                flash(_("Your entry is submitted. Its code is %(code)s.", code=entry.code) if created
                      else _("Your entry is revised."), "success")
                return redirect(url_for("essays.my_entry", round_id=round_id))
    return render_template("essays/write.html", round=round_, settings=settings, form=form, entry=entry,
                           problem=problem, draft=draft)


@bp.route("/rounds/<int:round_id>/draft", methods=["POST"])
@login_required
def save_draft(round_id):
    """Autosave from the editor (JSON, session + CSRF header)."""
    round_ = get_essay_round_or_404(round_id)
    payload = request.get_json(silent=True) or {}
    title, body = payload.get("title"), payload.get("body")
    if not isinstance(title, (str, type(None))) or not isinstance(body, (str, type(None))) or len(body or "") > 500_000:
        return jsonify(error={"code": "validation_error", "message": _("Some fields are not valid.")}), 422
    try:
        draft = service.save_draft(round_, current_user, title, body)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        return jsonify(error={"code": error.code, "message": error.text}), error.status
    return jsonify(saved_at=draft.saved_at.isoformat(), word_count=text.word_count(draft.body or ""))


@bp.route("/rounds/<int:round_id>/upload", methods=["GET", "POST"])
@login_required
@limited("upload", methods=('POST',))
def upload(round_id):
    round_ = get_essay_round_or_404(round_id)
    settings = service.settings_for(round_)
    if _state(round_) != "open":
        flash(_("This round is not accepting entries now."), "warning")
        return redirect(url_for("essays.round_page", round_id=round_id))
    problem = None
    if request.method == "POST":
        try:
            service.check_upload_size(round_, request.content_length)  # before reading the body
        except Refusal as error:
            return render_template("essays/upload.html", round=round_, settings=settings, form=UploadForm(formdata=None),
                                   problem=error.text), 413
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(settings.max_file_bytes + 1)
        try:
            service.hold_upload(round_, current_user, form.file.data.filename, data, form.title.data)
            db.session.commit()
        except Refusal as error:
            db.session.rollback()
            if error.code == "round_not_open":
                return _refused(error, round_id)
            return render_template("essays/upload.html", round=round_, settings=settings, form=form,
                                   problem=error.text), error.status
        return redirect(url_for("essays.confirm_upload", round_id=round_id))
    return render_template("essays/upload.html", round=round_, settings=settings, form=form, problem=problem)


@bp.route("/rounds/<int:round_id>/upload/confirm", methods=["GET", "POST"])
@login_required
def confirm_upload(round_id):
    round_ = get_essay_round_or_404(round_id)
    settings = service.settings_for(round_)
    draft = service.my_draft(round_.id, current_user.id)
    if draft is None or draft.upload_data is None:
        flash(_("There is no uploaded file waiting. Please upload it again."), "warning")
        return redirect(url_for("essays.upload", round_id=round_id))
    entry = service.my_entry(round_.id, current_user.id)
    form = ConfirmUploadForm()
    if request.method == "GET":
        form.title.data = draft.title or (entry.title if entry else "")
        form.publish_consent.data = bool(entry.publish_consent) if entry is not None else False
    count = text.word_count(draft.upload_text or "")
    length = service.length_problem(round_, count)
    if form.validate_on_submit():
        if settings.require_declaration and not form.declaration.data:
            form.declaration.errors.append(_("Please confirm that the entry is your own original work."))
        else:
            try:
                entry, created = service.confirm_upload(round_, current_user, form.title.data,
                                                        bool(form.declaration.data),
                                                        publish_consent=bool(form.publish_consent.data))
                db.session.commit()
            except Refusal as error:
                db.session.rollback()
                if error.code == "round_not_open":
                    return _refused(error, round_id)
                flash(error.text, "danger")
            else:
                flash(_("Your entry is submitted. Its code is %(code)s.", code=entry.code) if created
                      else _("Your entry is revised."), "success")
                return redirect(url_for("essays.my_entry", round_id=round_id))
    return render_template("essays/confirm_upload.html", round=round_, settings=settings, form=form,
                           draft=draft, count=count, length=length)


@bp.route("/rounds/<int:round_id>/entry")
@login_required
def my_entry(round_id):
    """The member's entry exactly as judges will see it: code, title, text."""
    round_ = get_essay_round_or_404(round_id)
    entry = service.my_entry(round_.id, current_user.id)
    if entry is None:
        return redirect(url_for("essays.round_page", round_id=round_id))
    return render_template("essays/my_entry.html", round=round_, entry=entry, state=_state(round_))


@bp.route("/rounds/<int:round_id>/results")
def results(round_id):
    round_ = get_essay_round_or_404(round_id)
    if not can_see_results(round_, current_user if current_user.is_authenticated else None):
        flash(_("The results of this round are not published yet."), "info")
        return redirect(url_for("essays.round_page", round_id=round_id))
    return render_template("essays/results.html", round=round_, items=judging.ranked(round_),
                           unit_name=judging.unit_name, prizes=judging.prize_labels(),
                           anthology_open=bool(round_.results_published) and publishing.round_is_final(round_))


@bp.route("/rounds/<int:round_id>/anthology")
def anthology_page(round_id):
    """The public anthology ("Những tấm gương làm theo Bác"): once the results are published, to
    anyone, signed in or not, the winning entries of the authors who agreed to publication, and
    how many others are not shown. Before that: 404 for everyone."""
    round_ = get_essay_round_or_404(round_id)
    if not (round_.results_published and publishing.round_is_final(round_)):
        abort(404)
    shown, hidden = anthology.public_entries(round_)
    return render_template("essays/anthology.html", round=round_, entries=shown, hidden=hidden,
                           cover=anthology.cover(round_))


# --- organizers --------------------------------------------------------------------------------

def _save_round_form(round_, form, creating):
    before = None if creating else round_snapshot(round_)
    try:
        criteria = apply_round_fields(round_, form.round_data(), creating=creating)
        if criteria is not None:
            set_criteria(round_, criteria)
        publishing.check_window_keeps_results_final(round_)
    except publishing.PublishRefused:
        db.session.rollback()
        form.closes_at.errors.append(publishing.window_refusal_message())
        return False
    except RoundInvalid as invalid:
        db.session.rollback()
        for field, message in invalid.problems:
            target = getattr(form, field, None)
            if target is not None and isinstance(getattr(target, "errors", None), list):
                target.errors.append(message)
            else:
                flash(message, "danger")
        return False
    form.apply_settings(service.settings_to_change(round_))
    judging_settings_to_change(round_).normalize_scores = bool(form.normalize_scores.data)
    record_round_saved(round_, before)
    db.session.commit()
    forget_round(round_.id)  # its prize tiers may have changed
    return True


@bp.route("/manage/contests/<int:contest_id>/rounds/new", methods=["GET", "POST"])
@organizer_required
def new_round(contest_id):
    from contest.rounds.loaders import get_contest_or_404

    contest = get_contest_or_404(contest_id)
    form = EssayRoundForm()
    if request.method == "GET":
        defaults = [(_("Content"), 40, 1), (_("Structure"), 30, 1), (_("Language and style"), 30, 1)]
        for item, (name, points, weight) in zip(form.criteria.entries, defaults):
            item.form.name.data, item.form.max_points.data, item.form.weight.data = name, points, weight
    if form.validate_on_submit():
        round_ = Round(contest_id=contest.id, kind="essay")
        db.session.add(round_)
        if _save_round_form(round_, form, creating=True):
            flash(_("Writing round scheduled."), "success")
            return redirect(url_for("rounds.manage_contest", contest_id=contest.id))
    return render_template("essays/round_form.html", form=form, contest=contest, round=None)


@bp.route("/manage/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_round(round_id):
    round_ = get_essay_round_or_404(round_id)
    form = EssayRoundForm()
    if request.method == "GET":
        form.load(round_, service.settings_for(round_), round_criteria(round_))
        form.normalize_scores.data = normalizes(round_)
    if form.validate_on_submit():
        if _save_round_form(round_, form, creating=False):
            flash(_("Round saved."), "success")
            return redirect(url_for("rounds.manage_contest", contest_id=round_.contest_id))
    return render_template("essays/round_form.html", form=form, contest=round_.contest, round=round_)


@bp.route("/manage/rounds/<int:round_id>/entries")
@organizer_required
def entries(round_id):
    round_ = get_essay_round_or_404(round_id)
    rows = db.session.execute(select(Entry).where(Entry.round_id == round_id)
                              .options(selectinload(Entry.author), selectinload(Entry.files))
                              .order_by(Entry.id)).scalars().all()
    return render_template("essays/entries.html", round=round_, entries=rows)


@bp.route("/manage/entries/<int:entry_id>")
@organizer_required
def entry_detail(entry_id):
    from contest.essays.loaders import get_managed_entry_or_404

    entry = get_managed_entry_or_404(entry_id)
    return render_template("essays/entry_detail.html", entry=entry, round=entry.round)


@bp.route("/manage/files/<int:file_id>")
@organizer_required
def download_original(file_id):
    """The original upload, for organizers only (judges never get files)."""
    from contest.essays.loaders import get_entry_file_or_404

    row = get_entry_file_or_404(file_id)
    mimetypes = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    response = Response(row.data, mimetype=mimetypes.get(row.kind, "application/octet-stream"))
    response.headers["Content-Disposition"] = f'attachment; filename="{row.entry.code}.{row.kind}"'
    return response


@bp.route("/manage/rounds/<int:round_id>/similarity", methods=["GET", "POST"])
@organizer_required
def similarity_page(round_id):
    round_ = get_essay_round_or_404(round_id)
    settings = service.settings_for(round_)
    ref_form = ReferenceForm(prefix="ref")
    check_form = EmptyForm(prefix="check")
    if request.method == "POST" and request.form.get("action") == "reference" and ref_form.validate_on_submit():
        body = service.clean_body(ref_form.body.data)
        if ref_form.file.data:
            try:
                _kind, body = service.read_upload(round_, ref_form.file.data.read(settings.max_file_bytes + 1))
            except Refusal as error:
                flash(error.text, "danger")
                body = None
        if body:
            db.session.add(ReferenceText(round_id=round_id, title=ref_form.title.data.strip(), body=body))
            db.session.commit()
            flash(_("Reference text added. Run the check again to compare entries with it."), "success")
            return redirect(url_for("essays.similarity_page", round_id=round_id))
        if body is not None:
            flash(_("The source has no text."), "danger")
    elif request.method == "POST" and request.form.get("action") == "check" and check_form.validate_on_submit():
        # Every entry against every other: longer than a request may take on a big round.
        job = enqueue("similarity", "contest.essays.service:similarity_job", started_by=current_actor(),
                      round_id=round_.id)
        db.session.commit()
        return redirect(url_for("essays.similarity_page", round_id=round_id, job=job.id))
    job = None
    if request.args.get("job"):
        try:
            job = get_visible_job_or_404(request.args["job"][:32], current_actor())
        except Refusal:
            job = None
    flags = db.session.execute(select(SimilarityFlag).where(SimilarityFlag.round_id == round_id)
                               .order_by(SimilarityFlag.score.desc())).scalars().all()
    references = db.session.execute(select(ReferenceText).where(ReferenceText.round_id == round_id)
                                    .order_by(ReferenceText.id)).scalars().all()
    return render_template("essays/similarity.html", round=round_, settings=settings, flags=flags,
                           references=references, ref_form=ref_form, check_form=check_form, job=job)


def highlight(body: str, spans) -> Markup:
    """Escape the text and wrap the shared passages in <mark>."""
    out, last = [], 0
    for start, end in sorted(spans or []):
        start, end = max(start, last), max(end, last)
        out.append(escape(body[last:start]))
        out.append(Markup("<mark>") + escape(body[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(body[last:]))
    return Markup('<div class="entry-text">') + Markup("").join(out) + Markup("</div>")


@bp.route("/manage/similarity/<int:flag_id>")
@organizer_required
def similarity_pair(flag_id):
    from contest.essays.loaders import get_flag_or_404

    flag = get_flag_or_404(flag_id)
    other_title = flag.other_entry.title if flag.other_entry else flag.reference.title
    other_body = flag.other_entry.body if flag.other_entry else flag.reference.body
    passages = flag.passages or {}
    return render_template("essays/similarity_pair.html", flag=flag, round=flag.entry.round,
                           left=highlight(flag.entry.body, passages.get("a")),
                           right=highlight(other_body, passages.get("b")), other_title=other_title)
