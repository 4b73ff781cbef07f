"""Forms of enrolment, appointments (one or weekly, rescheduling, cancelling), attendance and
session notes."""

from __future__ import annotations

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
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.care.services.appointments import CANCELLATIONS, MAX_WEEKS
from casework.web.forms import LongSelect, VersionedForm
from casework.web.labels import choices


class EnrolForm(FlaskForm):
    client = SelectField(_l("Participant"), choices=[])
    service = SelectField(_l("Service"), choices=[])
    practitioner = SelectField(_l("Therapist or counsellor"), choices=[], widget=LongSelect())


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
    weeks = IntegerField(
        _l("Weekly: how many appointments"),
        default=1,
        validators=[Optional(), NumberRange(1, MAX_WEEKS)],
    )


class RescheduleForm(VersionedForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("Starts at"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Length in minutes"), default=50, validators=[DataRequired(), NumberRange(5, 480)]
    )
    place = StringField(_l("Room (no client data)"), validators=[Optional(), Length(max=120)])


class CancelForm(VersionedForm):
    cancelled = SelectField(
        _l("Cancelled by"),
        choices=[choice for choice in choices(Attendance) if choice.value in CANCELLATIONS],
    )
    with_later_in_series = BooleanField(_l("Also the later appointments of this weekly series"))
    #: The agenda week to return to.
    week = IntegerField(widget=HiddenInput(), validators=[Optional()])


class CalendarFeedForm(FlaskForm):
    """Creating or revoking one's calendar address: nothing to fill in but the token."""


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
