"""Sign-in and password forms (shape and parsing only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SignOutForm(FlaskForm):
    """Signing out is a POST; `expired` is "1" when the idle warning's deadline passed."""

    expired = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class PlainForm(FlaskForm):
    """Only the CSRF token: for buttons that POST (revoke, enable, sign...)."""


class AccountEnabledForm(FlaskForm):
    """Enable ("1") or disable ("0") an account."""

    enabled = HiddenField()


class LanguageForm(FlaskForm):
    language = SelectField(_l("Interface language"), choices=[])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])
    #: Empty: the longest lifetime allowed (the service checks the configured maximum).
    expires_in_days = IntegerField(
        _l("Valid for (days)"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    roles = SelectMultipleField(_l("Roles"), choices=[], validators=[DataRequired()])
    team = SelectField(_l("Team"), choices=[])
    language = SelectField(_l("Interface language"), choices=[])
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=10, max=200)]
    )


class NewTeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])


class TwoFactorCodeForm(FlaskForm):
    """The second step: a code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code from the app, or a recovery code"),
        validators=[DataRequired(), Length(max=40)],
    )


class ConfirmSignInForm(FlaskForm):
    """Confirming the sign-in before a sensitive action; `code` only when two-factor is on."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code from the app, or a recovery code"), validators=[Length(max=40)])
