"""Forms of writing rounds: the organizer's round form, the member's editor and upload."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, FieldList, FormField, HiddenField, SelectMultipleField,
                     StringField, TextAreaField, widgets)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from contest.formfields import FloatField, IntegerField
from contest.bounds import db_id
from contest.essays.models import DEFAULT_KINDS
from contest.rounds.forms import RoundWindowForm

KIND_CHOICES = [("docx", ".docx"), ("pdf", ".pdf"), ("txt", ".txt")]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CriterionForm(FlaskForm):
    class Meta:
        csrf = False

    id = HiddenField()
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    max_points = FloatField(_l("Max points"), validators=[Optional(), NumberRange(min=0.5, max=1000)])
    weight = FloatField(_l("Weight"), default=1.0, validators=[Optional(), NumberRange(min=0, max=100)])


class EssayRoundForm(RoundWindowForm):
    min_words = IntegerField(_l("Minimum words"), validators=[Optional(), NumberRange(min=0)])
    max_words = IntegerField(_l("Maximum words"), validators=[Optional(), NumberRange(min=1)])
    allowed_kinds = MultiCheckboxField(_l("Files members may upload"), choices=KIND_CHOICES,
                                       default=["docx", "pdf", "txt"])
    max_file_mb = FloatField(_l("Largest file (MB)"), default=5,
                             validators=[Optional(), NumberRange(min=0.1, max=20)])
    criteria = FieldList(FormField(CriterionForm), min_entries=5, label=_l("Criteria"))
    judges_per_entry = IntegerField(_l("Judges per entry"), default=2,
                                    validators=[DataRequired(_l("Give the number of judges per entry.")),
                                                NumberRange(min=1, max=20)])
    discrepancy_threshold = FloatField(_l("A gap above this many points between two judges calls one more judge"),
                                       default=20, validators=[Optional(), NumberRange(min=0)])
    normalize_scores = BooleanField(_l("Normalize each judge's scores (z-scores) for the final score"))
    require_declaration = BooleanField(_l("Members must declare that the entry is their own original work"),
                                       default=True)
    declaration_text = TextAreaField(_l("Wording of the declaration (optional)"), validators=[Optional()])
    similarity_percent = FloatField(_l("Flag entries that overlap more than this percentage"), default=20,
                                    validators=[Optional(), NumberRange(min=1, max=100)])

    def round_data(self) -> dict:
        criteria = []
        for item in self.criteria.entries:
            if item.form.name.data and item.form.max_points.data:
                criteria.append({"id": db_id(item.form.id.data),
                                 "name": item.form.name.data, "max_points": item.form.max_points.data,
                                 "weight": item.form.weight.data if item.form.weight.data is not None else 1.0})
        return {**self.window_data(), "kind": "essay",
                "min_words": self.min_words.data, "max_words": self.max_words.data,
                "judges_per_entry": self.judges_per_entry.data,
                "discrepancy_threshold": self.discrepancy_threshold.data, "criteria": criteria}

    def apply_settings(self, settings) -> None:
        settings.allowed_kinds = list(self.allowed_kinds.data or []) or list(DEFAULT_KINDS)
        settings.max_file_bytes = int((self.max_file_mb.data or 5) * 1024 * 1024)
        settings.require_declaration = bool(self.require_declaration.data)
        settings.declaration_text = (self.declaration_text.data or "").strip() or None
        settings.similarity_limit = (self.similarity_percent.data or 20) / 100

    def load(self, round_, settings, criteria) -> None:
        self.load_window(round_)
        self.min_words.data = round_.min_words
        self.max_words.data = round_.max_words
        self.judges_per_entry.data = round_.judges_per_entry
        self.discrepancy_threshold.data = round_.discrepancy_threshold
        self.allowed_kinds.data = list(settings.allowed_kinds or [])
        self.max_file_mb.data = round(settings.max_file_bytes / (1024 * 1024), 1)
        self.require_declaration.data = settings.require_declaration
        self.declaration_text.data = settings.declaration_text
        self.similarity_percent.data = round(settings.similarity_limit * 100, 1)
        while len(self.criteria.entries) < len(criteria) + 2:
            self.criteria.append_entry()
        for item, criterion in zip(self.criteria.entries, criteria):
            item.form.id.data = str(criterion["id"])
            item.form.name.data = criterion["name"]
            item.form.max_points.data = criterion["max_points"]
            item.form.weight.data = criterion["weight"]


class EntryForm(FlaskForm):
    title = StringField(_l("Title of your entry"), validators=[DataRequired(_l("Give your entry a title.")),
                                                                 Length(max=300)])
    body = TextAreaField(_l("Your entry"), validators=[DataRequired(_l("Write your entry first."))])
    declaration = BooleanField(_l("I declare that this entry is my own original work."))
    publish_consent = BooleanField(_l("I agree that my entry may be published if it wins a prize."))


class UploadForm(FlaskForm):
    title = StringField(_l("Title of your entry"), validators=[Optional(), Length(max=300)])
    file = FileField(_l("File (.docx, .pdf or .txt)"), validators=[FileRequired(_l("Choose a file."))])


class ConfirmUploadForm(FlaskForm):
    title = StringField(_l("Title of your entry"), validators=[DataRequired(_l("Give your entry a title.")),
                                                                 Length(max=300)])
    declaration = BooleanField(_l("I declare that this entry is my own original work."))
    publish_consent = BooleanField(_l("I agree that my entry may be published if it wins a prize."))


class ReferenceForm(FlaskForm):
    title = StringField(_l("Title of the source"), validators=[DataRequired(_l("Give the source a title.")),
                                                                Length(max=300)])
    body = TextAreaField(_l("Text of the source"), validators=[Optional()])
    file = FileField(_l("Or a file (.docx, .pdf or .txt)"))


class EmptyForm(FlaskForm):
    """CSRF only."""
