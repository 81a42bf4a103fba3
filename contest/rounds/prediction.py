"""Reading the answer to a round's prediction question (câu hỏi dự đoán): a whole number ≥ 0.

The prediction is the first tie-break, so it is saved as it is typed, like an answer. Its column
is a 32-bit integer everywhere (PostgreSQL `integer`), hence the upper bound.
"""
import re

from flask_babel import format_decimal, gettext as _

PREDICTION_MAX = 2_147_483_647
_DIGITS = re.compile(r"[0-9]+")


class PredictionInvalid(ValueError):
    """`message` says, in the member's language, what a prediction must be."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def not_a_number_message() -> str:
    return _("The prediction must be a whole number, 0 or more.")


def too_large_message() -> str:
    return _("The prediction must be at most %(max)s.", max=format_decimal(PREDICTION_MAX))


def read_prediction(value, allow_text: bool = False) -> int | None:
    """A prediction as sent (JSON number, or the text of a form field when `allow_text`).

    None, and empty text, mean "no prediction". Raises PredictionInvalid with the message to show.

    >>> read_prediction(12), read_prediction(None), read_prediction(" 7 ", allow_text=True)
    (12, None, 7)
    >>> read_prediction(-1)   # PredictionInvalid: "must be a whole number, 0 or more"
    >>> read_prediction(True) # PredictionInvalid: a boolean is not a number
    >>> read_prediction("12") # PredictionInvalid: the API takes a JSON number, not text
    """
    if value is None:
        return None
    if isinstance(value, str) and allow_text:
        text = value.strip()
        if not text:
            return None
        if not _DIGITS.fullmatch(text):
            raise PredictionInvalid(not_a_number_message())
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PredictionInvalid(not_a_number_message())
    if value > PREDICTION_MAX:
        raise PredictionInvalid(too_large_message())
    return value
