"""What the care pages show: the agenda's week, my clients, an appointment, a note, and the
iCalendar feed; every list says who and what (names read in one audited batch per list)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework import policy
from casework.auth.models import User
from casework.care.models import Appointment, Attendance, CalendarFeed, Enrolment, SessionNote
from casework.care.services import appointments, calendar, notes
from casework.care.services.enrolments import OPEN_STATUSES
from casework.care.services.worklists import Subject, WhoAndWhat, who_and_what
from casework.clock import centre_midnight, centre_zone
from casework.pagination import paginate

#: The label of each risk level code, from the most serious; lists never show the code.
LEVEL_LABELS: dict[str, object] = {
    "very_high": _l("Very high"),
    "high": _l("High"),
    "moderate": _l("Moderate"),
    "low": _l("Low"),
}


def level_names() -> dict[str, str]:
    """LEVEL_LABELS in the page's language, translated once for the many rows of a list."""
    return {code: str(text) for code, text in LEVEL_LABELS.items()}


#: How far the agenda pages back or forward, in weeks.
AGENDA_REACH = 520
#: The most appointments a week of the agenda shows.
AGENDA_LIMIT = 200


@dataclass(frozen=True)
class AppointmentRow:
    appointment: Appointment
    who: WhoAndWhat

    @property
    def may_change(self) -> bool:
        """Still to take place or be recorded: it can be moved or cancelled."""
        return self.appointment.attendance == Attendance.SCHEDULED


def appointment_subject(appointment: Appointment) -> Subject:
    """An appointment is about its enrolled client (a joint session: the case's participants),
    in its enrolment's service."""
    return Subject(
        case_id=appointment.case_id,
        client_ids=None if appointment.is_joint else [appointment.enrolment.client_id],
        service_codes=[appointment.enrolment.service_code],
    )


def appointment_rows(user: User, items: list[Appointment]) -> list[AppointmentRow]:
    """Appointments with who and what each is about (one audited read of the names)."""
    found = who_and_what(user, [appointment_subject(a) for a in items])
    return [AppointmentRow(a, who) for a, who in zip(items, found, strict=True)]


@dataclass
class AgendaWeek:
    start: datetime
    weeks: int
    rows: list[AppointmentRow]
    #: The week holds more than AGENDA_LIMIT appointments; the first are shown.
    is_cut: bool = False


def agenda_week(user: User, *, weeks: int) -> AgendaWeek:
    """The user's appointments in the seven days from today's midnight in the centre, moved by
    `weeks` weeks, each with whom and what it is about."""
    weeks = max(-AGENDA_REACH, min(AGENDA_REACH, weeks))
    start = centre_midnight() + timedelta(weeks=weeks)
    page = appointments.agenda(
        user, starts_from=start, starts_before=start + timedelta(days=7), limit=AGENDA_LIMIT
    )
    return AgendaWeek(
        start=start,
        weeks=weeks,
        rows=appointment_rows(user, page.items),
        is_cut=page.next_cursor is not None,
    )


@dataclass
class MyClients:
    rows: list[tuple[Enrolment, WhoAndWhat]]
    #: Where the next page starts (None: this is the last).
    next_cursor: str | None


#: How many running enrolments a page of "my clients" shows.
MY_CLIENTS_PAGE = 50


def my_clients(user: User, *, cursor: str | None = None) -> MyClients:
    """A page of a practitioner's running enrolments, the longest running first, each with its
    client, case and level (one audited read of the names)."""
    page = paginate(
        select(Enrolment).where(
            Enrolment.practitioner_id == user.id, Enrolment.status.in_(OPEN_STATUSES)
        ),
        [Enrolment.started_at, Enrolment.id],
        cursor=cursor,
        limit=MY_CLIENTS_PAGE,
        descending=False,
    )
    found = who_and_what(
        user,
        [
            Subject(e.case_id, client_ids=[e.client_id], service_codes=[e.service_code])
            for e in page.items
        ],
    )
    return MyClients(list(zip(page.items, found, strict=True)), page.next_cursor)


@dataclass
class AppointmentPage:
    appointment: Appointment
    who: WhoAndWhat
    notes: list[SessionNote]
    #: The appointment's practitioner writes its notes.
    is_practitioner: bool

    @property
    def local_start(self) -> datetime:
        return self.appointment.starts_at.astimezone(centre_zone())

    @property
    def minutes(self) -> int:
        return int((self.appointment.ends_at - self.appointment.starts_at).total_seconds() // 60)


def week_of(appointment: Appointment) -> int:
    """Which agenda week (0: the seven days from today) shows the appointment."""
    return (appointment.starts_at - centre_midnight()).days // 7


def appointment_page(user: User, appointment_id: uuid.UUID) -> AppointmentPage:
    """An appointment the user may see, whom and what it is about, and the notes of it they
    may read (reads audited)."""
    appointment, _case = appointments.require_appointment(user, appointment_id)
    (who,) = who_and_what(user, [appointment_subject(appointment)])
    return AppointmentPage(
        appointment=appointment,
        who=who,
        notes=notes.notes_of_appointment(user, appointment_id),
        is_practitioner=appointment.practitioner_id == user.id,
    )


def calendar_page(user: User) -> CalendarFeed | None:
    """The user's working calendar feed, if any (its secret is never shown again)."""
    return calendar.current_feed(user)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """RFC 5545 lines are at most 75 octets; longer ones continue after a space."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def calendar_feed(secret: str) -> str:
    """The iCalendar text of a feed: time, place and case reference of each appointment."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//casework//agenda//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in calendar.read_feed(secret):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_ics_time(event.changed_at)}",
            f"DTSTART:{_ics_time(event.starts_at)}",
            f"DTEND:{_ics_time(event.ends_at)}",
            f"SUMMARY:{_ics_text(event.reference or '—')}",
        ]
        if event.place:
            lines.append(f"LOCATION:{_ics_text(event.place)}")
        lines.append(f"STATUS:{'CANCELLED' if event.is_cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))


@dataclass
class NotePage:
    note: SessionNote
    #: Only the author edits, signs and amends.
    is_author: bool


def note_page(user: User, note_id: uuid.UUID) -> NotePage:
    """A note the user may read (the read is audited)."""
    note = notes.read_note(user, note_id)
    return NotePage(note=note, is_author=policy.may_change_note(user, note))
