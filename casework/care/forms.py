"""Forms of enrolment, appointments, attendance and session notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.web.labels import choices


class EnrolForm(FlaskForm):
    client = SelectField(_l("Participant"), choices=[])
    service = SelectField(_l("Service"), choices=[])
    practitioner = SelectField(_l("Therapist or counsellor"), choices=[])


class AppointmentForm(FlaskForm):
    enrolment = SelectField(_l("Enrolment"), choices=[])
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("Starts at"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Length in minutes"), default=50, validators=[DataRequired(), NumberRange(5, 480)]
    )
    mode = SelectField(_l("Mode"), choices=choices(AppointmentMode))
    place = StringField(_l("Room (no client data)"), validators=[Optional(), Length(max=120)])
    is_joint = BooleanField(_l("Joint session (several participants)"))


class VersionedForm(FlaskForm):
    """A change to a versioned record: the page sends back the version it showed (required)."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[
            InputRequired(message=_l("This page is out of date; reload it and try again."))
        ],
    )

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Also list the hidden version's problem above the form, where it can be seen."""
        valid = super().validate(extra_validators)
        self.form_errors.extend(str(problem) for problem in self.version.errors)
        return valid


class AttendanceForm(VersionedForm):
    attendance = SelectField(_l("Attendance"), choices=choices(Attendance))


class NoteForm(FlaskForm):
    kind = RadioField(
        _l("Kind of note"), choices=choices(NoteKind), default=NoteKind.PROGRESS.value
    )
    is_individual = BooleanField(
        _l("Individual disclosure (never shown in the joint view of the case)")
    )
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20000)])


class NoteActionForm(FlaskForm):
    """Which button of the note page was pressed: "save", "sign" or "addendum"."""

    class Meta:
        csrf = False  # it only routes the request; the form it names checks the token

    action = StringField()


class DraftForm(VersionedForm):
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20000)])


class AddendumForm(FlaskForm):
    body = TextAreaField(_l("Addendum"), validators=[DataRequired(), Length(max=20000)])
