from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from contest.accounts.rules import MIN_PASSWORD, normalize_username, valid_username
from contest.accounts.service import password_problem, username_exists


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class RegisterForm(FlaskForm):
    """Only what taking part needs: name, username, password, and the unit or its code as the
    registration settings ask (registration.py; the view sets the unit choices)."""
    full_name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your full name.")), Length(min=2, max=200)])
    username = StringField(_l("Username"), validators=[DataRequired(_l("Choose a username."))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD, max=200, message=_l("The password needs at least %(n)s characters.", n=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        EqualTo("password", message=_l("The two passwords are not the same."))])
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    code = StringField(_l("Invitation code of your unit"), validators=[Optional(), Length(max=32)])

    def validate_username(self, field):
        name = normalize_username(field.data)
        if not valid_username(name):
            raise ValidationError(_l("Use 3 to 80 characters: letters a-z without accents, digits, dot, dash or underscore."))
        if username_exists(name):
            raise ValidationError(_l("This username is already taken. Please choose another."))

    def validate_password(self, field):
        if field.errors:  # too short already says what to do
            return
        problem = password_problem(field.data, self.username.data or "", self.full_name.data)
        if problem:
            raise ValidationError(problem)


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD, max=200, message=_l("The password needs at least %(n)s characters.", n=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("new_password", message=_l("The two passwords are not the same."))])


class ProfileForm(FlaskForm):
    """A member's own contact details; the name and the unit are the organizers' (they are what
    rankings and certificates print)."""
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])


# --- members and units (organizer) ------------------------------------------------------------

from flask_wtf.file import FileField, FileRequired  # noqa: E402
from wtforms import BooleanField, HiddenField  # noqa: E402


class MemberImportForm(FlaskForm):
    file = FileField(_l("Excel or CSV file"), validators=[FileRequired(_l("Choose a file to import."))])
    create_units = BooleanField(_l("Create the units the file names that do not exist yet"))


class UnitTreeImportForm(FlaskForm):
    file = FileField(_l("Excel sheet of unit paths"), validators=[FileRequired(_l("Choose a file to import."))])


class MemberEditForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(min=2, max=200)])
    unit_id = SelectField(_l("Unit"), coerce=int)
    role = SelectField(_l("Role"))


class UnitForm(FlaskForm):
    name = StringField(_l("Name of the unit"), validators=[DataRequired(_l("Enter the name.")), Length(max=200)])
    parent_id = SelectField(_l("Under"), coerce=int)


class UnitMoveForm(FlaskForm):
    parent_id = SelectField(_l("Move under"), coerce=int)


class UnitMergeForm(FlaskForm):
    target_id = SelectField(_l("Merge into"), coerce=int)


class ConfirmForm(FlaskForm):
    """A button with CSRF (deactivate, reactivate, reset)."""
    action = HiddenField()


class RegistrationSettingForm(FlaskForm):
    open = BooleanField(_l("Registration open"))
    unit_required = BooleanField(_l("A unit is required"))
    code_required = BooleanField(_l("Invitation code required"))
    approval_required = BooleanField(_l("An organizer approves each registration"))
