"""Sign in, sign out, register, choose the language."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from contest.accounts.forms import LoginForm, PasswordChangeForm, ProfileForm, RegisterForm
from contest.accounts.permissions import login_required, organizer_required
from contest.accounts.models import Unit
from contest.accounts.redirects import safe_next
from contest.accounts.service import (KNOWN_DEVICE_COOKIE, SignInDelayed, SignInRefused, UsernameTaken, WeakPassword,
                                      WrongPassword, authenticate, change_password, create_user,
                                      delay_message, end_all_sessions, end_session, known_device,
                                      known_device_cookie, start_session)
from contest.dbtypes import fold
from contest.errors import Refusal
from contest.extensions import LOCALES, db, limiter
from contest.ratelimit import limited

bp = Blueprint("accounts", __name__)


@bp.before_app_request
def choose_locale():
    """Pick the language afresh for every request (Flask-Babel caches it per app context)."""
    from flask_babel import refresh

    refresh()


# Pages a user whose password was handed out may still open: everything else sends them to
# the password page until they have chosen their own.
OPEN_BEFORE_PASSWORD_CHANGE = {"accounts.password", "accounts.logout", "accounts.set_language", "static",
                               "accounts.favicon", "accounts.sign_out_everywhere"}


@bp.before_app_request
def require_own_password():
    from contest.api.core import is_api_request

    if is_api_request() or not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in OPEN_BEFORE_PASSWORD_CHANGE:
        return None
    return redirect(url_for("accounts.password"))


def _safe_next(target: str | None) -> str:
    return safe_next(target) or url_for("rounds.home")


def unit_choices() -> list[tuple[int, str]]:
    """Every unit by its path; on an organizer's route, the units of their scope (scope.py)."""
    from contest.accounts import scope

    units = db.session.execute(scope.units_in_scope(select(Unit), scope.managing_actor())).scalars().all()
    return sorted(((u.id, u.path_name()) for u in units), key=lambda c: c[1])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("rounds.home"))
    form = LoginForm()
    if form.validate_on_submit():
        device = known_device(request.cookies.get(KNOWN_DEVICE_COOKIE), form.username.data)
        try:
            user = authenticate(form.username.data, form.password.data, device=device)
        except SignInDelayed as delayed:
            flash(delay_message(delayed.seconds), "danger")
            return (render_template("accounts/login.html", form=form), 429,
                    {"Retry-After": str(delayed.seconds)})
        except SignInRefused as refused:  # pending approval, or an expired temporary password
            db.session.commit()  # the right password: the failure count is cleared
            flash(refused.message, "warning")
            return render_template("accounts/login.html", form=form), 403
        if user is None:
            flash(_("Wrong username or password."), "danger")
        else:
            return _sign_in(user, redirect(_safe_next(request.args.get("next"))))
    return render_template("accounts/login.html", form=form)


def _sign_in(user, response):
    start_session(user)
    login_user(user, remember=True)
    db.session.commit()
    if known_device(request.cookies.get(KNOWN_DEVICE_COOKIE), user.username) is None:
        response.set_cookie(KNOWN_DEVICE_COOKIE, known_device_cookie(user), max_age=365 * 24 * 3600,
                            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_session(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("rounds.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    """One's own profile: name, username, unit (kept by the organizers) and contact details."""
    from contest.accounts.members import update_contact

    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            update_contact(user, form.email.data, form.phone.data)
        except Refusal as refused:
            db.session.rollback()
            for problem in refused.details or []:
                getattr(form, problem["field"]).errors.append(problem["message"])
        else:
            db.session.commit()
            flash(_("Your contact details have been saved."), "success")
            return redirect(url_for("accounts.profile"))
    unit = db.session.get(Unit, user.unit_id) if user.unit_id else None
    return render_template("accounts/profile.html", form=form, member=user,
                           unit=unit.path_name() if unit else None)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password: every other browser, device and API token is signed out."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        first = user.must_change_password
        device = known_device(request.cookies.get(KNOWN_DEVICE_COOKIE), user.username)
        try:
            change_password(user, form.current_password.data, form.new_password.data, device=device)
        except SignInDelayed as delayed:
            flash(delay_message(delayed.seconds), "danger")
            return (render_template("accounts/password.html", form=form, first=user.must_change_password), 429,
                    {"Retry-After": str(delayed.seconds)})
        except WrongPassword:
            form.current_password.errors.append(_("The current password is not right."))
        except WeakPassword as weak:
            form.new_password.errors.append(weak.message)
        else:
            db.session.commit()
            flash(_("Your password has been changed. Every other device has been signed out."), "success")
            return redirect(url_for("rounds.home") if first else url_for("accounts.password"))
    return render_template("accounts/password.html", form=form,
                           first=current_user.must_change_password)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every sign-in of this account on every browser and device, this one included."""
    end_all_sessions(current_user._get_current_object(), api_tokens=True)
    db.session.commit()
    logout_user()
    flash(_("You have been signed out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@limited("register", methods=('POST',))
def register():
    """Self-registration as the platform's and units' settings allow (registration.py); reached
    from a contest's page (?contest=<id>), that contest's own switch narrows them (for_contest)."""
    from contest.accounts import registration
    from contest.bounds import db_id
    from contest.standings.public import get_public_contest_or_404

    options = registration.registration_options(current_app.config.get("SELF_REGISTRATION", True))
    contest = None
    if request.args.get("contest") is not None:
        contest_id = db_id(request.args.get("contest"))
        if contest_id is None:
            abort(404)
        contest = get_public_contest_or_404(contest_id, current_user if current_user.is_authenticated else None)
        options = registration.for_contest(options, contest.registration)
    if options.closed_by_contest:
        flash(_("This contest does not take registrations. Ask its organizers for an account."), "warning")
        return redirect(url_for("standings.contest_page", contest_id=contest.id))
    if options.closed:
        flash(_("Registration is closed. Ask your organizers for an account."), "warning")
        return redirect(url_for("accounts.login"))
    form = RegisterForm()
    listed = set(options.listed_ids)
    form.unit_id.choices = [(0, _("— choose your unit —"))] + [c for c in unit_choices() if c[0] in listed]
    if request.method == "POST":
        valid = form.validate_on_submit()
        try:
            unit_id, settings = registration.resolve_unit(options, form.unit_id.data, form.code.data)
        except registration.RegistrationRefused as refused:
            getattr(form, refused.field).errors = list(getattr(form, refused.field).errors) + [str(refused.message)]
            valid = False
        if valid:
            try:
                user = create_user(form.username.data, form.password.data, form.full_name.data,
                                   unit_id=unit_id, locale=session.get("locale"))
            except UsernameTaken:
                form.username.errors.append(_("This username is already taken. Please choose another."))
            else:
                user.registered_from = request.remote_addr  # for the organizers' flags (rounds/flags.py)
                if settings.approval_required:
                    registration.hold_for_approval(user)
                    db.session.commit()
                    flash(_("Thank you, %(name)s. Your registration has been received: an organizer of your "
                            "unit will approve it, and you can sign in after that.", name=user.full_name), "success")
                    return redirect(url_for("accounts.login"))
                flash(_("Welcome, %(name)s! Your account is ready.", name=user.full_name), "success")
                home = url_for("standings.contest_page", contest_id=contest.id) if contest else url_for("rounds.home")
                return _sign_in(user, redirect(home))
    return render_template("accounts/register.html", form=form, show_units=bool(listed),
                           show_code=options.codes, contest=contest)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code):
    if code in LOCALES:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


# --- members and units (organizer) ------------------------------------------------------------

MEMBERS_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _role_names():
    from flask_babel import gettext

    return {"member": gettext("Member"), "judge": gettext("Judge"), "organizer": gettext("Organizer"),
            "admin": gettext("Administrator")}


def _refused(refusal):
    db.session.rollback()
    flash(refusal.text, "danger")


@bp.route("/members")
@organizer_required
def members():
    from contest.accounts.members import members_query
    from contest.bounds import db_int
    from contest.pagination import page_window, paginate

    q = (request.args.get("q") or "").strip()[:200]
    unit_id = request.args.get("unit_id", type=db_int) or None
    role = request.args.get("role") if request.args.get("role") in _role_names() else None
    window = page_window(request.args.get("page", 1, type=db_int), MEMBERS_PAGE)
    page = paginate(members_query(q, unit_id, role), window.offset, window.size)
    return render_template("accounts/members.html", page=page, window=window, q=q, unit_id=unit_id, role=role,
                           units=unit_choices(), roles=_role_names())


@bp.route("/members/import", methods=["GET", "POST"])
@organizer_required
@limited("upload", methods=('POST',))
def import_members_page():
    from contest.accounts.forms import MemberImportForm
    from contest.accounts.members import import_members
    from contest.errors import Refusal

    form = MemberImportForm()
    errors, result = None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_members(upload.read(), upload.filename, current_user._get_current_object(),
                                    create_units=form.create_units.data)
        except Refusal as refusal:
            db.session.rollback()
            errors = refusal.details or [{"line": None, "message": refusal.text}]
        else:
            db.session.commit()
    return render_template("accounts/members_import.html", form=form, errors=errors, result=result)


@bp.route("/members/template.xlsx")
@organizer_required
def members_template():
    from flask import Response

    from contest.accounts.members import template_sheet

    return Response(template_sheet(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-thanh-vien.xlsx"'})


@bp.route("/members/credentials/<string(maxlength=100):job_id>")
@organizer_required
def members_credentials(job_id):
    """The initial passwords of an import, downloadable once."""
    from flask import Response, abort

    from contest.accounts.members import take_credentials

    sheet = take_credentials(job_id[:100], current_user._get_current_object())
    if sheet is None:
        abort(404)
    return Response(sheet, mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="mat-khau-ban-dau.xlsx"', "Cache-Control": "no-store"})


def _member_page(user, edit_form=None, temporary=None, status=200):
    from contest.accounts.forms import ConfirmForm, MemberEditForm
    from contest.essays.models import Entry
    from contest.rounds.models import Attempt

    form = edit_form or MemberEditForm(obj=user, formdata=None)
    form.unit_id.choices = [(0, _("— no unit —"))] + unit_choices()
    if edit_form is None:
        form.unit_id.data = user.unit_id or 0
    roles = _role_names()
    if current_user.has_role("admin"):
        form.role.choices = list(roles.items())
    else:
        form.role.choices = [(k, v) for k, v in roles.items() if k in ("member", "judge") or k == user.role]
    attempts = db.session.execute(select(Attempt).where(Attempt.user_id == user.id)
                                  .order_by(Attempt.started_at.desc())).scalars().all()
    entries = db.session.execute(select(Entry).where(Entry.author_id == user.id)
                                 .order_by(Entry.submitted_at.desc())).scalars().all()
    from contest.rounds.scope import contest_allowed  # only the contests the organizer manages

    attempts = [a for a in attempts if contest_allowed(a.round.contest)]
    entries = [e for e in entries if contest_allowed(e.round.contest)]
    return render_template("accounts/member.html", member=user, form=form, confirm=ConfirmForm(),
                           attempts=attempts, entries=entries, roles=roles, temporary=temporary), status


@bp.route("/members/<int:user_id>")
@organizer_required
def member(user_id):
    from contest.accounts.loaders import get_user_or_404

    return _member_page(get_user_or_404(user_id))


@bp.route("/members/<int:user_id>/edit", methods=["POST"])
@organizer_required
def member_edit(user_id):
    from contest.accounts.forms import MemberEditForm
    from contest.accounts.loaders import get_user_or_404
    from contest.accounts.members import update_member
    from contest.errors import Refusal

    user = get_user_or_404(user_id)
    form = MemberEditForm()
    form.unit_id.choices = [(0, "")] + unit_choices()
    form.role.choices = list(_role_names().items())
    if not form.validate_on_submit():
        return _member_page(user, form, status=422)
    try:
        update_member(user, current_user._get_current_object(),
                      {"full_name": form.full_name.data, "unit_id": form.unit_id.data or None, "role": form.role.data})
    except Refusal as refusal:
        _refused(refusal)
    else:
        db.session.commit()
        flash(_("The member's details have been saved."), "success")
    return redirect(url_for("accounts.member", user_id=user_id))


@bp.route("/members/<int:user_id>/active", methods=["POST"])
@organizer_required
def member_active(user_id):
    from contest.accounts.forms import ConfirmForm
    from contest.accounts.loaders import get_user_or_404
    from contest.accounts.members import update_member
    from contest.errors import Refusal

    user = get_user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit() and form.action.data in ("deactivate", "reactivate"):
        try:
            update_member(user, current_user._get_current_object(), {"active": form.action.data == "reactivate"})
        except Refusal as refusal:
            _refused(refusal)
        else:
            db.session.commit()
            flash(_("The account has been deactivated: every sign-in of it has ended.") if not user.active
                  else _("The account has been reactivated."), "success")
    return redirect(url_for("accounts.member", user_id=user_id))


@bp.route("/members/<int:user_id>/reset", methods=["POST"])
@organizer_required
def member_reset(user_id):
    """A temporary password, shown on this answer only (never stored in the clear)."""
    from contest.accounts.forms import ConfirmForm
    from contest.accounts.loaders import get_user_or_404
    from contest.accounts.members import reset_password
    from contest.errors import Refusal

    user = get_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.member", user_id=user_id))
    try:
        password, expires_at = reset_password(user, current_user._get_current_object())
    except Refusal as refusal:
        _refused(refusal)
        return redirect(url_for("accounts.member", user_id=user_id))
    db.session.commit()
    return _member_page(user, temporary=(password, expires_at))


# --- the unit tree ----------------------------------------------------------------------------

@bp.route("/units")
@organizer_required
def units():
    return _units_page()


def _units_page(errors=None, status=200):
    from contest.accounts.forms import ConfirmForm, UnitForm, UnitMergeForm, UnitMoveForm, UnitTreeImportForm
    from contest.accounts.units import member_counts, tree_rows

    choices = unit_choices()
    create = UnitForm(formdata=None)
    create.parent_id.choices = [(0, _("— at the top —"))] + choices
    move = UnitMoveForm(formdata=None)
    move.parent_id.choices = [(0, _("— at the top —"))] + choices
    merge = UnitMergeForm(formdata=None)
    merge.target_id.choices = choices
    return render_template("accounts/units.html", rows=tree_rows(), counts=member_counts(), create=create,
                           move=move, merge=merge, tree_import=UnitTreeImportForm(formdata=None),
                           confirm=ConfirmForm(formdata=None), errors=errors), status


def _unit_action(work, done_message):
    from contest.errors import Refusal

    try:
        work()
    except Refusal as refusal:
        _refused(refusal)
    else:
        db.session.commit()
        flash(done_message, "success")
    return redirect(url_for("accounts.units"))


@bp.route("/units/create", methods=["POST"])
@organizer_required
def unit_create():
    from contest.accounts.forms import UnitForm
    from contest.accounts.units import create_unit

    form = UnitForm()
    form.parent_id.choices = [(0, "")] + unit_choices()
    if not form.validate_on_submit():
        flash(_("Enter the name."), "danger")
        return redirect(url_for("accounts.units"))
    return _unit_action(lambda: create_unit(form.name.data, form.parent_id.data or None), _("The unit has been created."))


@bp.route("/units/<int:unit_id>/rename", methods=["POST"])
@organizer_required
def unit_rename(unit_id):
    from contest.accounts.forms import UnitForm
    from contest.accounts.loaders import get_unit_or_404
    from contest.accounts.units import rename_unit

    unit = get_unit_or_404(unit_id)
    form = UnitForm()
    form.parent_id.choices = [(0, "")] + unit_choices()
    form.parent_id.validate_choice = False
    if not form.validate_on_submit():
        flash(_("Enter the name."), "danger")
        return redirect(url_for("accounts.units"))
    return _unit_action(lambda: rename_unit(unit, form.name.data), _("The unit has been renamed."))


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@organizer_required
def unit_move(unit_id):
    from contest.accounts.forms import UnitMoveForm
    from contest.accounts.loaders import get_unit_or_404
    from contest.accounts.units import move_unit

    unit = get_unit_or_404(unit_id)
    form = UnitMoveForm()
    form.parent_id.choices = [(0, "")] + unit_choices()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.units"))
    return _unit_action(lambda: move_unit(unit, form.parent_id.data or None), _("The unit has been moved."))


@bp.route("/units/<int:unit_id>/merge", methods=["POST"])
@organizer_required
def unit_merge(unit_id):
    from contest.accounts.forms import UnitMergeForm
    from contest.accounts.loaders import get_unit_or_404
    from contest.accounts.units import merge_units

    unit = get_unit_or_404(unit_id)
    form = UnitMergeForm()
    form.target_id.choices = unit_choices()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.units"))
    return _unit_action(lambda: merge_units(unit, get_unit_or_404(form.target_id.data)),
                        _("The units have been merged."))


@bp.route("/units/import", methods=["POST"])
@organizer_required
@limited("upload")
def unit_import():
    from contest.accounts.forms import UnitTreeImportForm
    from contest.accounts.members import read_table
    from contest.accounts.units import import_tree
    from contest.errors import Refusal

    form = UnitTreeImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to import."), "danger")
        return redirect(url_for("accounts.units"))
    try:
        table = read_table(form.file.data.read(), form.file.data.filename)
        rows = [(line, str(cells[0] or "")) for line, cells in table if cells and str(cells[0] or "").strip()]
        if rows and fold(rows[0][1]).strip() in ("don vi", "duong dan", "duong dan don vi"):
            rows = rows[1:]  # a header
        created = import_tree(rows)
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.text, "danger")
        return _units_page(refusal.details or [{"line": None, "message": refusal.text}], 422)
    db.session.commit()
    flash(_("%(n)s units have been created.", n=created), "success")
    return redirect(url_for("accounts.units"))



# --- registration settings, invitation codes, pending registrations (organizer) ----------------

def _registration_page(status=200):
    from contest.accounts import registration, scope
    from contest.accounts.forms import ConfirmForm, RegistrationSettingForm
    from contest.pagination import paginate

    actor = current_user._get_current_object()
    choices = unit_choices()
    own = registration.own_settings()
    ids = [unit_id for unit_id, _name in choices]
    rows = [{"id": unit_id, "name": name, "own": unit_id in own, "settings": registration.unit_settings(unit_id)}
            for unit_id, name in choices]
    pending = paginate(registration.pending_query(actor), 0, 500)
    return render_template("accounts/registration.html", rows=rows, codes=registration.codes_of(ids),
                           printed=registration.printed, platform=registration.platform_settings(),
                           manages_all=scope.managed_unit_ids(actor) is None, pending=pending,
                           form=RegistrationSettingForm(formdata=None), confirm=ConfirmForm(formdata=None),
                           enabled=current_app.config.get("SELF_REGISTRATION", True)), status


@bp.route("/registration")
@organizer_required
def registration_settings():
    return _registration_page()


@bp.route("/registration/platform", methods=["POST"])
@organizer_required
def registration_platform():
    """The platform's own settings (registering without a unit, and every unit's default): only
    for those who manage everything."""
    from flask import abort

    from contest.accounts import registration, scope
    from contest.accounts.forms import RegistrationSettingForm

    if scope.managed_unit_ids(current_user._get_current_object()) is not None:
        abort(404)
    form = RegistrationSettingForm()
    if form.validate_on_submit():
        registration.save_settings(None, {name: getattr(form, name).data for name in registration.SETTING_FIELDS})
        db.session.commit()
        flash(_("The registration settings have been saved."), "success")
    return redirect(url_for("accounts.registration_settings"))


@bp.route("/registration/units/<int:unit_id>", methods=["POST"])
@organizer_required
def registration_unit(unit_id):
    from contest.accounts import registration
    from contest.accounts.forms import RegistrationSettingForm
    from contest.accounts.loaders import get_unit_or_404

    unit = get_unit_or_404(unit_id)
    form = RegistrationSettingForm()
    if form.validate_on_submit():
        if request.form.get("action") == "inherit":
            registration.inherit_settings(unit.id)
        else:
            registration.save_settings(unit.id, {name: getattr(form, name).data
                                                 for name in ("open", "code_required", "approval_required")})
        db.session.commit()
        flash(_("The registration settings have been saved."), "success")
    return redirect(url_for("accounts.registration_settings"))


@bp.route("/registration/units/<int:unit_id>/code", methods=["POST"])
@organizer_required
def registration_code(unit_id):
    """Generate the unit's invitation code, or a new one (the old one stops working)."""
    from contest.accounts import registration
    from contest.accounts.forms import ConfirmForm
    from contest.accounts.loaders import get_unit_or_404

    unit = get_unit_or_404(unit_id)
    if ConfirmForm().validate_on_submit():
        code = registration.new_code(unit.id)
        db.session.commit()
        flash(_("The invitation code of %(unit)s is now %(code)s.", unit=unit.path_name(),
                code=registration.printed(code)), "success")
    return redirect(url_for("accounts.registration_settings"))


@bp.route("/registration/codes", methods=["POST"])
@organizer_required
def registration_codes_missing():
    """A code for every unit of the organizer's scope that has none yet."""
    from contest.accounts import registration
    from contest.accounts.forms import ConfirmForm

    if ConfirmForm().validate_on_submit():
        ids = [unit_id for unit_id, _name in unit_choices()]
        have = registration.codes_of(ids)
        for unit_id in ids:
            if unit_id not in have:
                registration.new_code(unit_id)
        db.session.commit()
        flash(_("%(n)s invitation codes have been generated.", n=len(ids) - len(have)), "success")
    return redirect(url_for("accounts.registration_settings"))


@bp.route("/registration/codes.xlsx")
@organizer_required
@limited("export")
def registration_codes_sheet():
    """The invitation codes of the organizer's units, to print on the notices."""
    from flask import Response

    from contest.accounts import registration
    from contest.exports.writer import Column, Table, write_xlsx

    choices = unit_choices()
    codes = registration.codes_of([unit_id for unit_id, _name in choices])
    table = Table(_("Invitation codes"), [Column(_("Unit")), Column(_("Invitation code"))],
                  [(name, registration.printed(codes[unit_id])) for unit_id, name in choices if unit_id in codes])
    return Response(write_xlsx(table), mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="ma-moi-dang-ky.xlsx"', "Cache-Control": "no-store"})


@bp.route("/registration/pending/<int:user_id>", methods=["POST"])
@organizer_required
def registration_decide(user_id):
    """Approve or reject a pending registration of the organizer's scope (others are not found)."""
    from contest.accounts import registration
    from contest.accounts.forms import ConfirmForm
    from contest.accounts.loaders import get_user_or_404
    from contest.errors import Refusal

    user = get_user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit() and form.action.data in ("approve", "reject"):
        name = user.full_name
        try:
            registration.decide(user, form.action.data == "approve")
        except Refusal as refusal:
            _refused(refusal)
        else:
            db.session.commit()
            flash(_("%(name)s can now sign in.", name=name) if form.action.data == "approve"
                  else _("The registration of %(name)s has been rejected.", name=name), "success")
    return redirect(url_for("accounts.registration_settings"))
