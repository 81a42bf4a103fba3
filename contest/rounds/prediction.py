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

    Examples: 12 -> 12; None -> None; " 7 " typed -> 7; -1, 1.5, True, and the text "12" sent
    to the API -> refused ("a whole number, 0 or more"); 2,147,483,648 -> refused ("at most").
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
