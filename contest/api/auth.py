"""Bearer-token authentication for /api/ requests (the API ignores session cookies)."""
from flask import g, request

from contest.api.core import is_api_request
from contest.errors import Refusal


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
        raise Refusal("unauthorized", 401)
    from contest.accounts.models import ApiToken

    found = ApiToken.find_user(token.strip())
    if found is None:
        raise Refusal("unauthorized", 401)
    g.api_token, g.api_user = found
    return None
