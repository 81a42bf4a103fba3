"""API v1: assigning judges, judging blind, and results of writing rounds."""
import marshmallow as ma
from flask import Response
from flask_babel import gettext as _
from flask_smorest import Blueprint

from contest.accounts.permissions import current_actor, roles_required
from contest.api import fields
from contest.api.core import Page, errors, page_of
from contest.errors import Refusal
from contest.essays.loaders import get_managed_entry_or_404, get_essay_round_or_404
from contest.essays.service import judge_view
from contest.extensions import db
from contest.ratelimit import limited
from contest.judging import anthology, service
from contest.judging.criteria import round_criteria
from contest.judging.loaders import get_assignment_or_404, get_own_assignment_or_404
from contest.judging.models import Assignment
from contest.judging.settings import settings_for
from contest.standings.publishing import can_see_results, round_is_final

blp = Blueprint("api_judging", __name__, description="Writing rounds: judging and results")


class AssignIn(ma.Schema):
    judge_ids = ma.fields.List(fields.Id(), load_default=None)
    stage = fields.Integer(load_default=None, minimum=1)


class AssignOut(ma.Schema):
    assigned = ma.fields.Integer()
    stage = ma.fields.Integer()


class JudgingCriterionOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    max_points = ma.fields.Float()
    weight = ma.fields.Float()


class JudgeEntryOut(ma.Schema):
    """What a judge sees of an entry: no author, no unit, no file."""
    id = ma.fields.Integer()
    code = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    word_count = ma.fields.Integer()


class OtherScoreOut(ma.Schema):
    total = ma.fields.Float()
    comment = ma.fields.String(allow_none=True)


class AssignmentOut(ma.Schema):
    id = ma.fields.Integer()
    round_id = ma.fields.Integer()
    stage = ma.fields.Integer()
    status = ma.fields.String()
    entry = ma.fields.Nested(JudgeEntryOut)
    criteria = ma.fields.List(ma.fields.Nested(JudgingCriterionOut))
    scores = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    comment = ma.fields.String(allow_none=True)
    total = ma.fields.Float(allow_none=True)
    submitted_at = ma.fields.DateTime(allow_none=True)
    other_judges = ma.fields.List(ma.fields.Nested(OtherScoreOut))


class AssignmentList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AssignmentOut))
    total = ma.fields.Integer()


class AssignmentQuery(Page):
    round_id = fields.Id(load_default=None)


class SheetIn(ma.Schema):
    scores = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True)
    comment = fields.Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=10000))
    status = ma.fields.String(load_default="submitted", validate=ma.validate.OneOf(("draft", "submitted")))


class ReopenIn(ma.Schema):
    reason = fields.Text(required=True, pattern=fields.NOT_BLANK, validate=[
        ma.validate.Length(min=1, max=2000),
        ma.validate.Predicate("strip", error="The reason must not be blank.")])


class EssayResultOut(ma.Schema):
    rank = ma.fields.Integer(allow_none=True)
    entry_id = ma.fields.Integer()
    code = ma.fields.String()
    title = ma.fields.String()
    author = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    final_score = ma.fields.Float(allow_none=True)
    mean_score = ma.fields.Float(allow_none=True)
    normalized_score = ma.fields.Float(allow_none=True)
    judges_scored = ma.fields.Integer()
    needs_more_judging = ma.fields.Boolean()
    stage = ma.fields.Integer()
    prize = ma.fields.String(allow_none=True)


class PrizeIn(ma.Schema):
    prize = fields.Text(required=True, allow_none=True, validate=ma.validate.Length(max=100), metadata={
        "description": "one of the round's prize names, or null for no prize"})
    reason = fields.Text(required=True, validate=ma.validate.Length(max=2000))
    computed = ma.fields.Boolean(load_default=False, metadata={
        "description": "true: give the entry back the prize its rank falls in (prize is ignored)"})


class PrizeOut(ma.Schema):
    entry_id = ma.fields.Integer()
    prize = ma.fields.String(allow_none=True)
    computed_prize = ma.fields.String(allow_none=True)
    by_hand = ma.fields.Boolean()
    reason = ma.fields.String(allow_none=True)


class EssayResultList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EssayResultOut))
    total = ma.fields.Integer()
    published = ma.fields.Boolean()
    normalized = ma.fields.Boolean()


def assignment_dict(row: Assignment) -> dict:
    return {"id": row.id, "round_id": row.round_id, "stage": row.stage, "status": row.status,
            "entry": judge_view(row.entry),
            "criteria": round_criteria(row.entry.round, row.stage),
            "scores": {str(k): v for k, v in service.sheet(row).items()},
            "comment": row.comment, "total": row.total, "submitted_at": row.submitted_at,
            "other_judges": service.others_visible(row)}


@blp.route("/rounds/<int:round_id>/assignments", methods=["POST"])
@roles_required("organizer")
@blp.arguments(AssignIn, required=False)
@blp.response(201, AssignOut)
@errors(E409="`no_judges`: the round has no panel", E422="a judge id that is not an active judge")
def assign(data, round_id):
    """Assign judges automatically: balanced, judges_per_entry each, none from the author's unit."""
    round_ = get_essay_round_or_404(round_id)
    count = service.auto_assign(round_, data.get("judge_ids"), data.get("stage"))
    db.session.commit()
    return {"assigned": count, "stage": data.get("stage") or settings_for(round_).current_stage}


@blp.route("/judging/assignments")
@roles_required("judge")
@blp.arguments(AssignmentQuery, location="query")
@blp.response(200, AssignmentList)
def my_assignments(args):
    rows = service.judge_assignments(current_actor().id, args.get("round_id"))
    page = page_of(rows, args)
    page["items"] = [assignment_dict(r) for r in page["items"]]
    return page


@blp.route("/judging/assignments/<int:assignment_id>")
@roles_required("judge")
@blp.response(200, AssignmentOut)
def get_assignment(assignment_id):
    return assignment_dict(get_own_assignment_or_404(assignment_id, current_actor()))


@blp.route("/judging/assignments/<int:assignment_id>", methods=["PUT"])
@roles_required("judge")
@blp.arguments(SheetIn)
@blp.response(200, AssignmentOut)
@errors(E409="`sheet_submitted`: a submitted sheet is final", E422="`out_of_range`, `incomplete`")
def score(data, assignment_id):
    """Save (status "draft") or submit (default) a score sheet: {scores: {criterion_id: points}, comment?}."""
    row = get_own_assignment_or_404(assignment_id, current_actor())
    service.save_sheet(row, data["scores"], data.get("comment"), submit=data["status"] == "submitted")
    db.session.commit()  # the sheet and its discrepancy check (an extra judge) together
    return assignment_dict(db.session.get(Assignment, assignment_id))


@blp.route("/judging/assignments/<int:assignment_id>/reopen", methods=["POST"])
@roles_required("organizer")
@blp.arguments(ReopenIn)
@blp.response(200, AssignmentOut)
@errors(E409="`not_submitted`: only a submitted sheet can be reopened")
def reopen(data, assignment_id):
    """Reopen a submitted score sheet: back to draft for its judge; who, when and why are
    recorded in the audit log (`sheet.reopen`). 409 `not_submitted` if the sheet is not submitted."""
    row = get_assignment_or_404(assignment_id)
    service.reopen(row, data["reason"], actor=current_actor())
    db.session.commit()
    return assignment_dict(db.session.get(Assignment, assignment_id))


@blp.route("/entries/<int:entry_id>/prize", methods=["PUT"])
@roles_required("organizer")
@blp.arguments(PrizeIn)
@blp.response(200, PrizeOut)
@errors(E422="`validation_error`: no reason, or not one of the round's prize names")
def move_prize(data, entry_id):
    """Move a writing entry's prize by hand (it wins over the prize its rank falls in), with a
    reason, recorded in the audit log (`entry.prize`, before → after)."""
    entry = get_managed_entry_or_404(entry_id)
    row = service.move_prize(entry, data["prize"], data["reason"], actor=current_actor(),
                             computed=data["computed"])
    db.session.commit()
    return {"entry_id": entry.id, "prize": row["prize"], "computed_prize": row["computed_prize"],
            "by_hand": row["override"] is not None,
            "reason": row["override"].reason if row["override"] is not None else None}


@blp.route("/rounds/<int:round_id>/results")
@blp.arguments(Page, location="query")
@blp.response(200, EssayResultList)
@errors(E403="`forbidden`: the results are not published yet")
def results(args, round_id):
    round_ = get_essay_round_or_404(round_id)
    user = current_actor()
    if not can_see_results(round_, user):
        raise Refusal("forbidden", 403, _("The results of this round are not published yet."))
    # Whoever may see the results (can_see_results) sees the authors, units and prizes too.
    items = [result_dict(item, reveal=True) for item in service.ranked(round_)]
    page = page_of(items, args)
    page["published"] = bool(round_.results_published)
    page["normalized"] = settings_for(round_).normalize_scores
    return page


def result_dict(item: dict, reveal: bool) -> dict:
    entry = item["entry"]
    return {"rank": item["rank"], "entry_id": entry.id, "code": entry.code, "title": entry.title,
            "author": entry.author.full_name if reveal else None,
            "unit": service.unit_name(entry.author) if reveal else None,
            "final_score": item["final_score"],
            "mean_score": None if item["raw"] is None else round(item["raw"], 2),
            "normalized_score": None if item["normalized"] is None else round(item["normalized"], 2),
            "judges_scored": item["judges_scored"], "needs_more_judging": item["needs_more_judging"],
            "stage": item["stage"], "prize": item.get("prize") if reveal else None}


# --- the anthology (kỷ yếu) ----------------------------------------------------------------------

class AnthologyArgs(ma.Schema):
    shortlisted = ma.fields.Boolean(load_default=False, metadata={
        "description": "true: the shortlisted entries (reached a later stage) as well as the winners"})


def _anthology_file(round_id, args, fmt):
    round_ = get_essay_round_or_404(round_id)
    if not (round_.results_published and round_is_final(round_)):
        raise anthology.not_published()
    response = Response(anthology.build(round_, fmt, include_shortlisted=args["shortlisted"]),
                        mimetype=anthology.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{anthology.filename(round_, fmt)}"'
    return response


def _file_response(fmt):
    return {"responses": {"200": {"description": f"The anthology (.{fmt}, attachment)", "content": {
        anthology.MEDIA_TYPES[fmt]: {"schema": {"type": "string", "format": "binary"}}}}}}


@blp.route("/rounds/<int:round_id>/anthology.pdf")
@roles_required("organizer")
@blp.arguments(AnthologyArgs, location="query")
@blp.doc(**_file_response("pdf"))
@errors(E409="`not_published`: the round's results are not published yet")
@limited("export")
def anthology_pdf(args, round_id):
    """The kỷ yếu as a PDF: cover, contents with page numbers, the winning (or, with
    `shortlisted=true`, also the shortlisted) entries in rank order with title, author, unit,
    prize and text. Only once the round's results are published."""
    return _anthology_file(round_id, args, "pdf")


@blp.route("/rounds/<int:round_id>/anthology.docx")
@roles_required("organizer")
@blp.arguments(AnthologyArgs, location="query")
@blp.doc(**_file_response("docx"))
@errors(E409="`not_published`: the round's results are not published yet")
@limited("export")
def anthology_docx(args, round_id):
    """The kỷ yếu as a Word document (.docx): the same entries as the PDF."""
    return _anthology_file(round_id, args, "docx")
