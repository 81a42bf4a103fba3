"""Who is calling the API: a bearer token (any client), or the site's own pages by their session
cookie, same-origin only and with the page's CSRF token in X-CSRFToken (Flask-WTF's
csrf.protect()). A state-changing request with the cookie but without a valid token, or sent
from another site, is refused with 403 `csrf_failed` (api-v1.md, Conventions); a GET with the
cookie alone is anonymous (a link or an image elsewhere reads nothing as the member)."""
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from contest.accounts import token_cache
from contest.api.core import is_api_request
from contest.errors import Refusal


def load_api_user():
    if not is_api_request():
        return None
    g.api_user = None
    g.api_token = None
    g.api_session = False
    header = request.headers.get("Authorization", "")
    if header:
        _load_bearer(header)
    elif current_user.is_authenticated and (_changes_state() or _csrf_header()):
        _load_session()
    if g.api_user is not None and g.api_user.must_change_password \
            and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        raise Refusal("password_change_required", 403, _("Your password was given to you by the organizers: "
                                                         "choose your own before going on."))
    return None


# What a user whose password was handed out (import, reset) may still do: change it, or leave.
PASSWORD_CHANGE_ENDPOINTS = {"api.api_accounts.change_own_password", "api.api_accounts.revoke_token",
                             "api_accounts.change_own_password", "api_accounts.revoke_token"}


def _load_bearer(header: str) -> None:
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal("unauthorized", 401)
    found = token_cache.find_user(token.strip())
    if found is None:
        raise Refusal("unauthorized", 401)
    g.api_token, g.api_user = found


def _load_session() -> None:
    """The page's own script: same origin, and the CSRF token on anything that changes state."""
    if is_cross_site():
        raise csrf_failed()
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        from contest.extensions import csrf

        try:
            csrf.protect()  # a state-changing request needs X-CSRFToken
            if not _changes_state():  # a GET that says it is the page's: its token must be good
                validate_csrf(_first_csrf_header())
        except (CSRFError, ValidationError):
            raise csrf_failed() from None
    g.api_user = current_user._get_current_object()
    g.api_session = True


def _changes_state() -> bool:
    return request.method in current_app.config["WTF_CSRF_METHODS"]


def _csrf_header() -> bool:
    return any(request.headers.get(name) for name in current_app.config["WTF_CSRF_HEADERS"])


def _first_csrf_header() -> str | None:
    return next((request.headers[name] for name in current_app.config["WTF_CSRF_HEADERS"]
                 if request.headers.get(name)), None)


def is_cross_site() -> bool:
    """The browser says the request comes from another site (Sec-Fetch-Site), or its Origin is
    not this host. Requests without either header (older browsers, scripts) are judged by the
    CSRF token alone."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    parts = urlsplit(origin)
    return parts.scheme not in ("http", "https") or parts.netloc != request.host


def csrf_failed() -> Refusal:
    return Refusal("csrf_failed", 403, _("This page has expired or the request came from another "
                                          "site. Reload the page and try again."))


def session_request() -> bool:
    """Whether the caller is the site's own page (session cookie) rather than a token client."""
    return bool(g.get("api_session"))
