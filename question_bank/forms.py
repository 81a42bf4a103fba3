"""Forms of the question bank pages (Flask-WTF, so every POST carries a CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, FieldList, FormField, HiddenField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from contest.formfields import IntegerField

KIND_CHOICES = [("single", _l("One correct answer")), ("multiple", _l("Several correct answers")),
                ("true_false", _l("True / false"))]
STATUS_CHOICES = [("draft", _l("Draft")), ("approved", _l("Approved")), ("retired", _l("Retired"))]
DIFFICULTY_CHOICES = [(0, _l("Not rated")), (1, _l("Easy")), (2, _l("Medium")), (3, _l("Hard"))]
FORMAT_CHOICES = [("", _l("Detect from the file")), ("xlsx", "Excel (.xlsx)"), ("csv", "CSV"),
                  ("gift", "GIFT (Moodle)"), ("aiken", "Aiken")]


class ImportForm(FlaskForm):
    file = FileField(_l("Question file"), validators=[FileRequired(_l("Choose a file to import."))])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="")
    topic_id = SelectField(_l("Put the questions under this topic"), coerce=int, default=0)
    status = SelectField(_l("Status of the imported questions"), default="draft",
                         choices=[("draft", _l("Draft (review before use)")),
                                  ("approved", _l("Approved (ready to be drawn)"))])


class OptionForm(FlaskForm):
    class Meta:
        csrf = False

    text = TextAreaField(_l("Option"), validators=[Optional(), Length(max=2000)])
    is_correct = BooleanField(_l("Correct"))


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Question"), validators=[DataRequired(_l("Write the question.")), Length(max=5000)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default="single")
    options = FieldList(FormField(OptionForm), min_entries=4, max_entries=26, label=_l("Options"))
    truth = SelectField(_l("The statement is"), choices=[("1", "Đúng"), ("0", "Sai")], default="1")
    topic_id = SelectField(_l("Topic"), coerce=int, default=0)
    difficulty = SelectField(_l("Difficulty"), coerce=int, choices=DIFFICULTY_CHOICES, default=0)
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="draft")
    explanation = TextAreaField(_l("Explanation (shown after the round closes)"), validators=[Optional(), Length(max=5000)])
    source_note = TextAreaField(_l("Source"), validators=[Optional(), Length(max=2000)])
    tags = StringField(_l("Tags (separated by commas)"), validators=[Optional(), Length(max=500)])
    title = StringField(_l("Short title (optional)"), validators=[Optional(), Length(max=200)])


class BulkForm(FlaskForm):
    action = SelectField(_l("With the selected questions"), choices=[
        ("approve", _l("Approve")), ("retire", _l("Retire")), ("draft", _l("Back to draft")),
        ("move", _l("Move to topic"))])
    target_topic_id = SelectField(_l("Topic"), coerce=int, default=0)
    next = HiddenField()


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class TopicForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the topic a name.")), Length(max=200)])
    parent_id = SelectField(_l("Parent topic"), coerce=int, default=0)


class EmptyForm(FlaskForm):
    pass
