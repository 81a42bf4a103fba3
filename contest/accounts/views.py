"""Sign in, sign out, register, choose the language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from contest.accounts.forms import LoginForm, PasswordChangeForm, RegisterForm
from contest.accounts.permissions import login_required
from contest.accounts.models import Unit
from contest.accounts.redirects import safe_next
from contest.accounts.service import (KNOWN_DEVICE_COOKIE, SignInDelayed, UsernameTaken, WeakPassword,
                                      WrongPassword, authenticate, change_password, create_user,
                                      delay_message, end_all_sessions, end_session, known_device,
                                      known_device_cookie, start_session)
from contest.extensions import LOCALES, db, limiter

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
    units = db.session.execute(select(Unit)).scalars().all()
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
def register():
    if not current_app.config.get("SELF_REGISTRATION", True):
        flash(_("Registration is closed. Ask your organizers for an account."), "warning")
        return redirect(url_for("accounts.login"))
    form = RegisterForm()
    form.unit_id.choices = [(0, _("— choose your unit —"))] + unit_choices()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data, form.password.data, form.full_name.data,
                               unit_id=form.unit_id.data or None, email=form.email.data,
                               phone=form.phone.data, date_of_birth=form.date_of_birth.data,
                               locale=session.get("locale"))
        except UsernameTaken:
            form.username.errors.append(_("This username is already taken. Please choose another."))
        else:
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.full_name), "success")
            return _sign_in(user, redirect(url_for("rounds.home")))
    return render_template("accounts/register.html", form=form)


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
