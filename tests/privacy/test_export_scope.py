"""Who may export what (issue 16, finding 1; `policy.gdpr`): clinical content in a GDPR export
comes only from the cases the exporter is assigned to, whatever other roles they hold."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from casework.auth.models import Role, User
from casework.care.models import AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.cases.models import Case
from casework.clients.models import Client
from casework.db import db, utcnow
from casework.errors import NotFound
from casework.privacy import services as privacy
from tests.factories import CALM, make_assessment, make_case, make_team, make_user, staff


def _signed_note(manager: User, therapist: User, case: Case, body: str) -> None:
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
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(hours=1),
        mode=AppointmentMode.REMOTE,
    )
    note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body=body)
    notes.sign_note(therapist, note.id, expected_version=note.version)


@pytest.fixture
def two_teams(app: Flask, team: dict[str, uuid.UUID]) -> dict[str, Any]:
    """One client in a case of our team ("home") and in a case of the North team, with a signed
    note in each and an assessment in the North one; and a client only the North team has."""
    north = make_team(app, "North team")
    with app.app_context():
        home_manager, north_manager = staff(team, "manager"), staff(north, "manager")
        home_case = make_case(home_manager)
        shared = home_case.client_ids[0]
        north_case = make_case(home_manager, clients=[db.session.get(Client, shared)])
        north_case.team_id, north_case.case_manager_id = north_manager.team_id, north_manager.id
        db.session.flush()
        _signed_note(home_manager, staff(team, "therapist"), home_case, "Home team's note.")
        _signed_note(north_manager, staff(north, "therapist"), north_case, "North team's note.")
        make_assessment(north_manager, north_case, CALM)
        north_only_case = make_case(north_manager)
        north_only = north_only_case.client_ids[0]
        _signed_note(north_manager, staff(north, "therapist"), north_only_case, "North only.")
        both_roles = make_user(
            roles=(Role.ADMIN, Role.SUPERVISOR), team=staff(team, "supervisor").team
        )
        ids = {
            "shared": shared,
            "north_only": north_only,
            "home_case": home_case.reference,
            "north_case": north_case.reference,
            "both_roles": both_roles.id,
        }
        db.session.commit()
        return ids


def _export(user: User, client_id: uuid.UUID) -> dict[str, Any]:
    return privacy.export_client(user, client_id, reason="subject access request")


def test_a_supervisor_exports_clinical_content_only_from_their_teams_cases(
    app: Flask, team: dict[str, uuid.UUID], two_teams: dict[str, Any]
) -> None:
    with app.app_context():
        exported = _export(staff(team, "supervisor"), two_teams["shared"])
        assert [n["body"] for n in exported["session_notes"]] == ["Home team's note."]
        assert exported["assessments"] == []
        assert [c["reference"] for c in exported["cases"]] == [two_teams["home_case"]]
        assert exported["client"]["family_name"]


def test_a_supervisor_cannot_export_a_client_only_another_team_has(
    app: Flask, team: dict[str, uuid.UUID], two_teams: dict[str, Any]
) -> None:
    with app.app_context(), pytest.raises(NotFound, match="no such client"):
        _export(staff(team, "supervisor"), two_teams["north_only"])


def test_an_administrator_who_supervises_gets_no_other_teams_clinical_content(
    app: Flask, two_teams: dict[str, Any]
) -> None:
    with app.app_context():
        both_roles = db.session.get(User, two_teams["both_roles"])
        assert both_roles is not None
        outside = _export(both_roles, two_teams["north_only"])
        assert outside["client"]["family_name"] and outside["cases"]
        assert outside["session_notes"] == [] and outside["assessments"] == []
        shared = _export(both_roles, two_teams["shared"])
        assert [n["body"] for n in shared["session_notes"]] == ["Home team's note."]
        assert shared["assessments"] == []
        references = {c["reference"] for c in shared["cases"]}
        assert references == {two_teams["home_case"], two_teams["north_case"]}


def test_an_administrator_exports_the_record_of_every_case_and_no_clinical_content(
    app: Flask, team: dict[str, uuid.UUID], two_teams: dict[str, Any]
) -> None:
    with app.app_context():
        exported = _export(staff(team, "admin"), two_teams["shared"])
        assert exported["session_notes"] == [] and exported["assessments"] == []
        assert len(exported["cases"]) == 2 and len(exported["enrolments"]) == 2
