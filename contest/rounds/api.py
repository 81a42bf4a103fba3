"""API v1: contests, rounds and taking a quiz round."""
import marshmallow as ma
from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.accounts.permissions import current_actor, roles_required
from contest.api import fields
from contest.audit.service import record
from contest.accounts.auth import session_request
from contest.api.core import Page, errors, paginate
from contest.clock import utcnow
from contest.dbtypes import nfc
from contest.errors import Refusal
from contest.extensions import db
from contest.ratelimit import limited
from contest.judging.criteria import round_criteria, set_criteria
from contest.judging.round_audit import record_round_saved, round_snapshot
from contest.rounds import service
from contest.accounts.loaders import get_user_or_404
from contest.accounts.registration import CONTEST_REGISTRATION
from contest.rounds.views import record_extra_time
from contest.rounds.loaders import (get_contest_or_404, get_own_attempt_or_404, get_round_or_404,
                                    get_visible_attempt_or_404)
from contest.rounds.models import CONTEST_STATUSES, ROUND_KINDS, STANDINGS_RULES, Contest, Round
from contest.rounds.scope import contests_for_request, default_owner
from contest.rounds.prediction import PREDICTION_MAX, PredictionInvalid, read_prediction
from contest.rounds.schedule import RoundInvalid, apply_round_fields
from contest.rounds.timing import round_state
from contest.standings import lifecycle, publishing, ranking
from contest.standings.contests import checked_fields, update_contest
from contest.standings.service import forget_round

blp = Blueprint("api_rounds", __name__, description="Contests, rounds and attempts")

PUBLISH_REFUSED = ("`round_open`: results cannot be published while the round is open; "
                   "`judging_incomplete`: a sheet is missing (details name the entries)")


class DrawItem(fields.WholeSchema):
    topic_id = fields.Id(required=True)
    count = fields.Count(required=True, minimum=1, maximum=500)
    difficulty = fields.Integer(load_default=None, allow_none=True, minimum=1, maximum=3)


class CriterionIO(fields.WholeSchema):
    id = fields.Id()
    name = fields.Text(required=True, validate=ma.validate.Length(min=1, max=200))
    max_points = fields.Float(required=True, validate=ma.validate.Range(min=0, min_inclusive=False))
    weight = fields.Float(load_default=1.0)


PRIZES_SCHEMA = {
    "type": "array", "nullable": True, "maxItems": 20, "items": {"type": "object", "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "count": {"type": "integer", "minimum": 1, "maximum": 10000}}, "required": ["name", "count"]}}
REGISTRATION_DESCRIPTION = (
    "Self-registration from this contest's page (`/register?contest={id}`), on top of the platform's "
    "and units' settings: `open` (as they say), `off` (nobody registers there), `unit_required` (a "
    "unit, chosen or by its invitation code), `code_required` (a unit's invitation code).")


class RoundIO(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    id = fields.Id(dump_only=True)
    contest_id = fields.Id(dump_only=True)
    kind = ma.fields.String(validate=ma.validate.OneOf(ROUND_KINDS), load_default="quiz")
    title = fields.Text(validate=ma.validate.Length(min=1, max=300))
    rules = fields.Text(allow_none=True, validate=ma.validate.Length(max=20000))
    opens_at = ma.fields.AwareDateTime(default_timezone=None)
    closes_at = ma.fields.AwareDateTime(default_timezone=None)
    results_published = ma.fields.Boolean()
    prizes = ma.fields.Raw(allow_none=True, metadata={
        **PRIZES_SCHEMA,
        "description": "Prize tiers in rank order; null or [] = no prizes. At a prize boundary, "
                       "members tied on every ranking key share the prize."})
    duration_seconds = fields.Integer(allow_none=True, minimum=10)
    question_count = fields.Integer(allow_none=True, minimum=1, maximum=500)
    draw = ma.fields.List(ma.fields.Nested(DrawItem), allow_none=True)
    topic_ids = ma.fields.List(fields.Id(), allow_none=True)
    max_attempts = fields.Integer(allow_none=True, minimum=1)
    counting = ma.fields.String(validate=ma.validate.OneOf(ranking.COUNTING_MODES))
    tie_break = ma.fields.String(validate=ma.validate.OneOf(ranking.TIE_BREAKS))
    shuffle_options = ma.fields.Boolean()
    grace_seconds = fields.Integer(minimum=0, maximum=600)
    prediction_prompt = fields.Text(allow_none=True, validate=ma.validate.Length(max=1000))
    min_words = fields.Count(allow_none=True)
    max_words = fields.Integer(allow_none=True, minimum=1)
    criteria = ma.fields.List(ma.fields.Nested(CriterionIO))
    judges_per_entry = fields.Integer(allow_none=True, minimum=1, maximum=20)
    discrepancy_threshold = fields.Float(allow_none=True)
    state = ma.fields.String(dump_only=True)

    @ma.validates_schema
    def check_question_count(self, data, partial=None, **kwargs):
        """topic_ids say where to draw from, not how many: a new round needs question_count too."""
        if not partial and data.get("topic_ids") and not data.get("draw") and data.get("question_count") is None:
            raise ma.ValidationError("Give question_count: how many questions to draw from topic_ids.",
                                     "question_count")


class ContestIO(ma.Schema):
    id = fields.Id(dump_only=True)
    title = fields.Text(required=True, validate=ma.validate.Length(min=1, max=300))
    description = fields.Text(allow_none=True, load_default=None, validate=ma.validate.Length(max=20000))
    standings_rule = ma.fields.String(load_default="sum", validate=ma.validate.OneOf(STANDINGS_RULES))
    standings_published = ma.fields.Boolean(load_default=False)
    status = ma.fields.String(load_default="published", validate=ma.validate.OneOf(CONTEST_STATUSES))
    # Owned by the creating organizer's unit (None: platform-wide); members_only limits it to the
    # members of that unit's subtree (rounds/scope.py).
    owner_unit_id = ma.fields.Integer(dump_only=True, allow_none=True)
    members_only = ma.fields.Boolean(load_default=False)
    prizes = ma.fields.Raw(allow_none=True, load_default=None, metadata={
        **PRIZES_SCHEMA, "description": "Prize tiers of the contest standings in rank order; null or [] = "
                                        "none. Members tied on every ranking key at a boundary share the prize."})
    registration = ma.fields.String(load_default="open", validate=ma.validate.OneOf(CONTEST_REGISTRATION),
                                    metadata={"description": REGISTRATION_DESCRIPTION})
    rounds = ma.fields.List(ma.fields.Nested(RoundIO), dump_only=True)


class ContestPatch(ma.Schema):
    """PATCH /contests/{id}: any of these; the others stay as they are."""

    class Meta:
        unknown = ma.RAISE

    title = fields.Text(validate=ma.validate.Length(min=1, max=300))
    description = fields.Text(allow_none=True, validate=ma.validate.Length(max=20000))
    standings_rule = ma.fields.String(validate=ma.validate.OneOf(STANDINGS_RULES))
    standings_published = ma.fields.Boolean()
    status = ma.fields.String(validate=ma.validate.OneOf(CONTEST_STATUSES))
    prizes = ma.fields.Raw(allow_none=True, metadata={
        **PRIZES_SCHEMA, "description": "Prize tiers of the contest standings in rank order; null or [] = "
                                        "none. Members tied on every ranking key at a boundary share the prize."})
    registration = ma.fields.String(validate=ma.validate.OneOf(CONTEST_REGISTRATION),
                                    metadata={"description": REGISTRATION_DESCRIPTION})


class ContestList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ContestIO))
    total = ma.fields.Integer()


class OptionOut(ma.Schema):
    id = ma.fields.Integer()
    text = ma.fields.String()


class AttemptQuestionOut(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    kind = ma.fields.String()
    text = ma.fields.String()
    options = ma.fields.List(ma.fields.Nested(OptionOut))
    correct_option_ids = ma.fields.List(ma.fields.Integer())
    explanation = ma.fields.String(allow_none=True)
    is_correct = ma.fields.Boolean()


class ResultOut(ma.Schema):
    score = ma.fields.Float()
    max_score = ma.fields.Float()
    correct_count = ma.fields.Integer()
    question_count = ma.fields.Integer()
    duration_seconds = ma.fields.Float()
    submitted_at = ma.fields.DateTime()


class AttemptOut(ma.Schema):
    id = ma.fields.Integer()
    round_id = ma.fields.Integer()
    number = ma.fields.Integer()
    status = ma.fields.String()
    started_at = ma.fields.DateTime()
    deadline = ma.fields.DateTime()
    server_time = ma.fields.DateTime()
    grace_seconds = ma.fields.Integer()
    prediction_prompt = ma.fields.String(allow_none=True)
    prediction = ma.fields.Integer(allow_none=True)
    questions = ma.fields.List(ma.fields.Nested(AttemptQuestionOut))
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Integer()))
    result = ma.fields.Nested(ResultOut, allow_none=True)


class SubmitOut(AttemptOut, ResultOut):
    """The attempt with its result, the result's fields also at the top level."""


class AnswerIn(ma.Schema):
    option_ids = ma.fields.List(fields.Id(strict=True), required=True)


class AnswerOut(ma.Schema):
    question_id = ma.fields.Integer()
    option_ids = ma.fields.List(ma.fields.Integer())
    saved_at = ma.fields.DateTime()


class SubmitIn(ma.Schema):
    prediction = fields.Count(load_default=None, allow_none=True, maximum=PREDICTION_MAX)


class PredictionIn(ma.Schema):
    # Read by contest.rounds.prediction.read_prediction, which says what is wrong in words.
    prediction = ma.fields.Raw(required=True, allow_none=True, metadata={
        "type": "integer", "minimum": 0, "maximum": PREDICTION_MAX, "nullable": True,
        "description": "A whole number, 0 or more; null clears the saved prediction."})


class ExtraTimeIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    user_id = fields.Id(required=True)
    minutes = fields.Integer(required=True, minimum=0, maximum=service.EXTRA_MINUTES_MAX)
    reason = fields.Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=1000))


class ExtraTimeOut(ma.Schema):
    round_id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    seconds = ma.fields.Integer()
    reason = ma.fields.String(allow_none=True)
    granted_by = ma.fields.Integer(allow_none=True)
    at = ma.fields.DateTime()
    attempt_deadline = ma.fields.DateTime(allow_none=True)


class PredictionOut(ma.Schema):
    prediction = ma.fields.Integer(allow_none=True)
    saved_at = ma.fields.DateTime()


def round_dict(round_: Round) -> dict:

    data = {field: getattr(round_, field) for field in (
        "id", "contest_id", "kind", "title", "rules", "opens_at", "closes_at", "results_published",
        "prizes")}
    data["state"] = round_state(utcnow(), round_.opens_at, round_.closes_at)
    if round_.kind == "quiz":
        for field in ("duration_seconds", "question_count", "draw", "topic_ids", "max_attempts",
                      "counting", "tie_break", "shuffle_options", "grace_seconds",
                      "prediction_prompt"):
            data[field] = getattr(round_, field)
    else:
        for field in ("min_words", "max_words", "judges_per_entry", "discrepancy_threshold"):
            data[field] = getattr(round_, field)
        data["criteria"] = essay_criteria(round_)
    return data


def essay_criteria(round_: Round) -> list:
    """Criteria of an essay round, from the judging feature: [{id, name, max_points, weight}]."""
    return round_criteria(round_)


def contest_dict(contest: Contest) -> dict:
    return {"id": contest.id, "title": contest.title, "description": contest.description,
            "standings_rule": contest.standings_rule, "standings_published": contest.standings_published,
            "status": contest.status,
            "owner_unit_id": contest.owner_unit_id, "members_only": contest.members_only,
            "prizes": contest.prizes, "registration": contest.registration or "open",
            "rounds": [round_dict(r) for r in contest.rounds]}


def _save_round(round_: Round, data: dict, creating: bool):
    data = dict(data)
    wanted = data.pop("results_published", None)  # only through the publishing rule, below
    window_moved = not creating and any(key in data for key in ("opens_at", "closes_at"))
    before = None if creating else round_snapshot(round_)
    try:
        criteria = apply_round_fields(round_, data, creating=creating)
    except RoundInvalid as invalid:
        db.session.rollback()
        raise Refusal("validation_error", 422, _("Some fields are not valid."),
                      details=[{"field": f, "message": m} for f, m in invalid.problems])
    if criteria is not None:
        set_criteria(round_, criteria)
    record_round_saved(round_, before)  # refused below (409): rolled back with the change
    _publish_as_allowed(round_, wanted, window_moved)
    db.session.commit()
    forget_round(round_.id)  # its prize tiers (or ranking fields) may have changed
    return round_dict(round_)


def _publish_as_allowed(round_: Round, wanted: bool | None, window_moved: bool) -> None:
    """Publish or hide as asked, refused (409, nothing saved) while the round is open or, for a
    writing round, while a sheet of its current stage is missing; a published round may not be
    reopened by moving its close either. A PublishRefused is the app's Refusal: the one handler
    rolls back and answers it."""
    if wanted is not None:
        db.session.flush()
        publishing.set_published(round_, wanted, actor=current_actor())
    if window_moved:
        publishing.check_window_keeps_results_final(round_)


@blp.route("/contests")
@blp.arguments(Page, location="query")
@blp.response(200, ContestList)
def list_contests(args):
    page = paginate(contests_for_request(
        select(Contest).options(selectinload(Contest.rounds)).order_by(Contest.id.desc())), args)
    page["items"] = [contest_dict(c) for c in page["items"]]
    return page


@blp.route("/contests", methods=["POST"])
@roles_required("organizer")
@blp.arguments(ContestIO)
@blp.response(201, ContestIO)
def create_contest(data):
    data = checked_fields(data)  # the one check of a contest's fields, as a change's
    contest = Contest(title=nfc(data["title"]), description=nfc(data.get("description")),
                      standings_rule=data["standings_rule"], standings_published=data["standings_published"],
                      status=data["status"], created_by_id=current_actor().id, owner_unit_id=default_owner(current_actor()),
                      members_only=data.get("members_only", False), prizes=data["prizes"],
                      registration=data["registration"])
    db.session.add(contest)
    db.session.flush()
    record("contest.create", "contest", contest.id, after={"title": contest.title}, contest_id=contest.id)
    db.session.commit()
    return contest_dict(contest)


@blp.route("/contests/<int:contest_id>", methods=["PATCH"])
@roles_required("organizer")
@blp.arguments(ContestPatch, required=False)  # an empty PATCH changes nothing
@blp.response(200, ContestIO)
def patch_contest(data, contest_id):
    """Change a contest's title, description, standings rule, standings publication, status,
    prize tiers or self-registration switch (bad `prizes`: 422 `validation_error`, each problem in
    `details`; audited: `contest.publish_standings`, `contest.unpublish_standings`, `contest.update`)."""
    contest = get_contest_or_404(contest_id)
    update_contest(contest, data or {}, actor=current_actor())
    db.session.commit()
    return contest_dict(contest)


@blp.route("/contests/<int:contest_id>/rounds", methods=["POST"])
@roles_required("organizer")
@blp.arguments(RoundIO)
@blp.response(201, RoundIO)
@errors(E409=PUBLISH_REFUSED)
def create_round(data, contest_id):
    contest = get_contest_or_404(contest_id)
    round_ = Round(contest_id=contest.id)
    db.session.add(round_)
    return _save_round(round_, data, creating=True)


@blp.route("/rounds/<int:round_id>")
@blp.response(200, RoundIO)
def get_round(round_id):
    return round_dict(get_round_or_404(round_id))


@blp.route("/rounds/<int:round_id>", methods=["PATCH"])
@roles_required("organizer")
@blp.arguments(RoundIO(partial=True), required=False)  # an empty PATCH changes nothing
@blp.response(200, RoundIO)
@errors(E409=PUBLISH_REFUSED)
def patch_round(data, round_id):
    return _save_round(get_round_or_404(round_id), data, creating=False)


class CopyIn(ma.Schema):
    """POST /rounds/{id}/copy: the copy's window; by default the round's, one week later."""

    class Meta:
        unknown = ma.RAISE

    opens_at = ma.fields.AwareDateTime(default_timezone=None)
    closes_at = ma.fields.AwareDateTime(default_timezone=None)


@blp.route("/rounds/<int:round_id>/copy", methods=["POST"])
@roles_required("organizer")
@blp.arguments(CopyIn, required=False)
@blp.response(201, RoundIO)
def copy_round(data, round_id):
    """A new round of the same contest, kind and settings (draw, prizes, criteria), titled
    "… (bản sao)", with the window given or one week later (audited: `round.copy`)."""
    round_ = get_round_or_404(round_id)
    data = data or {}
    try:
        copy = lifecycle.copy_round(round_, data.get("opens_at"), data.get("closes_at"), actor=current_actor())
    except RoundInvalid as invalid:
        raise Refusal("validation_error", 422, _("Some fields are not valid."),
                      details=[{"field": f, "message": m} for f, m in invalid.problems])
    db.session.commit()
    return round_dict(copy)


@blp.route("/rounds/<int:round_id>", methods=["DELETE"])
@roles_required("organizer")
@blp.response(204)
@errors(E409="`round_taken`: someone has already taken the round (an attempt or an entry)")
def delete_round(round_id):
    """Delete a round nobody has taken (audited: `round.delete`, with the round's fields)."""
    lifecycle.delete_round(get_round_or_404(round_id), actor=current_actor())
    db.session.commit()
    forget_round(round_id)
    return ""


@blp.route("/rounds/<int:round_id>/attempts", methods=["POST"])
@roles_required()
@blp.response(201, AttemptOut)
@blp.alt_response(200, schema=AttemptOut, description="The attempt already in progress")
@errors(E403="`round_not_open`", E409="`attempts_exhausted`; `round_not_ready`: the bank cannot supply the draw")
def start(round_id):
    round_ = get_round_or_404(round_id)
    attempt, created = service.start_attempt(round_, current_actor(), address=request.remote_addr)
    db.session.commit()
    return service.attempt_view(attempt), 201 if created else 200


@blp.route("/attempts/<int:attempt_id>")
@roles_required()
@blp.response(200, AttemptOut)
def get_attempt(attempt_id):
    return service.attempt_view(get_visible_attempt_or_404(attempt_id, current_actor()))


@blp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["PUT"])
@roles_required()
@blp.arguments(AnswerIn)
@blp.response(200, AnswerOut)
@errors(E409="`attempt_closed`: submitted or past the deadline", E422="`invalid_option`: an option of another question")
@limited("save")
def save(data, attempt_id, question_id):
    user = current_actor()
    saved = service.save_own_answer(user, attempt_id, question_id, data["option_ids"])
    if saved is None:  # no row changed: the checked path says why (404, 409, 422)
        get_own_attempt_or_404(attempt_id, user)
        saved = service.save_answer(attempt_id, question_id, data["option_ids"])
    db.session.commit()
    return {"question_id": saved.question_id, "option_ids": saved.option_ids, "saved_at": saved.saved_at}


@blp.route("/attempts/<int:attempt_id>/prediction", methods=["PUT"])
@roles_required()
@blp.arguments(PredictionIn)
@blp.response(200, PredictionOut)
@errors(E409="`attempt_closed`: submitted or past the deadline", E422="`validation_error`: not a whole number from 0")
@limited("save")
def save_prediction(data, attempt_id):
    get_own_attempt_or_404(attempt_id, current_actor())
    try:
        # The page sends its text field as typed; token clients send a JSON integer.
        prediction = read_prediction(data["prediction"], allow_text=session_request())
    except PredictionInvalid as invalid:
        raise Refusal("validation_error", 422, invalid.message,
                      details=[{"field": "prediction", "message": invalid.message}])
    saved_at = service.save_prediction(attempt_id, prediction)
    db.session.commit()
    return {"prediction": prediction, "saved_at": saved_at}


@blp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required()
@blp.arguments(SubmitIn, required=False)
@blp.response(200, SubmitOut)
@limited("submit")
def submit(data, attempt_id):
    attempt = get_own_attempt_or_404(attempt_id, current_actor())
    attempt = service.submit_attempt(attempt, data.get("prediction"))
    db.session.commit()
    view = service.attempt_view(attempt)
    return {**view, **(view.get("result") or {})}


@blp.route("/rounds/<int:round_id>/extra-time", methods=["POST"])
@roles_required("organizer")
@blp.arguments(ExtraTimeIn)
@blp.response(200, ExtraTimeOut)
@errors(E422="`validation_error`: not a quiz round, or minutes out of 0..600")
def grant_extra_time(data, round_id):
    """Grant a member extra minutes for a quiz round (WCAG 2.2.1); 0 takes them back. A new
    grant replaces the old one; the member's attempt in progress gets the later deadline."""
    round_ = get_round_or_404(round_id)
    user = get_user_or_404(data["user_id"])
    reason = nfc(data.get("reason")) or None
    done = service.grant_extra_time(round_, user, data["minutes"], reason, actor=current_actor())
    record_extra_time(round_, user, done, reason)
    db.session.commit()
    grant = done.grant
    current = service.in_progress(round_.id, user.id)
    return {"round_id": round_.id, "user_id": user.id, "seconds": grant.seconds, "reason": grant.reason,
            "granted_by": grant.granted_by_id, "at": grant.at,
            "attempt_deadline": current.deadline if current is not None else None}
