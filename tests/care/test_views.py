"""The care pages through Flask's test client: a change needs the version the page showed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, User
from casework.care.models import Appointment, Attendance, NoteKind, NoteState, SessionNote
from casework.care.services import notes
from casework.db import db
from tests.factories import staff
from tests.pages import csrf_token, sign_in

STALE_PAGE = "This page is out of date; reload it and try again."


@pytest.fixture
def therapists_appointment(
    app: Flask, team: dict[str, Any], couple_in_care, appointment_of
) -> Callable[[], tuple[uuid.UUID, uuid.UUID]]:
    """Make an appointment of "therapist" with a draft note; returns their ids (committed)."""

    def make() -> tuple[uuid.UUID, uuid.UUID]:
        with app.app_context():
            couple = couple_in_care()
            therapist = staff(team, "therapist")
            appointment = appointment_of(couple, couple.first, therapist)
            note = notes.write_note(
                therapist, appointment.id, kind=NoteKind.PROGRESS, body="The draft."
            )
            db.session.commit()
            return appointment.id, note.id

    return make


def _signed_in_as_therapist(app: Flask, client: FlaskClient, team: dict[str, Any]) -> None:
    """Sign the test client in as the team's therapist, whose pages are in English."""
    with app.app_context():
        user: User = staff(team, "therapist")
        user.preferred_language = Language.EN
        email = user.email
        db.session.commit()
    assert sign_in(client, email).status_code == 302


def test_attendance_is_recorded_from_the_version_on_the_page(
    app: Flask, client: FlaskClient, team, therapists_appointment
) -> None:
    appointment_id, _ = therapists_appointment()
    _signed_in_as_therapist(app, client, team)
    path = f"/appointments/{appointment_id}"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version and version.group(1) == "1"
    response = client.post(
        f"{path}/attendance",
        data={
            "attendance": "cancelled_by_client",
            "version": version.group(1),
            "csrf_token": csrf_token(client, path),
        },
        follow_redirects=True,
    )
    assert "The attendance is recorded." in response.get_data(as_text=True)


def test_attendance_without_the_version_is_refused(
    app: Flask, client: FlaskClient, team, therapists_appointment
) -> None:
    appointment_id, _ = therapists_appointment()
    _signed_in_as_therapist(app, client, team)
    path = f"/appointments/{appointment_id}"
    response = client.post(
        f"{path}/attendance",
        data={"attendance": "cancelled_by_client", "csrf_token": csrf_token(client, path)},
        follow_redirects=True,
    )
    assert STALE_PAGE in response.get_data(as_text=True)
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment is not None and appointment.attendance == Attendance.SCHEDULED


def test_a_note_is_not_signed_without_the_version(
    app: Flask, client: FlaskClient, team, therapists_appointment
) -> None:
    _, note_id = therapists_appointment()
    _signed_in_as_therapist(app, client, team)
    path = f"/notes/{note_id}"
    response = client.post(
        path,
        data={"action": "sign", "body": "The draft.", "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 200 and STALE_PAGE in response.get_data(as_text=True)
    with app.app_context():
        note = db.session.get(SessionNote, note_id)
        assert note is not None and note.state == NoteState.DRAFT


def test_a_note_changed_since_the_page_was_shown_is_not_signed(
    app: Flask, client: FlaskClient, team, therapists_appointment
) -> None:
    _, note_id = therapists_appointment()
    _signed_in_as_therapist(app, client, team)
    path = f"/notes/{note_id}"
    response = client.post(
        path,
        data={
            "action": "sign",
            "version": "7",
            "body": "Other text.",
            "csrf_token": csrf_token(client, path),
        },
        follow_redirects=True,
    )
    assert "changed by someone else" in response.get_data(as_text=True)
    with app.app_context():
        note = db.session.get(SessionNote, note_id)
        assert note is not None and note.state == NoteState.DRAFT and note.body == "The draft."


def test_saving_a_draft_keeps_the_page_version_for_the_next_save(
    app: Flask, client: FlaskClient, team, therapists_appointment
) -> None:
    _, note_id = therapists_appointment()
    _signed_in_as_therapist(app, client, team)
    path = f"/notes/{note_id}"
    saved = client.post(
        path,
        data={
            "action": "save",
            "version": "1",
            "body": "Second text.",
            "csrf_token": csrf_token(client, path),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The draft note is saved." in saved and "Second text." in saved
    assert re.search(r'name="version" type="hidden" value="2"', saved)
