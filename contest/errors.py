"""One refusal type for the whole app.

A service, a loader or a handler that refuses raises ``Refusal(code, status, message, details)``:
``code`` is the API's snake_case error code, ``status`` the HTTP status, ``message`` the text the
user reads (a lazy Flask-Babel string, so it is translated when it is shown, on a page or in the
API), ``details`` the API's ``details`` list where there is more. Keyword ``params`` carry what a
page needs beyond the message (the field, a limit).

Two handlers translate an uncaught refusal (app.py ``_errors``): the API answers with the error
envelope of contest/api/core.py, a page shows errors.html with the status. Both roll the request's
work back first: a refused request changes nothing. A view that answers a refusal its own way (a
flash and a redirect, the form again with the message) catches it and calls ``db.session.rollback()``.

Worked example::

    raise Refusal("round_not_open", 403, _l("This round is not open right now."))
    # API:  403 {"error": {"code": "round_not_open", "message": "Vòng thi này hiện chưa mở hoặc đã đóng."}}
    # page: 403, errors.html
"""

from flask_babel import gettext as _


def default_message(status: int) -> str:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in: the token is missing, invalid or revoked."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The file is too large."),
        415: _("This type of file is not supported."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Please try again."),
    }.get(status, _("The request failed."))


class Refusal(Exception):
    """A refusal the user should understand; nothing the request did is kept."""

    def __init__(self, code: str, status: int, message=None, details=None, headers=None, **params):
        super().__init__(code)
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers  # e.g. Retry-After with a 429
        self.params = params

    @property
    def text(self) -> str:
        """The message in the request's language; the status's default message when none was given."""
        if self.message is None:
            return default_message(self.status)
        return str(self.message)

    def __str__(self):
        return f"{self.code}: {self.message}"


def not_found() -> Refusal:
    from flask_babel import lazy_gettext as _l

    return Refusal("not_found", 404, _l("Not found."))


def get_or_404(model, object_id: int, allowed=None):
    """The row, if it exists and ``allowed(row)`` (when given) says yes; else ``not_found()``.
    The features' loaders (rounds/loaders.py, …) are this with their own rule."""
    from contest.extensions import db

    row = db.session.get(model, object_id)
    if row is None or (allowed is not None and not allowed(row)):
        raise not_found()
    return row
