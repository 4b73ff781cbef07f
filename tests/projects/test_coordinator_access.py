"""A coordinator sees the centre's figures, never a client, a case, answers or a note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework import policy
from casework.auth.models import Role, User
from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.care.services import appointments as care_appointments
from casework.care.services import enrolments as care_enrolments
from casework.care.services import notes as care_notes
from casework.db import db, utcnow
from casework.errors import Forbidden
from tests.factories import make_case, make_team, make_user, staff
from tests.pages import sign_in


@pytest.fixture
def clinical_record(app: Flask) -> dict:
    """A case with a client, an attended appointment and a signed note; ids only."""
    ids = make_team(app)
    with app.app_context():
        manager, therapist = staff(ids, "manager"), staff(ids, "therapist")
        case = make_case(manager)
        client_id = case.client_ids[0]
        enrolment = care_enrolments.enrol(
            manager,
            case.id,
            client_id=client_id,
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        appointment = care_appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() - timedelta(hours=1),
            mode=AppointmentMode.IN_PERSON,
        )
        care_appointments.record_attendance(
            therapist,
            appointment.id,
            attendance=Attendance.ATTENDED,
            expected_version=appointment.version,
        )
        note = care_notes.write_note(
            therapist, appointment.id, kind=NoteKind.PROGRESS, body="Notes."
        )
        coordinator = make_user(roles=(Role.COORDINATOR,))
        db.session.commit()
        return {
            "case": case.id,
            "client": client_id,
            "note": note.id,
            "coordinator": coordinator.email,
            **ids,
        }


def test_a_coordinator_gets_404_on_a_case_a_client_and_a_note(
    client: FlaskClient, clinical_record: dict
) -> None:
    sign_in(client, clinical_record["coordinator"])
    for path in (
        f"/api/v1/cases/{clinical_record['case']}",
        f"/api/v1/clients/{clinical_record['client']}",
        f"/api/v1/notes/{clinical_record['note']}",
        f"/api/v1/cases/{clinical_record['case']}/notes",
        f"/cases/{clinical_record['case']}",
    ):
        assert client.get(path).status_code == 404, path


def test_a_coordinator_has_no_clinical_visibility_and_cannot_break_the_glass(
    app: Flask, clinical_record: dict
) -> None:
    with app.app_context():
        coordinator = db.session.scalar(
            db.session.query(User).filter_by(email=clinical_record["coordinator"]).statement
        )
        assert not policy.may_break_glass(coordinator)
        assert not policy.may_see_group_runs(coordinator)
        assert str(policy.visible_cases(coordinator)) == str(policy.false())
        assert str(policy.visible_consultations(coordinator)) == str(policy.false())


def test_report_scope_is_the_whole_centre_for_a_coordinator_and_the_team_for_a_supervisor(
    app: Flask, clinical_record: dict
) -> None:
    with app.app_context():
        coordinator = make_user(roles=(Role.COORDINATOR,))
        supervisor = staff(clinical_record, "supervisor")
        assert policy.report_scope(coordinator) is None
        assert policy.report_scope(supervisor) == [supervisor.team_id]
        for name in ("manager", "therapist", "consultant", "admin"):
            with pytest.raises(Forbidden):
                policy.report_scope(staff(clinical_record, name))
