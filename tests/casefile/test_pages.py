"""The case page builder: audited names, disclosures hidden in the joint view, the timeline,
and the forms' choices for the viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.care.models import AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.casefile.pages import case_page
from casework.cases.models import CaseKind, CaseState
from casework.db import db, utcnow
from casework.errors import NotFound
from tests.factories import make_case, staff


def _audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def test_case_page_audits_names_and_hides_disclosures_in_the_joint_view(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager, kind=CaseKind.COUPLE)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="couples_therapy",
            practitioner_id=therapist.id,
        )
        start = utcnow() - timedelta(hours=1)
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            mode=AppointmentMode.IN_PERSON,
            is_joint=True,
        )
        secret = notes.write_note(
            therapist, appointment.id, kind=NoteKind.PROGRESS, body="alone", is_individual=True
        )
        shared = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="both")
        for note in (secret, shared):
            notes.sign_note(therapist, note.id, expected_version=note.version)
        before = _audited("client.read")
        full = case_page(therapist, case.id, joint=False)
        joint = case_page(therapist, case.id, joint=True)
        assert _audited("client.read") == before + 4
        assert {n.id for n in full.notes} == {secret.id, shared.id}
        assert {n.id for n in joint.notes} == {shared.id}
        kinds = {entry.kind for entry in full.timeline}
        assert {"state", "enrolment", "appointment", "note"} <= kinds
        assert full.staff_names[therapist.id] == therapist.display_name


def test_only_a_supervisor_of_the_team_is_offered_the_reassignment(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        own = case_page(manager, case.id)
        assert own.actions is not None and not own.actions.may_reassign
        assert own.actions.case_managers == []
        assert own.moves == [CaseState.ASSESSMENT, CaseState.ON_HOLD]
        supervised = case_page(staff(team, "supervisor"), case.id)
        assert supervised.actions is not None and supervised.actions.may_reassign
        assert manager.id in {user.id for user in supervised.actions.case_managers}
        with pytest.raises(NotFound):
            case_page(staff(team, "other_manager"), case.id)
