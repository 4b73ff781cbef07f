"""Forms of the group-run pages: a meeting, the attendance sheet, enrolling a case participant,
and withdrawing someone from a run."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.care.models import Attendance
from casework.clients.names import client_display_name
from casework.clock import centre_zone
from casework.groups.models import MeetingPresence
from casework.groups.pages import CaseGroupOptions
from casework.groups.services.meetings import Presence, SheetRow
from casework.web.forms import VersionedForm
from casework.web.labels import choices


class MeetingForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("Starts at"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Length in minutes"), default=90, validators=[DataRequired(), NumberRange(5, 480)]
    )
    place = StringField(_l("Room (no client data)"), validators=[Optional(), Length(max=120)])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=200)])

    def starts_at(self) -> datetime:
        """The start, on the centre's clock."""
        return datetime.combine(self.day.data, self.starts.data, tzinfo=centre_zone())

    def ends_at(self) -> datetime:
        return self.starts_at() + timedelta(minutes=self.minutes.data or 90)


class AttendanceSheetForm(FlaskForm):
    """One radio group per participant, named after the enrolment; see `attendance_sheet_form`."""

    #: The names of the participants' fields, in the sheet's order.
    row_names: Sequence[str] = ()

    def presences(self) -> list[Presence]:
        """The marks made on the sheet; a participant left unmarked is left out."""
        values = {p.value for p in MeetingPresence}
        return [
            Presence(uuid.UUID(name.removeprefix("p-")), MeetingPresence(self[name].data))
            for name in self.row_names
            if self[name].data in values
        ]


def attendance_sheet_form(rows: Sequence[SheetRow]) -> AttendanceSheetForm:
    """The sheet with a radio group per row, showing the presence recorded so far."""

    class Sheet(AttendanceSheetForm):
        row_names = [f"p-{row.enrolment.id}" for row in rows]

    for name, row in zip(Sheet.row_names, rows, strict=True):
        setattr(
            Sheet,
            name,
            RadioField(
                client_display_name(row.client),
                choices=choices(MeetingPresence),
                default=row.presence.value if row.presence else None,
                validate_choice=False,
            ),
        )
    return Sheet()


class CaseGroupForm(FlaskForm):
    client = SelectField(_l("Participant"), choices=[])
    run = RadioField(_l("Group run"), choices=[], validators=[DataRequired()])

    @classmethod
    def offering(cls, options: CaseGroupOptions) -> CaseGroupForm:
        """The form with the case's participants and the current runs to choose from."""
        form = cls()
        form.client.choices = [(str(client_id), name) for client_id, name in options.participants]
        form.run.choices = [(str(figures.run.id), figures.run.name) for figures in options.runs]
        return form

    @property
    def client_id(self) -> uuid.UUID:
        return uuid.UUID(self.client.data)

    @property
    def run_id(self) -> uuid.UUID:
        return uuid.UUID(self.run.data)


class WithdrawForm(VersionedForm):
    """The withdraw or complete button: the version of the enrolment the page showed."""


class EnrolPersonForm(FlaskForm):
    """Enrol a person directly in a club or course run (no case)."""

    person = SelectField(_l("Person"), choices=[], validators=[DataRequired()])

    @classmethod
    def offering(cls, people: Sequence[tuple[uuid.UUID, str]]) -> EnrolPersonForm:
        form = cls(prefix="enrol")
        form.person.choices = [("", _l("Choose a person")), *((str(i), n) for i, n in people)]
        return form

    @property
    def client_id(self) -> uuid.UUID:
        return uuid.UUID(self.person.data)


class MentoringForm(MeetingForm):
    """A mentoring session of a cohort member: who, with which mentor, when."""

    member = SelectField(_l("Member"), choices=[], validators=[DataRequired()])
    mentor = SelectField(_l("Mentor"), choices=[], validators=[DataRequired()])
    place = None  # type: ignore[assignment]
    topic = None  # type: ignore[assignment]
    minutes = IntegerField(
        _l("Length in minutes"), default=60, validators=[DataRequired(), NumberRange(5, 480)]
    )

    @classmethod
    def offering(
        cls,
        members: Sequence[tuple[uuid.UUID, str]],
        mentors: Sequence[tuple[uuid.UUID, str]],
    ) -> MentoringForm:
        form = cls(prefix="mentoring")
        form.member.choices = [("", _l("Choose a member")), *((str(i), n) for i, n in members)]
        form.mentor.choices = [("", _l("Choose a mentor")), *((str(i), n) for i, n in mentors)]
        return form

    @property
    def enrolment_id(self) -> uuid.UUID:
        return uuid.UUID(self.member.data)

    @property
    def mentor_id(self) -> uuid.UUID:
        return uuid.UUID(self.mentor.data)


class MentoringAttendanceForm(VersionedForm):
    """Whether the member came to a mentoring session (one small form per row)."""

    attendance = SelectField(_l("Attendance"), choices=choices(Attendance))
