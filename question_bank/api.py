"""API v1: topics and questions (organizers)."""
import marshmallow as ma
from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import func, select

from contest.accounts.permissions import current_actor, roles_required
from contest.api import fields
from contest.api.core import Page, errors, paginate
from contest.bounds import ID_MAX
from contest.errors import Refusal
from contest.extensions import db
from contest.ratelimit import limited
from question_bank import formats, service
from question_bank.importer import import_file
from question_bank.formats.common import KINDS
from question_bank.models import STATUSES, Question, Topic
from question_bank.service import create_question, question_dict

blp = Blueprint("api_bank", __name__, description="Question bank")


class TopicOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    question_count = ma.fields.Integer()


class TopicIn(ma.Schema):
    name = fields.Text(required=True, validate=ma.validate.Length(min=1, max=200))
    parent_id = fields.Id(load_default=None, allow_none=True)


class TopicList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TopicOut))
    total = ma.fields.Integer()


class OptionIO(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    text = fields.Text(required=True, validate=ma.validate.Length(min=1, max=2000))
    is_correct = ma.fields.Boolean(load_default=False)


class QuestionIO(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    topic_id = fields.Id(allow_none=True, load_default=None)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    text = fields.Text(required=True, validate=ma.validate.Length(min=1, max=5000))
    difficulty = fields.Integer(allow_none=True, load_default=None, minimum=1, maximum=3)
    status = ma.fields.String(load_default="approved", validate=ma.validate.OneOf(STATUSES))
    explanation = fields.Text(allow_none=True, load_default=None, validate=ma.validate.Length(max=5000))
    source_note = fields.Text(allow_none=True, load_default=None, validate=ma.validate.Length(max=2000))
    tags = ma.fields.List(fields.Text(validate=ma.validate.Length(max=200)), load_default=list,
                          validate=ma.validate.Length(max=100))
    version = ma.fields.Integer(dump_only=True)
    options = ma.fields.List(ma.fields.Nested(OptionIO), required=True, validate=ma.validate.Length(max=20))
    # The rules of a question (options of each kind, the answer key, duplicates) are not here:
    # create_question_api applies formats.validate, the one validation of the importer and
    # the question form.


class QuestionList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QuestionIO))
    total = ma.fields.Integer()


class QuestionQuery(Page):
    topic_id = fields.Id(load_default=None)
    q = fields.Text(load_default=None, validate=ma.validate.Length(max=200))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(STATUSES))


@blp.route("/topics")
@roles_required("organizer")
@blp.arguments(Page, location="query")
@blp.response(200, TopicList)
def list_topics(args):
    counts = dict(db.session.execute(
        select(Question.topic_id, func.count()).group_by(Question.topic_id)).all())
    page = paginate(select(Topic).order_by(Topic.id), args)
    page["items"] = [{"id": t.id, "name": t.name, "parent_id": t.parent_id,
                      "question_count": counts.get(t.id, 0)} for t in page["items"]]
    return page


@blp.route("/topics", methods=["POST"])
@roles_required("organizer")
@blp.arguments(TopicIn)
@blp.response(201, TopicOut)
def create_topic(data):
    if data["parent_id"] is not None and db.session.get(Topic, data["parent_id"]) is None:
        raise Refusal("validation_error", 422, details=[{"field": "parent_id", "message": _("Unknown topic.")}])
    try:
        topic = service.save_topic(None, data["name"], data["parent_id"])
    except service.TopicNameEmpty:
        db.session.rollback()
        raise Refusal("validation_error", 422, details=[{"field": "name", "message": _("Give the topic a name.")}])
    except service.TopicNameTaken as taken:
        db.session.rollback()
        message = service.name_taken_message(taken.existing)
        raise Refusal("validation_error", 422, message,
                      details=[{"field": "name", "message": message, "topic_id": taken.existing.id}])
    db.session.commit()
    return {"id": topic.id, "name": topic.name, "parent_id": topic.parent_id, "question_count": 0}


@blp.route("/questions")
@roles_required("organizer")
@blp.arguments(QuestionQuery, location="query")
@blp.response(200, QuestionList)
def list_questions(args):
    """The bank page's filter (service.question_query): a topic includes its sub-topics."""
    stmt = service.question_query(q=args["q"], topic_id=args["topic_id"], status=args["status"])
    page = paginate(stmt.order_by(Question.id), args)
    page["items"] = [question_dict(q) for q in page["items"]]
    return page


@blp.route("/questions", methods=["POST"])
@roles_required("organizer")
@blp.arguments(QuestionIO)
@blp.response(201, QuestionIO)
def create_question_api(data):
    if data["topic_id"] is not None and db.session.get(Topic, data["topic_id"]) is None:
        raise Refusal("validation_error", 422, details=[{"field": "topic_id", "message": _("Unknown topic.")}])
    draft = formats.QuestionDraft(
        text=formats.clean_text(data["text"]), kind=data["kind"],
        options=[formats.OptionDraft(formats.clean_text(o["text"]), o["is_correct"]) for o in data["options"]],
        difficulty=data["difficulty"])
    problems = formats.validate(draft)
    if problems:
        raise Refusal("validation_error", 422, problems[0].message, details=[
            {"field": formats.PROBLEM_FIELDS.get(p.code, "options"), "code": p.code, "message": p.message}
            for p in problems])
    question = create_question(
        text=draft.text, kind=draft.kind, options=[(o.text, o.is_correct) for o in draft.options],
        topic_id=data["topic_id"], difficulty=data["difficulty"], status=data["status"],
        explanation=data["explanation"], source_note=data["source_note"], tags=data["tags"],
        user_id=current_actor().id)
    db.session.commit()
    return question_dict(question)


class ImportOut(ma.Schema):
    imported = ma.fields.Integer()
    duplicates_skipped = ma.fields.Integer()
    topics_created = ma.fields.Integer()


@blp.route("/questions/import", methods=["POST"])
@roles_required("organizer")
@blp.response(201, ImportOut)
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "format": {"type": "string", "enum": ["csv", "xlsx", "gift", "aiken"]},
                   "topic_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                   "status": {"type": "string", "enum": ["draft", "approved"]}}}}}})
@errors(E422="`invalid_file`: nothing imported, details list every bad line")
@limited("upload")
def import_questions():
    """Import a question file: all or nothing. Any bad question: 422 invalid_file listing every
    bad line, and nothing is imported. Duplicates already in the bank are skipped and counted."""
    upload = request.files.get("file")
    problems = []
    if upload is None or not upload.filename and not upload.content_length:
        problems.append({"field": "file", "message": _("Choose a file to import.")})
    topic_id = None
    raw_topic = (request.form.get("topic_id") or "").strip()
    if raw_topic:
        if not raw_topic.isdigit() or not 1 <= int(raw_topic) <= ID_MAX \
                or db.session.get(Topic, int(raw_topic)) is None:
            problems.append({"field": "topic_id", "message": _("Unknown topic.")})
        else:
            topic_id = int(raw_topic)
    status = (request.form.get("status") or "approved").strip()
    if status not in ("draft", "approved"):
        problems.append({"field": "status", "message": _("The status must be draft or approved.")})
    if problems:
        raise Refusal("validation_error", 422, details=problems)
    data = upload.read()
    report = import_file(data, format=(request.form.get("format") or "").strip() or None,
                         filename=upload.filename, topic_id=topic_id, status=status,
                         user_id=current_actor().id)
    if not report.ok:
        raise Refusal("invalid_file", 422,
                      _("Nothing was imported: %(count)s problems were found in the file.",
                         count=len(report.errors)),
                       details=[{"line": e.line, "code": e.code, "message": e.message}
                                for e in report.errors])
    return {"imported": report.imported, "duplicates_skipped": report.duplicates_skipped,
            "topics_created": report.topics_created}
