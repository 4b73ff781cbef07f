"""Rotating a client's data key while addenda are being written, on PostgreSQL with real row locks.

Threads cannot share the per-test rolled-back transaction, so this module migrates a throwaway
database of its own and every thread commits through its own connection.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import select

from casework.auth.models import User
from casework.care.models import AppointmentMode, Attendance, NoteAddendum, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.catalogue.services import sync_catalogue
from casework.crypto.models import DataKeyRecord
from casework.db import db, utcnow
from casework.keyadmin import services as keyadmin
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.factories import make_case, make_team, staff

WRITERS = 4
ADDENDA_EACH = 5
ROTATIONS = 4


@pytest.fixture
def own_app(fresh_database_url: str) -> Iterator[Flask]:
    app = make_test_app(fresh_database_url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        sync_catalogue()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _signed_note(app: Flask) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A signed progress note of a therapist's client: (therapist id, client id, note id)."""
    team = make_team(app)
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager)
        client_id = case.client_ids[0]
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=client_id,
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() - timedelta(hours=1),
            mode=AppointmentMode.IN_PERSON,
        )
        appointments.record_attendance(
            therapist,
            appointment.id,
            attendance=Attendance.ATTENDED,
            expected_version=appointment.version,
        )
        note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="Start.")
        notes.sign_note(therapist, note.id, expected_version=note.version)
        db.session.commit()
        return therapist.id, client_id, note.id


@pytest.mark.postgres_only
def test_rotating_a_clients_key_while_addenda_are_written_loses_none_of_them(
    own_app: Flask,
) -> None:
    therapist_id, client_id, note_id = _signed_note(own_app)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            for number in range(ADDENDA_EACH):
                with own_app.app_context():
                    therapist = db.session.get(User, therapist_id)
                    notes.add_addendum(therapist, note_id, body=f"addendum {writer}-{number}")
                    # Sealed and flushed; a rotation now runs while this is still uncommitted.
                    time.sleep(0.15)
                    db.session.commit()
                time.sleep(0.05 * writer)  # writers drift apart, leaving rotation some gaps
        except BaseException as error:  # reported below, with the thread's failure
            errors.append(error)

    def rotate() -> None:
        try:
            for _ in range(ROTATIONS):
                time.sleep(0.1)
                with own_app.app_context():
                    keyadmin.rotate_client_key(client_id)
                    db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    rotator = threading.Thread(target=rotate)
    for thread in [*threads, rotator]:
        thread.start()
    for thread in [*threads, rotator]:
        thread.join(timeout=120)
    assert errors == []

    with own_app.app_context():
        versions = db.session.scalars(
            select(DataKeyRecord.version).where(DataKeyRecord.owner_id == f"client:{client_id}")
        ).all()
        assert sorted(versions) == list(range(1, ROTATIONS + 2))
        bodies = [
            addendum.body
            for addendum in db.session.scalars(
                select(NoteAddendum).where(NoteAddendum.note_id == note_id)
            )
        ]
    expected = {f"addendum {w}-{n}" for w in range(WRITERS) for n in range(ADDENDA_EACH)}
    assert sorted(bodies, key=str) == sorted(expected)
