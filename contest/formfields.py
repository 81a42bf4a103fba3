"""The pages' number fields: bounded like the API's (contest/api/fields.py), so a number typed
into a form can neither overflow a column (PostgreSQL `integer`) nor be NaN or infinite.

Every form imports IntegerField and FloatField from here, never from wtforms
(tests/web/test_hostile_pages.py checks that every form field is one of these).
"""
import math

from flask_babel import lazy_gettext as _l
from wtforms import FloatField as _FloatField
from wtforms import IntegerField as _IntegerField
from wtforms.validators import StopValidation

from contest.api.fields import FLOAT_LIMIT
from contest.bounds import INT_MAX, INT_MIN


class IntegerField(_IntegerField):
    """An integer from -2^31 to 2^31-1; anything bigger is refused with a message."""

    def pre_validate(self, form):
        if self.data is not None and not INT_MIN <= self.data <= INT_MAX:
            self.data = None
            raise StopValidation(_l("This number is too large."))


class FloatField(_FloatField):
    """A finite number within ±FLOAT_LIMIT ("nan" and "inf" are refused)."""

    def pre_validate(self, form):
        if self.data is not None and (not math.isfinite(self.data) or abs(self.data) > FLOAT_LIMIT):
            self.data = None
            raise StopValidation(_l("Enter an ordinary number."))
