"""API v1: accounts and units."""
import marshmallow as ma
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select

from contest.accounts import token_cache
from contest.accounts.models import ROLES, ApiToken, Unit
from contest.accounts.permissions import current_actor, roles_required
from contest.accounts.rules import MIN_PASSWORD, normalize_username, valid_username
from contest.accounts.service import (SignInDelayed, SignInRefused, UsernameTaken, WeakPassword, WrongPassword, authenticate,
                                      record_role_granted,
                                      change_password, create_user, delay_message, password_problem)
from contest.api import fields
from contest.api.core import Page, errors, paginate
from contest.errors import Refusal
from contest.clock import utcnow
from contest.dbtypes import nfc
from contest.extensions import db, limiter
from contest.ratelimit import limited

blp = Blueprint("api_accounts", __name__, description="Accounts and units")


class UserOut(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    role = ma.fields.String()
    unit_id = ma.fields.Integer(allow_none=True)
    email = ma.fields.String(allow_none=True)


def _username(value):
    if not valid_username(normalize_username(value)):
        raise ma.ValidationError(USERNAME_RULE)


# The username rule (rules.USERNAME_RE) as a client may type it: any case, spaces around.
USERNAME_PATTERN = r"^[ \t\r\n]*[A-Za-z0-9][A-Za-z0-9._-]{2,79}[ \t\r\n]*$"
USERNAME_RULE = "3-80 characters: letters a-z, digits, dot, dash or underscore."


class RegisterIn(ma.Schema):
    username = ma.fields.String(required=True, validate=[
        ma.validate.Length(max=200), ma.validate.Regexp(USERNAME_PATTERN, error=USERNAME_RULE), _username])
    password = fields.Text(required=True, validate=ma.validate.Length(min=MIN_PASSWORD, max=200))
    full_name = fields.Text(required=True, validate=ma.validate.Length(min=2, max=200))
    email = ma.fields.Email(load_default=None, allow_none=True)
    unit_id = fields.Id(load_default=None, allow_none=True)


class UserIn(RegisterIn):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))


class TokenIn(ma.Schema):
    username = fields.Text(required=True, validate=ma.validate.Length(max=200))
    password = fields.Text(required=True, validate=ma.validate.Length(max=1000))


class PasswordChangeIn(ma.Schema):
    current_password = fields.Text(required=True, validate=ma.validate.Length(max=1000))
    new_password = fields.Text(required=True, validate=ma.validate.Length(min=MIN_PASSWORD, max=200))


class TokenOut(ma.Schema):
    token = ma.fields.String()
    user = ma.fields.Nested(UserOut)


class UnitOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)


class UnitIn(ma.Schema):
    name = fields.Text(required=True, validate=ma.validate.Length(min=1, max=200))
    parent_id = fields.Id(load_default=None, allow_none=True)


class UnitList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UnitOut))
    total = ma.fields.Integer()


def _check_unit(unit_id):
    from contest.accounts import scope

    actor = scope.managing_actor()  # an organizer creates members of their scope only
    if (unit_id is not None and db.session.get(Unit, unit_id) is None) or \
            (actor is not None and not scope.can_manage_unit(actor, unit_id)):
        raise Refusal("validation_error", 422, details=[{"field": "unit_id", "message": _("Unknown unit.")}])


def _create(data, role):
    _check_unit(data.get("unit_id"))
    problem = password_problem(data["password"], data["username"], data["full_name"])
    if problem:
        raise Refusal("weak_password", 422, problem, details=[{"field": "password", "message": problem}])
    try:
        return create_user(data["username"], data["password"], data["full_name"], role=role,
                           unit_id=data.get("unit_id"), email=data.get("email"))
    except UsernameTaken:
        raise Refusal("username_taken", 409, _("This username is taken."))


@blp.route("/auth/register", methods=["POST"])
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
@errors(E403="`forbidden`: self-registration is closed", E409="`username_taken`", E422="`weak_password`")
@limited("register")
def register(data):
    if not current_app.config.get("SELF_REGISTRATION", True):
        raise Refusal("forbidden", 403, _("Self-registration is closed."))
    from contest.accounts import registration

    _check_unit(data.get("unit_id"))
    settings = registration.api_settings(data.get("unit_id"))  # the unit's registration settings
    user = _create(data, "member")
    user.registered_from = request.remote_addr  # for the organizers' flags (rounds/flags.py)
    if settings.approval_required:
        registration.hold_for_approval(user)
    db.session.commit()
    return user


@blp.route("/auth/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@errors(E401="`invalid_credentials`: wrong username or password", E429="`rate_limited`: too many sign-ins from this address, or the account waits after wrong passwords (Retry-After)")
def issue_token(data):
    try:
        user = authenticate(data["username"], data["password"])
    except SignInDelayed as delayed:
        raise Refusal("rate_limited", 429, delay_message(delayed.seconds),
                      headers={"Retry-After": str(delayed.seconds)})
    except SignInRefused as refused:  # pending approval, or an expired temporary password
        raise Refusal("invalid_credentials", 401, refused.message)
    if user is None:
        raise Refusal("invalid_credentials", 401, _("Wrong username or password."))
    _row, token = ApiToken.issue(user)
    db.session.commit()
    return {"token": token, "user": user}


@blp.route("/auth/token", methods=["DELETE"])
@roles_required()
@blp.response(204)
def revoke_token():
    g.api_token.revoked_at = utcnow()
    token_cache.forget_token(g.api_token)
    db.session.commit()


@blp.route("/me")
@roles_required()
@blp.response(200, UserOut)
def me():
    return current_actor()


@blp.route("/me/password", methods=["POST"])
@roles_required()
@blp.arguments(PasswordChangeIn)
@blp.response(204)
@errors(E403="`wrong_password`: the current password is not right", E422="`weak_password`",
        E429="`rate_limited`: the account waits after wrong passwords (Retry-After)")
def change_own_password(data):
    """Change one's own password; every other session and API token of the user ends."""
    try:
        change_password(current_actor(), data["current_password"], data["new_password"], keep_token=g.api_token)
    except SignInDelayed as delayed:
        raise Refusal("rate_limited", 429, delay_message(delayed.seconds),
                      headers={"Retry-After": str(delayed.seconds)})
    except WrongPassword:
        raise Refusal("wrong_password", 403, _("The current password is not right."))
    except WeakPassword as weak:
        raise Refusal("weak_password", 422, weak.message, details=[{"field": "new_password", "message": weak.message}])
    db.session.commit()


@blp.route("/units")
@blp.arguments(Page, location="query")
@blp.response(200, UnitList)
def list_units(args):
    return paginate(select(Unit).order_by(Unit.id), args)


@blp.route("/units", methods=["POST"])
@roles_required("organizer")
@blp.arguments(UnitIn)
@blp.response(201, UnitOut)
def create_unit(data):
    from contest.accounts.units import create_unit as create

    unit = create(data["name"], data.get("parent_id"))  # recorded: unit.create
    db.session.commit()
    return unit


@blp.route("/users", methods=["POST"])
@roles_required("organizer")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
@errors(E403="only an administrator creates administrators", E409="`username_taken`", E422="`weak_password`")
def create_user_api(data):
    if data["role"] == "admin" and not current_actor().has_role("admin"):
        raise Refusal("forbidden", 403, _("Only an administrator can create administrators."))
    user = _create(data, data["role"])
    record_role_granted(user)
    db.session.commit()
    return user


# --- members and units (organizer) ------------------------------------------------------------

class MemberOut(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    role = ma.fields.String()
    unit_id = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()


class MemberList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MemberOut))
    total = ma.fields.Integer()


class MemberQuery(Page):
    q = fields.Text(load_default=None, validate=ma.validate.Length(max=200))
    unit_id = fields.Id(load_default=None)
    role = ma.fields.String(load_default=None, validate=ma.validate.OneOf(ROLES))


class MemberPatch(ma.Schema):
    full_name = fields.Text(validate=ma.validate.Length(min=2, max=200))
    unit_id = fields.Id(allow_none=True)
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    active = ma.fields.Boolean()


class MemberImportOut(ma.Schema):
    created = ma.fields.Integer()
    skipped = ma.fields.Integer()
    units_created = ma.fields.Integer()
    credentials_job_id = ma.fields.String()


class ResetOut(ma.Schema):
    temporary_password = ma.fields.String()
    expires_at = ma.fields.DateTime()


@blp.route("/users")
@roles_required("organizer")
@blp.arguments(MemberQuery, location="query")
@blp.response(200, MemberList)
def list_members(args):
    """Members by name or username (without diacritics), unit (with its sub-units) and role."""
    from contest.accounts.members import members_query

    return paginate(members_query(args.get("q"), args.get("unit_id"), args.get("role")), args)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@roles_required("organizer")
@blp.arguments(MemberPatch)
@blp.response(200, MemberOut)
@errors(E403="`forbidden`: only an administrator grants organizer or admin", E404="`not_found`")
def update_member_api(data, user_id):
    from contest.accounts.loaders import get_user_or_404
    from contest.accounts.members import update_member

    user = update_member(get_user_or_404(user_id), current_actor(), data)
    db.session.commit()
    return user


@blp.route("/users/import", methods=["POST"])
@roles_required("organizer")
@blp.response(201, MemberImportOut)
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "create_units": {"type": "boolean"}}}}}})
@errors(E422="`invalid_file`: nothing created, details list every bad row (line, message)")
@limited("upload")
def import_members_api():
    """Import members from .xlsx or .csv: all or nothing. `credentials_job_id` fetches the
    initial passwords' sheet ONCE, within an hour: GET /api/v1/users/import/credentials/{id}."""
    from flask import request

    from contest.accounts.members import import_members

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Refusal("validation_error", 422, details=[{"field": "file", "message": _("Choose a file to import.")}])
    create_units = (request.form.get("create_units") or "").strip().lower() in ("1", "true", "on", "yes")
    result = import_members(upload.read(), upload.filename, current_actor(), create_units=create_units)
    db.session.commit()
    return result


@blp.route("/users/import/credentials/<string(maxlength=100):job_id>")
@roles_required("organizer")
@errors(E404="`not_found`: unknown, expired, or already downloaded")
def download_credentials_api(job_id):
    """The initial passwords' sheet of an import, once (then it is forgotten)."""
    from contest.accounts.members import take_credentials

    return _credentials_response(take_credentials(job_id, current_actor()))


def _credentials_response(sheet):
    from flask import Response

    if sheet is None:
        raise Refusal("not_found", 404, _("This credentials sheet is unknown, expired or already downloaded."))
    return Response(sheet, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="mat-khau-ban-dau.xlsx"',
                             "Cache-Control": "no-store"})


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@roles_required("organizer")
@blp.response(200, ResetOut)
@errors(E403="`forbidden`", E404="`not_found`")
def reset_password_api(user_id):
    """A temporary password (72 h), to be changed at the next sign-in; shown once."""
    from contest.accounts.loaders import get_user_or_404
    from contest.accounts.members import reset_password

    password, expires_at = reset_password(get_user_or_404(user_id), current_actor())
    db.session.commit()
    return {"temporary_password": password, "expires_at": expires_at}
