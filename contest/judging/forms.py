"""Forms of judging: score sheets (one field per criterion), panels, assignment, stages, prizes."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
import math
import re

from wtforms import (HiddenField, PasswordField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation

from contest.formfields import IntegerField

_POINTS = re.compile(r"\d+(?:[.,]\d+)?|[.,]\d+")


def parse_points(text: str | None) -> float | None:
    """Points as a judge types them: a decimal comma (Vietnamese) or point, nothing else.
    Empty is ``None``; anything that is not a plain number raises ``ValueError`` (never a
    thousands separator read as a decimal one, so "15,5" is never 155).

    >>> parse_points("15,5"), parse_points(" 15.5 "), parse_points("40"), parse_points(",5")
    (15.5, 15.5, 40.0, 0.5)
    >>> parse_points("") is None
    True
    >>> for bad in ("1.234,5", "15,5,1", "-3", "mười", "1e3", "nan", "15 5"):
    ...     try:
    ...         parse_points(bad)
    ...     except ValueError:
    ...         pass
    ...     else:
    ...         print("accepted", bad)
    """
    text = (text or "").strip()
    if not text:
        return None
    if not _POINTS.fullmatch(text):
        raise ValueError(text)
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def format_points(value: float | None, decimal_symbol: str = ",") -> str:
    """Points shown back in a score field, with the locale's decimal symbol.

    >>> format_points(15.5), format_points(40.0), format_points(15.5, "."), format_points(None)
    ('15,5', '40', '15.5', '')
    """
    if value is None:
        return ""
    return f"{value:g}".replace(".", decimal_symbol)


class PointsField(StringField):
    """A score typed by a judge: "15,5" and "15.5" are both 15.5; ``data`` is a float or None."""

    def __init__(self, *args, decimal_symbol=",", **kwargs):
        super().__init__(*args, **kwargs)
        self.decimal_symbol = decimal_symbol
        self.raw = ""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        try:
            self.data = parse_points(self.raw)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter a number of points, such as 15 or 15,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_points(self.data, self.decimal_symbol)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class ScoreSheetForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


def score_sheet_form(criteria, data=None, decimal_symbol=",", **kwargs) -> ScoreSheetForm:
    """A score sheet with a field ``c<id>`` per criterion, each limited to 0..max points."""

    class Sheet(ScoreSheetForm):
        pass

    for criterion in criteria:
        setattr(Sheet, f"c{criterion.id}", PointsField(
            criterion.name, decimal_symbol=decimal_symbol,
            validators=[Optional(), NumberRange(min=0, max=criterion.max_points, message=_l(
                "Give between 0 and %(max)s points.", max=f"{criterion.max_points:g}"))]))
    return Sheet(data=data, **kwargs)


class PanelForm(FlaskForm):
    judge_ids = SelectMultipleField(_l("Judges"), coerce=int, validators=[DataRequired(_l("Choose judges."))])


class NewJudgeForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=80)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8)])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[Optional()])


class HandAssignForm(FlaskForm):
    entry_code = StringField(_l("Entry code"), validators=[DataRequired()])
    judge_id = SelectField(_l("Judge"), coerce=int, validators=[DataRequired()])


class ShortlistForm(FlaskForm):
    top_n = IntegerField(_l("Take the top N into the final stage"), validators=[Optional(), NumberRange(min=1)])
    entry_ids = SelectMultipleField(_l("Or pick entries by hand"), coerce=int, validators=[Optional()])


class PrizeForm(FlaskForm):
    """Move an entry's prize by hand: a tier of the round, no prize, or back to its rank's."""
    BY_RANK, NONE = "__rank__", "__none__"
    entry_id = HiddenField()
    prize = SelectField(_l("Prize"), choices=[], validators=[DataRequired()])
    reason = StringField(_l("Reason for moving the prize"), validators=[
        DataRequired(_l("Give the reason for moving the prize.")), Length(max=2000)])


class ReopenForm(FlaskForm):
    assignment_id = HiddenField()
    reason = StringField(_l("Reason for reopening"), validators=[
        DataRequired(_l("Give the reason for reopening the sheet.")), Length(max=2000)])


class EmptyForm(FlaskForm):
    """CSRF only."""
