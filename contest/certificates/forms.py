"""The certificates' forms (CSRF by Flask-WTF)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from contest.certificates.rules import MAX_TEMPLATE_CHARS


class SettingsForm(FlaskForm):
    signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])
    signer_title = StringField(_l("Signer's title"), validators=[Optional(), Length(max=200)])
    template = TextAreaField(_l("Certificate template (HTML)"),
                             validators=[Optional(), Length(max=MAX_TEMPLATE_CHARS)])
    image = FileField(_l("Signature or seal image (PNG or JPEG, at most 1 MB)"))
    remove_image = BooleanField(_l("Remove the image"))


class IssueForm(FlaskForm):
    scope = HiddenField(validators=[DataRequired(), AnyOf(["winners", "all"])])


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Say why the certificate is revoked.")),
                                                   Length(max=1000)])
