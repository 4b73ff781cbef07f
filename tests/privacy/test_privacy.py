"""GDPR requests: the export of everything held about a client, and erasure by crypto-shredding."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import User
from casework.care.models import Appointment, AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.cases.models import Case, CaseKind
from casework.clients.models import Client
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden
from casework.privacy import services as privacy
from tests.factories import make_case, staff
from tests.pages import csrf_token, sign_in


def _in_counselling(team, case: Case, client_id: uuid.UUID) -> Appointment:
    """An appointment starting now with the team's therapist, in the client's counselling."""
    manager, therapist = staff(team, "manager"), staff(team, "therapist")
    enrolment = enrolments.enrol(
        manager,
        case.id,
        client_id=client_id,
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    return appointments.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(hours=1),
        mode=AppointmentMode.REMOTE,
    )


def _signed_note(therapist: User, appointment: Appointment, kind: NoteKind, body: str) -> None:
    note = notes.write_note(therapist, appointment.id, kind=kind, body=body)
    notes.sign_note(therapist, note.id, expected_version=note.version)


def test_erasure_shreds_one_client_and_keeps_statistics(app: Flask, team) -> None:
    with app.app_context():
        manager, supervisor = staff(team, "manager"), staff(team, "supervisor")
        case = make_case(manager, kind=CaseKind.COUPLE)
        erased_id, kept_id = case.client_ids
        with pytest.raises(Forbidden):
            privacy.erase_client(manager, erased_id, reason="request")
        exported = privacy.export_client(supervisor, erased_id, reason="subject access request")
        assert (
            exported["client"]["family_name"]
            and exported["cases"][0]["reference"] == case.reference
        )
        privacy.erase_client(supervisor, erased_id, reason="GDPR art. 17 request")
        db.session.commit()
    with app.app_context():
        erased, kept = db.session.get(Client, erased_id), db.session.get(Client, kept_id)
        assert erased.family_name is None and erased.is_erased and erased.birth_year == 1988
        assert kept.family_name is not None


def test_an_administrators_export_holds_no_clinical_content(app: Flask, team) -> None:
    with app.app_context():
        case = make_case(staff(team, "manager"), kind=CaseKind.COUPLE)
        first = case.client_ids[0]
        appointment = _in_counselling(team, case, first)
        therapist = staff(team, "therapist")
        _signed_note(therapist, appointment, NoteKind.PROGRESS, "Progress text.")
        _signed_note(therapist, appointment, NoteKind.PRIVATE, "Private text.")
        by_admin = privacy.export_client(
            staff(team, "admin"), first, reason="subject access request"
        )
        assert by_admin["client"]["family_name"] and by_admin["session_notes"] == []
        assert by_admin["assessments"] == []
        by_supervisor = privacy.export_client(staff(team, "supervisor"), first, reason="request")
        assert [n["body"] for n in by_supervisor["session_notes"]] == ["Progress text."]


def test_nothing_new_is_stored_about_an_erased_client(app: Flask, team) -> None:
    with app.app_context():
        case = make_case(staff(team, "manager"), kind=CaseKind.COUPLE)
        first = case.client_ids[0]
        appointment = _in_counselling(team, case, first)
        privacy.erase_client(staff(team, "supervisor"), first, reason="GDPR art. 17 request")
        with pytest.raises(Conflict, match="was erased"):
            notes.write_note(
                staff(team, "therapist"),
                appointment.id,
                kind=NoteKind.PROGRESS,
                body="After erasure",
            )


def test_the_api_exports_and_erases_at_the_clients_address_and_wants_a_reason(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        client_id = make_case(staff(team, "manager")).client_ids[0]
        db.session.commit()
    # A browser session just signed in (fresh); tokens are refused (tests/auth/test_fresh_sign_in).
    assert sign_in(client, team_emails["supervisor"]).status_code == 302
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    for action in ("export", "erasure"):
        url = f"/api/v1/clients/{client_id}/{action}"
        assert client.post(url, json={}, headers=headers).status_code == 422
    exported = client.post(
        f"/api/v1/clients/{client_id}/export", json={"reason": "access request"}, headers=headers
    )
    assert exported.status_code == 200 and exported.get_json()["data"]["client"]["family_name"]
    erased = client.post(
        f"/api/v1/clients/{client_id}/erasure", json={"reason": "art. 17"}, headers=headers
    )
    assert erased.status_code == 200 and erased.get_json()["is_erased"] is True
