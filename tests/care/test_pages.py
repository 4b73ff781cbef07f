"""What the care pages are built from: bounded, policy-checked, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.care import pages
from casework.care.models import Appointment, AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.cases.models import Case
from casework.db import db, utcnow
from casework.errors import NotFound
from tests.factories import make_case, staff


def _audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def _enrolled_appointment(manager: User, therapist: User, case: Case) -> Appointment:
    enrolment = enrolments.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    start = utcnow() - timedelta(hours=1)
    return appointments.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        mode=AppointmentMode.IN_PERSON,
    )


def test_drafts_my_clients_and_the_appointments_of_a_case(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager)
        appointment = _enrolled_appointment(manager, therapist, case)
        notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="draft")
        assert len(notes.drafts_to_finish(therapist)) == 1
        assert notes.drafts_to_finish(manager) == []
        before = _audited("client.read")
        rows = pages.my_clients(therapist).rows
        assert [who.clients[0].id for _, who in rows] == [case.client_ids[0]]
        assert _audited("client.read") == before + 1
        assert [a.id for a in appointments.appointments_of_case(manager, case.id)] == [
            appointment.id
        ]
        with pytest.raises(NotFound):
            appointments.appointments_of_case(staff(team, "therapist2"), case.id)
        assert notes.notes_of_appointment(manager, appointment.id) == []  # a draft is its author's


def test_the_appointment_page_shows_the_notes_one_may_read(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        appointment = _enrolled_appointment(manager, therapist, make_case(manager))
        draft = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="x")
        own = pages.appointment_page(therapist, appointment.id)
        assert own.is_practitioner and [n.id for n in own.notes] == [draft.id]
        managed = pages.appointment_page(manager, appointment.id)
        assert not managed.is_practitioner and managed.notes == []
        with pytest.raises(NotFound, match="no such appointment"):
            pages.appointment_page(staff(team, "therapist2"), appointment.id)


def test_the_agenda_week_starts_at_the_centres_midnight_and_stays_within_ten_years(
    app: Flask, team
) -> None:
    with app.test_request_context():
        therapist = staff(team, "therapist")
        this_week = pages.agenda_week(therapist, weeks=0)
        assert (this_week.start.hour, this_week.start.minute) == (0, 0)
        assert str(this_week.start.tzinfo) == app.config["BABEL_DEFAULT_TIMEZONE"]
        assert pages.agenda_week(therapist, weeks=10_000).weeks == pages.AGENDA_REACH
        assert pages.agenda_week(therapist, weeks=-10_000).weeks == -pages.AGENDA_REACH
