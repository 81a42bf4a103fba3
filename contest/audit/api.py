"""API v1: the audit trail, for organizers (api-v1.md "Results and reporting")."""
import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import select

from contest.accounts.models import User
from contest.accounts.permissions import roles_required
from contest.accounts.rules import normalize_username
from contest.api import fields
from contest.api.core import Page, errors, paginate
from contest.audit.service import event_dict, trail_query
from contest.extensions import db
from contest.rounds.models import Round

blp = Blueprint("api_audit", __name__, description="Audit trail")


class AuditQuery(Page):
    contest_id = fields.Id(load_default=None)
    round_id = fields.Id(load_default=None)
    actor = fields.Text(load_default=None, validate=ma.validate.Length(max=150))
    action = fields.Text(load_default=None, validate=ma.validate.Length(max=60))
    since = ma.fields.AwareDateTime(load_default=None, default_timezone=None)
    until = ma.fields.AwareDateTime(load_default=None, default_timezone=None)


class Actor(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()


class AuditObject(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.Integer(allow_none=True)


class AuditEventOut(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor = ma.fields.Nested(Actor, allow_none=True)
    action = ma.fields.String()
    object = ma.fields.Nested(AuditObject)
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class AuditList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditEventOut))
    total = ma.fields.Integer()


def trail(args: dict):
    """The trail's SELECT for the filters of the API and of the page (one reading of them): a
    contest takes in its rounds' rows; an unknown person matches nothing. An organizer of a
    subtree sees the rows of their contests only (rounds/scope.py); naming another contest or
    round is "not found"."""
    from contest.accounts.scope import managed_unit_ids, managing_actor
    from contest.rounds.loaders import get_contest_or_404, get_round_or_404
    from contest.rounds.models import Contest
    from contest.rounds.scope import contests_in_scope

    within, actor = None, managing_actor()
    if actor is not None and managed_unit_ids(actor) is not None:
        for key, loader in (("contest_id", get_contest_or_404), ("round_id", get_round_or_404)):
            if args.get(key) is not None:
                loader(args[key])
        contest_ids = list(db.session.execute(contests_in_scope(select(Contest.id), actor)).scalars())
        within = (contest_ids, list(db.session.execute(
            select(Round.id).where(Round.contest_id.in_(contest_ids))).scalars()))
    round_ids = None
    if args.get("contest_id") is not None:
        round_ids = list(db.session.execute(
            select(Round.id).where(Round.contest_id == args["contest_id"])).scalars())
    actor_id = None
    if args.get("actor"):
        actor_id = db.session.execute(select(User.id).where(
            User.username == normalize_username(args["actor"]))).scalar_one_or_none() or 0
    return trail_query(contest_id=args.get("contest_id"), round_ids=round_ids, round_id=args.get("round_id"),
                       actor_id=actor_id, action=(args.get("action") or "").strip() or None,
                       since=args.get("since"), until=args.get("until"), within=within)


@blp.route("/audit")
@roles_required("organizer")
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditList)
def audit_list(args):
    """Who did what, newest first. `action` is a name (`round.publish`) or a family ending in a
    dot (`round.`); `actor` a username; `since`/`until` times with an offset."""
    return paginate(trail(args), args, event_dict)
