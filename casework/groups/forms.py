"""Forms of the group-run pages: a meeting, the attendance sheet, enrolling a case participant."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.groups.models import MeetingPresence
from casework.web.labels import choices


class MeetingForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("Starts at"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Length in minutes"), default=90, validators=[DataRequired(), NumberRange(5, 480)]
    )
    place = StringField(_l("Room (no client data)"), validators=[Optional(), Length(max=120)])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=200)])


class AttendanceSheetForm(FlaskForm):
    """One radio group per participant, added by `attendance_sheet_form`."""


def attendance_sheet_form(rows: Sequence[tuple[str, str, str | None]]) -> AttendanceSheetForm:
    """The sheet for rows of (field name, participant's name, recorded presence)."""

    class Sheet(AttendanceSheetForm):
        pass

    for name, person, presence in rows:
        setattr(
            Sheet,
            name,
            RadioField(
                person, choices=choices(MeetingPresence), default=presence, validate_choice=False
            ),
        )
    return Sheet()


class CaseGroupForm(FlaskForm):
    client = SelectField(_l("Participant"), choices=[])
    run = RadioField(_l("Group run"), choices=[], validators=[DataRequired()])
