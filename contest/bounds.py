"""The numbers a column can hold, and the URL converter and readers that keep ids inside them.

Every id and count column is a 32-bit signed integer on PostgreSQL (`integer`), 64-bit on SQLite;
a bigger number reaching the database fails there (500). This module imports nothing of the
app, so the API's fields, the forms, the pages and the request guard (contest/guards.py) all
take their bounds from here.
"""
from werkzeug.routing import IntegerConverter

INT_MIN = -(2 ** 31)
INT_MAX = 2 ** 31 - 1  # PostgreSQL `integer`: every id and count column
ID_MAX = INT_MAX


# --- integers -------------------------------------------------------------------------------

def digits_up_to(maximum: int) -> str:
    r"""A regex of the decimal numbers 1..maximum, without leading zeros.

    >>> print(digits_up_to(215))
    [1-9]\d{0,1}|1\d{2}|20\d{1}|21[0-4]|215
    """
    text = str(maximum)
    parts = [r"[1-9]\d{0,%d}" % (len(text) - 2)] if len(text) > 1 else []
    for i, digit in enumerate(text):
        low = "1" if i == 0 else "0"
        if digit > low:
            top = int(digit) - 1
            span = low if top == int(low) else f"[{low}-{top}]"
            rest = len(text) - i - 1
            parts.append(text[:i] + span + (r"\d{%d}" % rest if rest else ""))
    parts.append(text)
    return "|".join(parts)


class IdConverter(IntegerConverter):
    """The app's `int` URL converter: 1..2^31-1. A bigger id (or 0, or leading zeros) does not
    match the route's pattern, so it answers 404 (the API's envelope, the pages' 404 page) instead
    of reaching the database; matched by the pattern itself, so a route whose other methods
    exist still says 404, not 405."""

    regex = f"(?:{digits_up_to(ID_MAX)})"

    def __init__(self, map, fixed_digits=0, min=1, max=ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def in_int_range(value: int, minimum: int = INT_MIN, maximum: int = INT_MAX) -> bool:
    return minimum <= value <= maximum


def db_int(value) -> int:
    """`type=` for request.args.get / request.form.get: an int a column can hold, else ValueError
    (so Werkzeug gives the default). `request.args.get("page", 1, type=db_int)`."""
    number = int(value)
    if not in_int_range(number):
        raise ValueError("out of range")
    return number


def db_id(value) -> int | None:
    """A row id typed as text ("12"), or None if it is not one (not digits, 0, above 2^31-1).

    >>> db_id("12"), db_id("2147483648"), db_id("x"), db_id(None)
    (12, None, None, None)
    """
    text = (value or "").strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None
