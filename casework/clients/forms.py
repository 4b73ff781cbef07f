"""Client search, intake and consent forms (shape and parsing only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.clients.models import ConsentPurpose, Gender, LegalBasis, MigrationReason
from casework.web.labels import choices


class ClientSearchForm(FlaskForm):
    national_id = StringField(
        _l("National ID number (PESEL)"), validators=[Optional(), Length(max=40)]
    )
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    family_name = StringField(_l("Surname"), validators=[Optional(), Length(max=120)])
    birth_year = IntegerField(
        _l("Year of birth"), validators=[Optional(), NumberRange(min=1900, max=2100)]
    )


class IntakeForm(FlaskForm):
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=120)])
    family_name = StringField(_l("Surname"), validators=[DataRequired(), Length(max=120)])
    gender = SelectField(_l("Gender"), choices=choices(Gender), default=Gender.UNDISCLOSED.value)
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    birth_year = IntegerField(
        _l("Year of birth"), validators=[Optional(), NumberRange(min=1900, max=2100)]
    )
    national_id = StringField(
        _l("National ID number (PESEL)"), validators=[Optional(), Length(max=40)]
    )
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)])
    nationality = StringField(
        _l("Nationality (two-letter country code)"), validators=[Optional(), Length(max=2)]
    )
    languages = StringField(
        _l("Languages (codes, comma-separated)"), validators=[Optional(), Length(max=60)]
    )
    migration_reason = SelectField(
        _l("Migration"), choices=choices(MigrationReason), default=MigrationReason.NOT_MIGRANT.value
    )
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=120)])
    confirm_new = BooleanField(_l("This is a different person: register a new client"))


class ConsentForm(FlaskForm):
    purpose = SelectField(
        _l("Purpose"),
        choices=choices(ConsentPurpose),
        default=ConsentPurpose.SUPPORT_SERVICES.value,
    )
    legal_basis = SelectField(
        _l("Legal basis"), choices=choices(LegalBasis), default=LegalBasis.CONSENT.value
    )
    notice_version = StringField(
        _l("Version of the privacy notice given"),
        validators=[DataRequired(), Length(max=40)],
        default="2026-01",
    )
