"""The one permission decorator, for HTML pages (session) and the API (bearer token)."""
from functools import wraps

from flask import abort, g
from flask_login import current_user

from contest.api.core import is_api_request
from contest.errors import Refusal
from contest.extensions import login_manager


def current_actor():
    """The signed-in user: by bearer token on /api/, by session cookie elsewhere."""
    if is_api_request():
        return g.get("api_user")
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def roles_required(*roles: str):
    """Require a signed-in user; with roles, one of them (admin may do everything)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_actor()
            if user is None:
                if is_api_request():
                    raise Refusal("unauthorized", 401)
                return login_manager.unauthorized()
            if roles and not user.has_role(*roles):
                if is_api_request():
                    raise Refusal("forbidden", 403)
                abort(403)
            return view(*args, **kwargs)

        wrapped._roles_required = roles  # read by the OpenAPI document (api/core.py)
        return wrapped

    return decorator


login_required = roles_required()
organizer_required = roles_required("organizer")
