"""Forms of judging: score sheets (one field per criterion), panels, assignment, stages, prizes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DecimalField, HiddenField, IntegerField, PasswordField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ScoreSheetForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


def score_sheet_form(criteria, data=None, **kwargs) -> ScoreSheetForm:
    """A score sheet with a field ``c<id>`` per criterion, each limited to 0..max points."""

    class Sheet(ScoreSheetForm):
        pass

    for criterion in criteria:
        setattr(Sheet, f"c{criterion.id}", DecimalField(
            criterion.name, places=None,
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
    entry_id = HiddenField()
    prize = SelectField(_l("Prize"), choices=[], validators=[Optional()])


class EmptyForm(FlaskForm):
    """CSRF only."""
