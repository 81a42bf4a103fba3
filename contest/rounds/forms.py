from datetime import timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FieldList, FormField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from contest.formfields import IntegerField
from contest.rounds.prediction import PredictionInvalid, read_prediction
from contest.rounds.prizes import DEFAULT_PRIZES, parse_prizes_text, prizes_text


REGISTRATION_CHOICES = [("open", _l("Open (as the registration settings of the units say)")),
                        ("off", _l("Off: nobody registers from this contest")),
                        ("unit_required", _l("A unit is required (chosen or by its invitation code)")),
                        ("code_required", _l("A unit's invitation code is required"))]


class ContestPrizesMixin:
    """The contest's prize tiers (the rounds' textarea and check) and its registration switch."""

    prizes = TextAreaField(_l("Contest prizes (one per line: name × number of prizes, best first)"),
                           default=lambda: prizes_text(DEFAULT_PRIZES), validators=[Optional()])
    registration = SelectField(_l("Self-registration from this contest"), choices=REGISTRATION_CHOICES,
                               default="open")

    def validate_prizes(self, field):
        _prizes, problems = parse_prizes_text(field.data)
        if problems:
            raise ValidationError(" ".join(problems))

    def prize_tiers(self) -> list | None:
        return parse_prizes_text(self.prizes.data)[0]


class ContestForm(ContestPrizesMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the contest a title.")), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    members_only = BooleanField(_l("Only for the members of my unit (and its sub-units)"))


class ContestStandingsForm(ContestPrizesMixin, FlaskForm):
    """The organizer's contest page: how the contest standings are counted, the contest's prize
    tiers and its self-registration switch."""

    standings_rule = SelectField(_l("Standings rule"), choices=[("sum", _l("Sum of the rounds")),
                                                              ("best", _l("Best round"))])

    @classmethod
    def of(cls, contest):
        form = cls(standings_rule=contest.standings_rule, registration=contest.registration or "open")
        if not form.is_submitted():
            form.prizes.data = prizes_text(contest.prizes)
        return form


class DrawItemForm(FlaskForm):
    class Meta:
        csrf = False

    topic_id = SelectField(_l("Topic"), coerce=int, validators=[Optional()])
    count = IntegerField(_l("Questions"), validators=[Optional(), NumberRange(min=1)])


class RoundWindowForm(FlaskForm):
    """What every kind of round has: title, rules and a time window typed in local time."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the round a title.")), Length(max=300)])
    rules = TextAreaField(_l("Rules shown to members"), validators=[Optional()])
    opens_at = DateTimeLocalField(_l("Opens at"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired(_l("Give the opening time."))])
    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Give the closing time."))])
    # One "name × count" per line, in rank order; offered with the VCNET default; empty = no prizes.
    prizes = TextAreaField(_l("Prizes (one per line: name × number of prizes, best first)"),
                           default=lambda: prizes_text(DEFAULT_PRIZES), validators=[Optional()])

    def validate_prizes(self, field):
        _prizes, problems = parse_prizes_text(field.data)
        if problems:
            raise ValidationError(" ".join(problems))

    @staticmethod
    def _zone() -> ZoneInfo:
        return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])

    def window_data(self) -> dict:
        """Title, rules and the window in UTC (the form shows Vietnam time)."""
        zone = self._zone()

        def aware(value):
            return value.replace(tzinfo=zone).astimezone(timezone.utc) if value else None

        prizes, _problems = parse_prizes_text(self.prizes.data)
        return {"title": self.title.data, "rules": self.rules.data or None,
                "opens_at": aware(self.opens_at.data), "closes_at": aware(self.closes_at.data),
                "prizes": prizes}

    def load_window(self, round_) -> None:
        zone = self._zone()
        self.title.data = round_.title
        self.rules.data = round_.rules
        self.prizes.data = prizes_text(round_.prizes)
        self.opens_at.data = round_.opens_at.astimezone(zone).replace(tzinfo=None)
        self.closes_at.data = round_.closes_at.astimezone(zone).replace(tzinfo=None)


class QuizRoundForm(RoundWindowForm):
    duration_minutes = IntegerField(_l("Minutes for one attempt"), validators=[
        DataRequired(_l("Give the time allowed for one attempt.")), NumberRange(min=1, max=24 * 60)])
    question_count = IntegerField(_l("Number of questions"), validators=[Optional(), NumberRange(min=1, max=500)])
    topic_ids = SelectMultipleField(_l("Draw from topics (none = whole approved bank)"), coerce=int, validators=[Optional()])
    draw = FieldList(FormField(DrawItemForm), min_entries=8, label=_l("Or: questions per topic"))
    max_attempts = IntegerField(_l("Attempts allowed (empty = unlimited)"), validators=[Optional(), NumberRange(min=1)])
    counting = SelectField(_l("Which attempt counts"), choices=[
        ("best", _l("The best")), ("first", _l("The first")), ("latest", _l("The latest"))])
    tie_break = SelectField(_l("Tie-break"), choices=[
        ("duration", _l("Shorter time taken")), ("submitted_at", _l("Earlier submission"))])
    shuffle_options = BooleanField(_l("Shuffle the options"), default=True)
    grace_seconds = IntegerField(_l("Grace for network delay (seconds)"), default=10,
                                 validators=[Optional(), NumberRange(min=0, max=600)])
    prediction_prompt = TextAreaField(_l("Prediction question (optional tie-break)"), validators=[Optional()])

    def to_data(self) -> dict:
        draw = [{"topic_id": e.topic_id.data, "count": e.count.data}
                for e in self.draw.entries if e.topic_id.data and e.count.data]
        return {
            **self.window_data(), "kind": "quiz",
            "duration_seconds": self.duration_minutes.data * 60,
            "question_count": self.question_count.data, "draw": draw or None,
            "topic_ids": list(self.topic_ids.data or []) or None,
            "max_attempts": self.max_attempts.data, "counting": self.counting.data,
            "tie_break": self.tie_break.data, "shuffle_options": bool(self.shuffle_options.data),
            "grace_seconds": self.grace_seconds.data if self.grace_seconds.data is not None else 10,
            "prediction_prompt": self.prediction_prompt.data or None,
        }

    def load(self, round_) -> None:
        self.load_window(round_)
        self.duration_minutes.data = (round_.duration_seconds or 0) // 60
        self.question_count.data = round_.question_count
        self.topic_ids.data = round_.topic_ids or []
        for entry, item in zip(self.draw.entries, round_.draw or []):
            entry.topic_id.data = item["topic_id"]
            entry.count.data = item["count"]
        self.max_attempts.data = round_.max_attempts
        self.counting.data = round_.counting
        self.tie_break.data = round_.tie_break
        self.shuffle_options.data = round_.shuffle_options
        self.grace_seconds.data = round_.grace_seconds
        self.prediction_prompt.data = round_.prediction_prompt


class SubmitForm(FlaskForm):
    # Text, read by read_prediction: what was typed comes back as typed when it is refused.
    prediction = StringField(_l("Your prediction"))
    prediction_value: int | None = None

    def validate_prediction(self, field):
        try:
            self.prediction_value = read_prediction(field.data, allow_text=True)
        except PredictionInvalid as invalid:
            raise ValidationError(invalid.message)


class EmptyForm(FlaskForm):
    """CSRF only (start, publish buttons)."""


class ExtraTimeForm(FlaskForm):
    """An organizer grants a member extra minutes for a quiz round (WCAG 2.2.1)."""
    username = StringField(_l("Member's username"), validators=[DataRequired(_l("Give the member's username.")),
                                                                Length(max=80)])
    minutes = IntegerField(_l("Extra minutes"), validators=[
        InputRequired(_l("Give the extra minutes.")),
        NumberRange(min=0, max=600, message=_l("Extra time must be between 0 and %(max)s minutes.", max=600))])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=1000)])
