"""The care API refuses a versioned change that does not say which version it is based on."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from casework.auth.services import create_api_token
from casework.care.models import NoteKind
from casework.care.services import enrolments, notes
from casework.db import db
from tests.factories import staff


@pytest.fixture
def care_objects(app: Flask, team: dict[str, Any], couple_in_care, appointment_of) -> dict:
    """Bearer headers of the manager and therapist, and ids of an enrolment, an appointment
    and a draft note of theirs (committed)."""
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="Draft.")
        enrolment = enrolments.enrolments_of_case(couple.manager, couple.case.id)[0]
        objects = {
            "manager": {"Authorization": "Bearer " + create_api_token(couple.manager, name="t")[1]},
            "therapist": {"Authorization": "Bearer " + create_api_token(therapist, name="t")[1]},
            "enrolment": str(enrolment.id),
            "appointment": str(appointment.id),
            "note": str(note.id),
        }
        db.session.commit()
        return objects


@pytest.mark.parametrize(
    ("who", "method", "path", "body"),
    [
        ("manager", "post", "/api/v1/enrolments/{enrolment}/end", {"status": "completed"}),
        (
            "therapist",
            "post",
            "/api/v1/appointments/{appointment}/attendance",
            {"attendance": "cancelled_by_client"},
        ),
        ("therapist", "patch", "/api/v1/notes/{note}", {"body": "Changed."}),
        ("therapist", "post", "/api/v1/notes/{note}/signature", {}),
    ],
)
def test_a_versioned_change_without_its_version_is_refused(
    app: Flask, care_objects: dict, who: str, method: str, path: str, body: dict
) -> None:
    api = app.test_client()
    url = path.format(**care_objects)
    response = getattr(api, method)(url, json=body, headers=care_objects[who])
    assert response.status_code == 422, response.json
    assert "version" in response.json["errors"]["json"]
    with_version = getattr(api, method)(url, json={**body, "version": 1}, headers=care_objects[who])
    assert with_version.status_code == 200, with_version.json
