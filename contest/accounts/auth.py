"""Bearer-token authentication for /api/ requests (the API ignores session cookies)."""
from flask import g, request

from contest.accounts.models import ApiToken
from contest.api.core import ApiError, is_api_request


def load_api_user():
    if not is_api_request():
        return None
    g.api_user = None
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized")
    found = ApiToken.find_user(token.strip())
    if found is None:
        raise ApiError(401, "unauthorized")
    g.api_token, g.api_user = found
    return None
