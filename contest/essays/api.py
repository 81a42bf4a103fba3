"""API v1: entries of writing rounds (members submit and revise; authors and organizers read)."""
import marshmallow as ma
from flask import request
from flask_smorest import Blueprint
from sqlalchemy import select

from contest.accounts.permissions import current_actor, roles_required
from contest.api import fields
from contest.api.core import Page, errors, paginate
from contest.errors import Refusal
from contest.essays import service
from contest.essays.loaders import get_essay_round_or_404, get_visible_entry_or_404
from contest.essays.models import Entry
from contest.extensions import db
from contest.ratelimit import limited
from contest.judging import service as judging
from contest.standings.publishing import can_see_results

blp = Blueprint("api_essays", __name__, description="Writing rounds: entries")


class EntryIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    title = fields.Text(required=True, validate=ma.validate.Length(max=2000))  # checked again, stripped
    body = fields.Text(required=True, validate=ma.validate.Length(max=500_000))
    # Submitting through the API is the member's originality declaration unless they say no.
    declaration = ma.fields.Boolean(load_default=True)
    # "Tôi đồng ý công bố bài dự thi nếu đạt giải": absent keeps a revised entry's answer (new: no).
    publish_consent = ma.fields.Boolean(load_default=None, allow_none=True)


class EntryFileOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    filename = ma.fields.String()
    size = ma.fields.Integer()
    uploaded_at = ma.fields.DateTime()


class EntryOut(ma.Schema):
    id = ma.fields.Integer()
    round_id = ma.fields.Integer()
    code = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    word_count = ma.fields.Integer()
    source = ma.fields.String()
    submitted_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    revision = ma.fields.Integer()
    stage = ma.fields.Integer()
    prize = ma.fields.String(allow_none=True)
    publish_consent = ma.fields.Boolean()
    files = ma.fields.List(ma.fields.Nested(EntryFileOut))


class EntryList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EntryOut))
    total = ma.fields.Integer()


ENTRY_BODY = {"required": True, "content": {
    "application/json": {"schema": EntryIn},
    "multipart/form-data": {"schema": {"type": "object", "required": ["title", "file"], "properties": {
        "title": {"type": "string", "maxLength": 300, "pattern": fields.NO_CONTROL_CHARS},
        "file": {"type": "string", "format": "binary"},
        "declaration": {"type": "boolean"}, "publish_consent": {"type": "boolean"}}}},
}}


@blp.route("/rounds/<int:round_id>/entries", methods=["POST"])
@roles_required()
@blp.doc(requestBody=ENTRY_BODY)
@blp.response(201, EntryOut, description="The entry, new or revised (same id and code)")
@errors(E403="`round_not_open`", E413="`file_too_large`", E415="`unsupported_file`", E422="`too_short`, `too_long`, `declaration_required`")
@limited("upload")
def submit(round_id):
    """Submit an entry, or revise it: JSON {title, body} or multipart title + file."""
    round_ = get_essay_round_or_404(round_id)
    user = current_actor()
    service.check_open(round_)
    if request.mimetype == "multipart/form-data":
        service.check_upload_size(round_, request.content_length)  # before reading the body
        upload = request.files.get("file")
        declared = request.form.get("declaration", "true").lower() not in ("false", "0", "no", "off")
        consent = request.form.get("publish_consent")
        consent = None if consent is None else consent.lower() not in ("false", "0", "no", "off", "")
        if upload is None or not upload.filename and not upload.content_length:
            raise Refusal("validation_error", 422, details=[{"field": "file", "message": "Missing data for required field."}])
        data = upload.read(service.settings_for(round_).max_file_bytes + 1)
        entry, _created = service.submit_entry(round_, user, title=request.form.get("title", ""),
                                              upload=(upload.filename, data), declared=declared,
                                              publish_consent=consent)
    else:
        try:
            payload = EntryIn().load(request.get_json(silent=True) or {})
        except ma.ValidationError as invalid:
            raise Refusal("validation_error", 422, details=[
                {"field": k, "message": " ".join(map(str, v)) if isinstance(v, list) else str(v)}
                for k, v in invalid.messages.items()])
        entry, _created = service.submit_entry(round_, user, title=payload["title"], body=payload["body"],
                                              declared=payload["declaration"],
                                              publish_consent=payload["publish_consent"])
    db.session.commit()
    return service.entry_dict(entry)


@blp.route("/entries/<int:entry_id>")
@roles_required()
@blp.response(200, EntryOut)
def get_entry(entry_id):
    user = current_actor()
    entry = get_visible_entry_or_404(entry_id, user)
    data = service.entry_dict(entry)
    # The prize of the results (by hand, else its rank's tier), once the author may see results.
    data["prize"] = judging.entry_prizes(entry.round).get(entry.id) if can_see_results(entry.round, user) else None
    return data


@blp.route("/rounds/<int:round_id>/entries")
@roles_required("organizer")
@blp.arguments(Page, location="query")
@blp.response(200, EntryList)
def list_entries(args, round_id):
    prizes = judging.entry_prizes(get_essay_round_or_404(round_id))
    return paginate(select(Entry).where(Entry.round_id == round_id).order_by(Entry.id), args,
                    lambda entry: {**service.entry_dict(entry), "prize": prizes.get(entry.id)})
