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
        503: _("The service is briefly unavailable: the database does not answer. Please try again in a few seconds."),
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


# The database does not answer (app.py ``_errors`` answers 503 ``service_unavailable`` with
# Retry-After): PostgreSQL's connection-exception class 08, the server shutting down or starting
# up (57P01 admin shutdown, also sent on `pg_ctl stop -m immediate`; 57P02 crash shutdown; 57P03
# cannot connect now) and too many connections (53300). A SQLite file busy, locked, unreadable or
# unopenable. Everything else a database says (a constraint, a syntax error, "no such table",
# a deadlock) is a programming or concurrency error and stays a 500.
UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")
UNAVAILABLE_SQLITE_CODES = (5, 6, 10, 14)  # SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN


def database_unavailable(error: BaseException) -> bool:
    """Does this exception mean "the database does not answer, try again soon" (503), rather
    than a bug (500)?

    The pool's connection was lost (SQLAlchemy invalidated it), or a connection could not be made:
    psycopg says so with no SQLSTATE (nothing came from a server), or with one of the states above.

    >>> import psycopg, psycopg.errors, sqlite3
    >>> from sqlalchemy import exc
    >>> refused = psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", '
    ...                                    'port 5432 failed: Connection refused')
    >>> database_unavailable(exc.OperationalError("SELECT 1", {}, refused))
    True
    >>> database_unavailable(exc.OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("terminating")))
    True
    >>> database_unavailable(exc.OperationalError("SELECT 1", {}, psycopg.errors.CannotConnectNow("starting up")))
    True
    >>> database_unavailable(exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed")))
    True
    >>> lost = exc.DBAPIError("SELECT 1", {}, psycopg.DatabaseError("lost"), connection_invalidated=True)
    >>> database_unavailable(lost)
    True
    >>> database_unavailable(exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"))
    True

    Not unavailable: the server answered, and said something else.

    >>> database_unavailable(exc.OperationalError("UPDATE …", {}, psycopg.errors.DeadlockDetected("deadlock")))
    False
    >>> database_unavailable(exc.IntegrityError("INSERT …", {}, psycopg.errors.UniqueViolation("duplicate")))
    False
    >>> database_unavailable(exc.ProgrammingError("SELEC", {}, psycopg.errors.SyntaxError("syntax")))
    False
    >>> def sqlite_error(sql, path=":memory:"):
    ...     try:
    ...         sqlite3.connect(path).execute(sql)
    ...     except sqlite3.Error as error:
    ...         return exc.OperationalError(sql, {}, error)
    >>> database_unavailable(sqlite_error("SELECT * FROM nowhere"))  # no such table: a bug
    False
    >>> database_unavailable(sqlite_error("SELECT 1", path="/nonexistent/dir/db.sqlite3"))  # cannot open
    True
    >>> database_unavailable(ValueError("not a database error"))
    False
    """
    from sqlalchemy import exc

    if isinstance(error, exc.TimeoutError):  # every pooled connection busy past pool_timeout
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    if hasattr(orig, "sqlstate"):  # psycopg
        state = orig.sqlstate
        if state is None:  # raised by the client: no server answered
            return isinstance(error, (exc.OperationalError, exc.InterfaceError))
        return state.startswith("08") or state in UNAVAILABLE_SQLSTATES
    code = getattr(orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in UNAVAILABLE_SQLITE_CODES
