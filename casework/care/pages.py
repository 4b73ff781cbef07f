"""What the care pages show: the agenda's week, my clients, an appointment, a note."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import Appointment, Enrolment, SessionNote
from casework.care.services import appointments, notes
from casework.care.services.enrolments import OPEN_STATUSES
from casework.clients.models import Client
from casework.clock import centre_midnight
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db

#: How far the agenda pages back or forward, in weeks.
AGENDA_REACH = 520


@dataclass
class AgendaWeek:
    start: datetime
    weeks: int
    appointments: list[Appointment]


def agenda_week(user: User, *, weeks: int) -> AgendaWeek:
    """The user's appointments in the seven days from today's midnight in the centre, moved by
    `weeks` weeks."""
    weeks = max(-AGENDA_REACH, min(AGENDA_REACH, weeks))
    start = centre_midnight() + timedelta(weeks=weeks)
    page = appointments.agenda(
        user, starts_from=start, starts_before=start + timedelta(days=7), limit=200
    )
    return AgendaWeek(start=start, weeks=weeks, appointments=page.items)


def my_clients(user: User, *, limit: int = 200) -> list[tuple[Enrolment, Client]]:
    """A practitioner's running enrolments with their clients, whose names are read (audited)."""
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.practitioner_id == user.id, Enrolment.status.in_(OPEN_STATUSES))
            .order_by(Enrolment.started_at)
            .limit(limit)
        )
    )
    data_keys().preload(client_owner(enrolment.client_id) for enrolment in enrolments)
    audit.record_many(
        "client.read",
        actor=user,
        object_type=Client.__audit_type__,
        objects=[audit.Read(e.client_id, e.client_id) for e in enrolments],
        fields=["given_name", "family_name"],
    )
    clients = {
        client.id: client
        for client in db.session.scalars(
            select(Client).where(Client.id.in_({e.client_id for e in enrolments}))
        )
    }
    return [(enrolment, clients[enrolment.client_id]) for enrolment in enrolments]


@dataclass
class AppointmentPage:
    appointment: Appointment
    notes: list[SessionNote]
    #: The appointment's practitioner writes its notes.
    is_practitioner: bool


def appointment_page(user: User, appointment_id: uuid.UUID) -> AppointmentPage:
    """An appointment the user may see, with the notes of it they may read (reads audited)."""
    appointment, _case = appointments.require_appointment(user, appointment_id)
    return AppointmentPage(
        appointment=appointment,
        notes=notes.notes_of_appointment(user, appointment_id),
        is_practitioner=appointment.practitioner_id == user.id,
    )


@dataclass
class NotePage:
    note: SessionNote
    #: Only the author edits, signs and amends.
    is_author: bool


def note_page(user: User, note_id: uuid.UUID) -> NotePage:
    """A note the user may read (the read is audited)."""
    note = notes.read_note(user, note_id)
    return NotePage(note=note, is_author=note.author_id == user.id)
