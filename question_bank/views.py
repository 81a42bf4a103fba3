"""Pages: the question bank (organizers) — list and search, questions with their versions,
import and export, topics, and item analysis."""
from urllib.parse import urlencode, urlsplit

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.accounts.permissions import organizer_required
from contest.bounds import db_id, db_int
from contest.extensions import db
from contest.ratelimit import limited
from contest.pagination import count_rows, keyset_page
from contest.rounds.loaders import get_quiz_round_or_404
from question_bank import analysis, formats, service
from question_bank.formats.common import (FALSE_LABEL, KINDS, TRUE_LABEL, OptionDraft, QuestionDraft,
                                         clean_text)
from question_bank.formats.csv import template_csv
from question_bank.formats.xlsx import template_xlsx
from question_bank.forms import (BulkForm, EmptyForm, ImportForm, OptionForm, QuestionForm, StatusForm,
                                 TopicForm)
from question_bank.importer import import_file
from question_bank.models import STATUSES, Question, QuestionVersion, Topic

bp = Blueprint("bank", __name__, url_prefix="/manage/bank")
PAGE = 50
EXPORT_FORMATS = ("xlsx", "csv", "gift")


# --- helpers -------------------------------------------------------------------------------

def topic_choices(blank: str) -> list[tuple[int, str]]:
    return [(0, blank)] + [(t.id, "\u2003" * depth + t.name) for t, depth in service.topic_tree()]


def _filters() -> dict:
    """The list filters from the query string, cleaned (unknown values are ignored)."""
    args = request.args
    kind = args.get("kind") if args.get("kind") in KINDS else None
    status = args.get("status") if args.get("status") in STATUSES else None
    difficulty = args.get("difficulty", type=db_int)
    if difficulty not in (0, 1, 2, 3):
        difficulty = None
    return {"q": (args.get("q") or "").strip()[:200], "topic_id": args.get("topic_id", type=db_int) or None,
            "kind": kind, "difficulty": difficulty, "status": status}


def _filter_args(filters: dict) -> dict:
    return {k: v for k, v in filters.items() if v not in (None, "")}


def _safe_next(default: str) -> str:
    target = request.form.get("next") or request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


def _download(data: bytes, fmt: str, stem: str) -> Response:
    filename = stem + formats.EXTENSIONS[fmt]
    return Response(data, mimetype=formats.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- list, search, bulk actions ---------------------------------------------------------------

@bp.route("/")
@organizer_required
def index():
    filters = _filters()
    stmt = service.question_query(**filters)
    before = request.args.get("before", type=db_int)
    after = request.args.get("after", type=db_int)
    questions, older, newer = keyset_page(stmt, Question.id, before=before, after=after, size=PAGE)
    ids = [q.id for q in questions]
    if ids:  # load the shown questions' versions, options and topics in three queries
        db.session.execute(select(Question).where(Question.id.in_(ids)).options(
            selectinload(Question.current).selectinload(QuestionVersion.options),
            selectinload(Question.topic))).scalars().all()
    total = count_rows(stmt)
    bulk = BulkForm()
    bulk.target_topic_id.choices = topic_choices(_("No topic"))
    return render_template(
        "question_bank/index.html", questions=questions, total=total, filters=filters,
        filter_args=_filter_args(filters), older=older, newer=newer, bulk=bulk,
        topic_options=topic_choices(_("All topics")), kinds=KINDS, statuses=STATUSES,
        export_formats=EXPORT_FORMATS, here=request.full_path)


@bp.route("/bulk", methods=["POST"])
@organizer_required
def bulk():
    form = BulkForm()
    form.target_topic_id.choices = topic_choices(_("No topic"))
    back = _safe_next(url_for("bank.index"))
    ids = [i for i in map(db_id, request.form.getlist("ids")) if i is not None]
    if not form.validate_on_submit():
        flash(_("The action could not be applied. Please try again."), "danger")
        return redirect(back)
    if not ids:
        flash(_("Select at least one question first."), "warning")
        return redirect(back)
    action = form.action.data
    if action == "move":
        count = service.move_questions(ids, form.target_topic_id.data or None)
        message = _("%(count)s questions moved.", count=count)
    else:
        status = {"approve": "approved", "retire": "retired", "draft": "draft"}[action]
        count = service.set_status(ids, status)
        message = {"approved": _("%(count)s questions approved.", count=count),
                   "retired": _("%(count)s questions retired; they will no longer be drawn.", count=count),
                   "draft": _("%(count)s questions sent back to draft.", count=count)}[status]
    db.session.commit()
    service.bank_changed()
    flash(message, "success")
    return redirect(back)


# --- one question ------------------------------------------------------------------------------

def _question_form(question: Question | None = None) -> QuestionForm:
    form = QuestionForm()
    if question is not None and request.method == "GET":
        version = question.current
        form.text.data = version.text
        form.kind.data = version.kind
        form.explanation.data = version.explanation or ""
        form.topic_id.data = question.topic_id or 0
        form.difficulty.data = question.difficulty or 0
        form.status.data = question.status
        form.source_note.data = question.source_note or ""
        form.tags.data = ", ".join(question.tags or [])
        form.title.data = question.title or ""
        if version.kind == "true_false":
            form.truth.data = "1" if any(o.is_correct and o.text == "Đúng" for o in version.options) else "0"
        while len(form.options.entries):
            form.options.pop_entry()
        for option in (version.options if version.kind != "true_false" else []):
            form.options.append_entry({"text": option.text, "is_correct": option.is_correct})
        while len(form.options.entries) < 4:
            form.options.append_entry()
    form.topic_id.choices = topic_choices(_("No topic"))
    return form


def _draft_from_form(form: QuestionForm):
    """The form as a format draft, so a question typed in obeys the very rules an imported one does."""
    kind = form.kind.data
    entries = [(clean_text(e.form.text.data), bool(e.form.is_correct.data)) for e in form.options.entries]
    if kind == "true_false":
        truth = form.truth.data == "1"
        options = [OptionDraft(TRUE_LABEL, truth), OptionDraft(FALSE_LABEL, not truth)]
    else:
        options = [OptionDraft(t, c) for t, c in entries if t]
    tags = [t.strip() for t in (form.tags.data or "").split(",") if t.strip()]
    return QuestionDraft(text=clean_text(form.text.data), kind=kind, options=options,
                         explanation=clean_text(form.explanation.data),
                         source_note=clean_text(form.source_note.data), tags=tags,
                         title=clean_text(form.title.data), difficulty=form.difficulty.data or None)


def _save_form(form: QuestionForm, question: Question | None):
    """Validate and save; returns (question, new_version) or None with form errors set."""
    if not form.validate_on_submit():
        return None
    draft = _draft_from_form(form)
    problems = formats.validate(draft)
    if problems:
        form.options.errors = [p.message for p in problems]
        return None
    fields = dict(topic_id=form.topic_id.data or None, difficulty=draft.difficulty,
                  status=form.status.data, source_note=draft.source_note, tags=draft.tags,
                  title=draft.title)
    options = [(o.text, o.is_correct) for o in draft.options]
    if question is None:
        question = service.create_question(text=draft.text, kind=draft.kind, options=options,
                                           explanation=draft.explanation, user_id=current_user.id,
                                           **fields)
        created = False
    else:
        created = service.edit_question(question, text=draft.text, kind=draft.kind, options=options,
                                        explanation=draft.explanation, user_id=current_user.id, **fields)
    db.session.commit()
    service.bank_changed()
    return question, created


@bp.route("/questions/new", methods=["GET", "POST"])
@organizer_required
def new_question():
    form = _question_form()
    if request.method == "GET" and request.args.get("topic_id", type=db_int):
        form.topic_id.data = request.args.get("topic_id", type=db_int)
    saved = _save_form(form, None)
    if saved:
        flash(_("Question saved."), "success")
        return redirect(url_for("bank.question", question_id=saved[0].id))
    return render_template("question_bank/question_form.html", form=form, question=None,
                           blank_option=OptionForm(prefix="options-__index__"))


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_question(question_id):
    question = _question_or_404(question_id)
    form = _question_form(question)
    saved = _save_form(form, question)
    if saved:
        if saved[1]:
            flash(_("Saved as version %(number)s. Attempts that drew an earlier version keep it, so their scores do not change.",
                    number=question.current.number), "success")
        else:
            flash(_("Question saved."), "success")
        return redirect(url_for("bank.question", question_id=question.id))
    in_use = service.version_in_use(question.current_version_id) if question.current_version_id else False
    return render_template("question_bank/question_form.html", form=form, question=question,
                           in_use=in_use, blank_option=OptionForm(prefix="options-__index__"))


@bp.route("/questions/<int:question_id>")
@organizer_required
def question(question_id):
    question = _question_or_404(question_id)
    stats = analysis.item_stats(service.responses(question_ids=[question.id])).get(question.id)
    option_text = {}
    for version in question.versions:
        for option in version.options:
            option_text[option.id] = (version.number, option.text, option.is_correct)
    return render_template("question_bank/question.html", question=question, stats=stats,
                           option_text=option_text, status_form=StatusForm(), min_seen=analysis.MIN_SEEN,
                           path=" / ".join(service.topic_path(question.topic)))


@bp.route("/questions/<int:question_id>/status", methods=["POST"])
@organizer_required
def question_status(question_id):
    question = _question_or_404(question_id)
    form = StatusForm()
    if form.validate_on_submit() and form.status.data in STATUSES:
        service.set_status([question.id], form.status.data)
        db.session.commit()
        service.bank_changed()
        flash({"approved": _("Question approved: it can now be drawn."),
               "retired": _("Question retired: it will no longer be drawn."),
               "draft": _("Question sent back to draft.")}[form.status.data], "success")
    return redirect(_safe_next(url_for("bank.question", question_id=question.id)))


# --- import and export -----------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@organizer_required
@limited("upload", methods=('POST',))
def import_page():
    form = ImportForm()
    form.topic_id.choices = topic_choices(_("Use the topics named in the file"))
    errors, unit, filename = None, "line", None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = upload.filename or ""
        fmt = form.format.data or None
        report = import_file(data, format=fmt, filename=filename, topic_id=form.topic_id.data or None,
                             status=form.status.data, user_id=current_user.id)
        if report.ok:
            flash(_("Imported %(imported)s questions. %(duplicates)s duplicates were skipped. %(topics)s new topics.",
                    imported=report.imported, duplicates=report.duplicates_skipped,
                    topics=report.topics_created), "success")
            return redirect(url_for("bank.import_page"))
        errors = report.errors
        if (fmt or formats.detect_format(filename, data)) in ("xlsx", "csv"):
            unit = "row"
    status = 422 if errors else 200
    return render_template("question_bank/import.html", form=form, errors=errors, unit=unit,
                           filename=filename), status


@bp.route("/template.<fmt>")
@organizer_required
def template(fmt):
    if fmt == "xlsx":
        return _download(template_xlsx(), "xlsx", "mau-cau-hoi")
    if fmt == "csv":
        return _download(template_csv(), "csv", "mau-cau-hoi")
    abort(404)


@bp.route("/export")
@organizer_required
@limited("export")
def export():
    fmt = request.args.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters = _filters()
    stmt = service.question_query(**filters).order_by(Question.id).options(
        selectinload(Question.current).selectinload(QuestionVersion.options),
        selectinload(Question.topic))
    # Only questions with a version are written, so a refusal's number counts among these.
    questions = [q for q in db.session.execute(stmt).scalars().all() if q.current is not None]
    try:
        data = formats.export(service.question_drafts(questions), fmt)
    except formats.ExportError as exc:
        for problem in exc.problems[:20]:
            flash(_("Question #%(id)s cannot be exported: %(reason)s",
                    id=questions[problem.line - 1].id, reason=problem.message), "danger")
        return redirect(url_for("bank.index", **_filter_args(filters)))
    return _download(data, fmt, "ngan-hang-cau-hoi")


# --- topics ----------------------------------------------------------------------------------

def _save_topic(form: TopicForm, topic: Topic | None) -> bool:
    """Create or rename/move a topic from the form; False with the reason on the form."""
    try:
        service.save_topic(topic, form.name.data, form.parent_id.data or None)
    except service.TopicNameEmpty:
        form.name.errors = [_("Give the topic a name.")]
    except service.TopicNameTaken as taken:
        form.name.errors = [service.name_taken_message(taken.existing)]
    except service.TopicMoveRefused:
        form.parent_id.errors = [_("A topic cannot be put under itself or one of its sub-topics.")]
    else:
        db.session.commit()
        service.bank_changed()
        return True
    db.session.rollback()
    return False


@bp.route("/topics", methods=["GET", "POST"])
@organizer_required
def topics():
    form = TopicForm()
    form.parent_id.choices = topic_choices(_("(top level)"))
    if form.validate_on_submit():
        if _save_topic(form, None):
            flash(_("Topic created."), "success")
            return redirect(url_for("bank.topics"))
    return render_template("question_bank/topics.html", form=form, tree=service.topic_tree(),
                           counts=service.topic_question_counts())


@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@organizer_required
def topic(topic_id):
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    form = TopicForm(obj=None if request.method == "POST" else topic)
    below = service.topic_descendants(topic.id)
    form.parent_id.choices = [c for c in topic_choices(_("(top level)")) if c[0] not in below]
    if request.method == "GET":
        form.parent_id.data = topic.parent_id or 0
    if form.validate_on_submit() and _save_topic(form, topic):
        flash(_("Topic saved."), "success")
        return redirect(url_for("bank.topics"))
    return render_template("question_bank/topic_form.html", form=form, topic=topic)


# --- item analysis of a round ------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/analysis")
@organizer_required
def round_analysis(round_id):
    round_ = get_quiz_round_or_404(round_id)
    answers = service.responses(round_id=round_.id)
    stats = analysis.item_stats(answers)
    questions = {q.id: q for q in db.session.execute(
        select(Question).where(Question.id.in_(list(stats))).options(
            selectinload(Question.current), selectinload(Question.versions)
            .selectinload(QuestionVersion.options))).scalars()}
    option_text = {o.id: (v.number, o.text, o.is_correct)
                   for q in questions.values() for v in q.versions for o in v.options}
    rows = sorted(stats.values(), key=lambda s: (not s.needs_check, s.discrimination if s.discrimination is not None else 2, s.question_id))
    bulk = BulkForm()
    bulk.target_topic_id.choices = topic_choices(_("No topic"))
    return render_template("question_bank/round_analysis.html", round=round_, rows=rows,
                           questions=questions, option_text=option_text,
                           summary=analysis.summary(answers, stats), bulk=bulk,
                           min_seen=analysis.MIN_SEEN, here=request.full_path)
