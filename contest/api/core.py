"""The v1 API: one error shape, bearer-token authentication, pagination.

Every API blueprint lives in its feature folder (contest/<feature>/api.py) and is registered
here under /api/v1. Errors always have the shape
``{"error": {"code": "<snake_case>", "message": "<text>", "details": ...}}``.
"""
import marshmallow as ma
from flask import g, jsonify, request
from apispec import BasePlugin
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException

from contest import pagination
from contest.api.fields import Count
from contest.bounds import IdConverter
from contest.errors import Refusal, default_message

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "file_too_large",
    415: "unsupported_file",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def error_response(status: int, code: str, message: str, details=None, headers=None):
    body = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten_validation(messages) -> list[dict]:
    """webargs gives {"json": {"field": ["msg"]}}; clients get [{"field": ..., "message": ...}]."""
    out = []

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            for text in value:
                out.append({"field": prefix, "message": text})
        else:
            out.append({"field": prefix, "message": str(value)})

    for location, fields in (messages or {}).items():
        walk("", fields)
    return out


def allow_header(error: HTTPException) -> dict:
    """A 405 says which methods the URL takes (RFC 9110), on the API and the pages alike."""
    return {key: value for key, value in error.get_headers() if key == "Allow"}


def refusal_to_json(error: Refusal):
    """The envelope for a refusal, its message translated now, in the request's language."""
    details = error.details
    if details is not None:  # a message in details may be lazy, like the refusal's own
        details = [{k: v if v is None or isinstance(v, (str, int, float, bool)) else str(v)
                    for k, v in item.items()} if isinstance(item, dict) else item for item in details]
    return error_response(error.status, error.code, error.text, details, error.headers)


def http_exception_to_json(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    details = None
    if status == 422 and "messages" in data:
        details = _flatten_validation(data["messages"])
    headers = dict(data.get("headers") or {})
    headers.update(allow_header(error))
    if status == 429 and getattr(error, "retry_after", None):
        headers.setdefault("Retry-After", str(error.retry_after))
    message = default_message(status)
    return error_response(status, STATUS_CODES.get(status, "error"), message, details, headers)


class ErrorBody(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "snake_case, fixed per situation"})
    message = ma.fields.String(required=True, metadata={"description": "In the user's language"})
    details = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "Where there is more: e.g. [{field, message}] or [{line, code, message}]"})


class ErrorEnvelope(ma.Schema):
    """Every API error: {"error": {"code", "message", "details"?}}."""

    error = ma.fields.Nested(ErrorBody, required=True)


# Statuses any operation can answer, whatever it does (the guard, the token check, the body).
COMMON_ERRORS = {
    400: "`bad_request`: the body is not JSON; `json_too_deep`: JSON nested deeper than 32 levels",
    401: "`unauthorized`: the bearer token is missing, invalid or revoked",
    403: "`csrf_failed`: the site's session cookie without its CSRF token (X-CSRFToken), or from "
         "another site",
    413: "`file_too_large`: the body is larger than the server accepts",
    422: "`validation_error`: a field is missing or out of its bounds (details name it); "
         "`invalid_text`: NUL or another control character in the path, query or body",
    503: "`service_unavailable`: the database does not answer for a moment; send the request again "
         "after the `Retry-After` seconds",
}


def errors(**by_status):
    """Document the errors a route answers beyond COMMON_ERRORS, with their codes:
    `@errors(E409="attempts_exhausted", E403="round_not_open")`. 403 for a wrong role and 404 for
    a path id are added from roles_required and the path (ErrorResponsesPlugin)."""

    def decorator(view):
        documented = dict(getattr(view, "_api_errors", {}))
        for key, text in by_status.items():
            documented[int(key.lstrip("E"))] = text
        view._api_errors = documented
        return view

    return decorator


# Not from the app: gunicorn answers a request line over its limit (4 KiB) with its own HTML page.
URI_TOO_LONG = {"description": "The web server (gunicorn) refuses a URL over 4 KiB before the app "
                               "sees it: an HTML page, not the envelope",
                "content": {"text/html": {"schema": {"type": "string"}}}}


class ErrorResponsesPlugin(BasePlugin):
    """Adds every error status an operation answers to its OpenAPI responses, each with the
    ErrorEnvelope schema and the codes in its description."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        documented = dict(COMMON_ERRORS)
        roles = getattr(view, "_roles_required", None)
        if roles:
            documented[403] = f"{documented[403]}; `forbidden`: your role may not do this"
        if rule is not None and rule.arguments:
            documented[404] = "`not_found`: no such " + ", ".join(sorted(rule.arguments)).replace("_id", "")
        for status, text in getattr(view, "_api_errors", {}).items():
            documented[status] = f"{documented[status]}; {text}" if status in documented else text
        schema = {"$ref": "#/components/schemas/ErrorEnvelope"}
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status in sorted(documented):
                responses.pop(status, None)  # flask-smorest's own 422 (keyed by int)
                responses[str(status)] = {"description": documented[status],
                                          "content": {"application/json": {"schema": schema}}}
            responses["414"] = URI_TOO_LONG


class Api(SmorestApi):
    """flask-smorest, with our error shape for /api/ paths only (HTML pages keep theirs), and
    that shape (ErrorEnvelope) documented on every error status of every operation."""

    ERROR_SCHEMA = ErrorEnvelope
    DEFAULT_ERROR_RESPONSE_NAME = None  # every status is listed, so clients and checks know them

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        plugin = ErrorResponsesPlugin(app)
        plugin.init_spec(self.spec)
        self.spec.plugins = (*self.spec.plugins, plugin)
        self.register_converter(IdConverter, lambda c: {"type": "integer", "minimum": c.min, "maximum": c.max})

    def _register_error_handlers(self):
        pass  # app.py registers one handler that serves both HTML and JSON


def is_api_request() -> bool:
    return request.path.startswith("/api/")


class Page(ma.Schema):
    limit = Count(load_default=50, minimum=1, maximum=500)
    offset = Count(load_default=0)


def paginate(select_stmt, args, serialize=None):
    """Run a SELECT with ?limit=&offset= and return {"items", "total"} (contest/pagination.py)."""
    return pagination.paginate(select_stmt, args["offset"], args["limit"], serialize)


def page_of(items: list, args) -> dict:
    """Paginate an already computed list (leaderboards, a judge's assignments)."""
    return pagination.page_of(items, args["offset"], args["limit"])


def api_user():
    return g.get("api_user")
