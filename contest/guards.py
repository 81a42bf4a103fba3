"""What no request may carry, refused in one place before any route sees it.

- Integers: every id and number the database stores is a 32-bit signed integer on PostgreSQL
  (`integer`), 64-bit on SQLite. A bigger number in a URL, a query, a form or JSON would reach
  the database and fail there (500). URL ids are bounded by the app-wide `int` converter
  (contest/bounds.py, installed below), API numbers by contest/api/fields.py, form numbers by
  contest/formfields.py, and the few `request.args.get(..., type=...)` in pages by `bounds.db_int`.
- Text: NUL and the other control characters (all but tab, newline and carriage return), and
  lone surrogates that JSON can smuggle in as "\\ud800", are refused in the path, the query, form
  fields, uploaded file names and every JSON string and key. PostgreSQL cannot store NUL in
  text at all, and no member types a control character.
- JSON: a body nested deeper than MAX_JSON_DEPTH is refused before anything recurses into it
  (Python's json module itself raises RecursionError near 1,000 levels).

Rules are plain functions (`has_control_chars`, `json_problem`, `load_json`); `check_request` is
the before_request hook that applies them.
"""
import json
import re

from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

MAX_JSON_DEPTH = 32

# C0 controls but \t \n \r, DEL, C1 controls, and UTF-16 surrogates (never valid on their own).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

INVALID_TEXT_MESSAGE = _l("The text contains invisible control characters (such as NUL). "
                          "Remove them and try again.")
TOO_DEEP_MESSAGE = _l("The JSON body is nested too deeply.")


def has_control_chars(text: str) -> bool:
    """True if the text holds a character no member types: NUL and other control characters
    (tab, newline and carriage return are fine), or a lone surrogate.

    >>> has_control_chars("Hồ Chí Minh\\tvà\\r\\nBác")
    False
    >>> has_control_chars("demo\\u0000")
    True
    """
    return bool(_CONTROL.search(text))


class JsonTooDeep(ValueError):
    """A JSON body nested deeper than MAX_JSON_DEPTH (a ValueError, so Flask answers 400)."""


def json_problem(data, max_depth: int = MAX_JSON_DEPTH):
    """Why parsed JSON is refused, or None: ("too_deep", path) or ("invalid_text", path), path a
    dotted field name ("options.1.text"). Walks without recursion, so no depth can crash it.

    >>> json_problem({"a": [1, {"b": "x"}]}) is None
    True
    >>> json_problem({"a": [1, {"b": "x\\u0000"}]})
    ('invalid_text', 'a.1.b')
    >>> json_problem([[[]]], max_depth=2)
    ('too_deep', '0.0')
    """
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if has_control_chars(value):
                return "invalid_text", path
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > max_depth:
            return "too_deep", path
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, inner in items:
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control_chars(key):
                return "invalid_text", name
            stack.append((inner, name, depth + 1))
    return None


def load_json(text, max_depth: int = MAX_JSON_DEPTH):
    """json.loads, refusing (JsonTooDeep) what is nested deeper than max_depth, including what
    is too deep for json.loads itself (RecursionError)."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise JsonTooDeep(str(TOO_DEEP_MESSAGE)) from None
    problem = json_problem(data, max_depth)
    if problem and problem[0] == "too_deep":
        raise JsonTooDeep(str(TOO_DEEP_MESSAGE))
    return data


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with the depth limit on everything request.get_json() reads."""

    def loads(self, s, **kwargs):
        return load_json(s)


# --- the hook -------------------------------------------------------------------------------

class InvalidText(BadRequest):
    """A page request with control characters: the 400 page says why (errors.html)."""

    invalid_text = True


def _first_bad(pairs, prefix):
    for key, value in pairs:
        if has_control_chars(key):
            return f"{prefix}{key}"
        if isinstance(value, str) and has_control_chars(value):
            return f"{prefix}{key}"
    return None


def form_problem(form, files):
    """The first form field (or uploaded file name) with control characters, or None."""
    bad = _first_bad(form.items(multi=True), "form.")
    if bad:
        return bad
    for key, upload in files.items(multi=True):
        if has_control_chars(key) or has_control_chars(upload.filename or ""):
            return f"form.{key}"
    return None


def request_problem():
    """("invalid_text" | "too_deep", field) for the current request's path, query and JSON, or
    None. Form bodies are checked when they are parsed (GuardedRequest), so an upload's size is
    still checked before its body is read."""
    if has_control_chars(request.path):
        return "invalid_text", "path"
    bad = _first_bad(request.args.items(multi=True), "query.")
    if bad:
        return "invalid_text", bad
    if request.is_json and request.content_length != 0:
        try:
            data = json.loads(request.get_data(cache=True))
        except RecursionError:
            return "too_deep", "json"
        except ValueError:
            return None  # not JSON: the route's parser answers 400 as it always has
        problem = json_problem(data)
        if problem:
            kind, path = problem
            return kind, f"json.{path}" if path else "json"
    return None


def refuse(kind: str, field: str):
    from contest.api.core import is_api_request
    from contest.errors import Refusal

    if is_api_request():
        if kind == "too_deep":
            raise Refusal("json_too_deep", 400, str(TOO_DEEP_MESSAGE),
                          details=[{"field": field, "message": str(TOO_DEEP_MESSAGE)}])
        raise Refusal("invalid_text", 422, str(INVALID_TEXT_MESSAGE),
                      details=[{"field": field, "message": str(INVALID_TEXT_MESSAGE)}])
    if kind == "too_deep":
        raise BadRequest()
    raise InvalidText()


class GuardedRequest(Request):
    """Flask's request; form fields and file names are checked for control characters the
    moment anything parses the form (a view, Flask-WTF, the CSRF check)."""

    def _load_form_data(self):
        super()._load_form_data()
        bad = form_problem(self.form, self.files)
        if bad:
            refuse("invalid_text", bad)


def check_request():
    """before_request: refuse control characters and over-deep JSON, before any route."""
    problem = request_problem()
    if problem is not None:
        refuse(*problem)


def init_app(app) -> None:
    from contest.bounds import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.request_class = GuardedRequest
    app.json = GuardedJSONProvider(app)
    app.before_request(check_request)
