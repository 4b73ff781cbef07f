"""The service functions added for the web interface: bounded, policy-checked, audited."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth import services as auth
from casework.auth.models import Language, Role
from casework.care import services as care
from casework.care.models import AppointmentMode, NoteKind
from casework.case_assessments.services import assessments as assessing
from casework.case_assessments.services import recommendations as recommending
from casework.cases import services as cases
from casework.cases.models import CaseKind, CaseState
from casework.cases.page import case_page
from casework.clients import services as clients
from casework.db import db, utcnow
from casework.errors import NotFound
from casework.home.pages import my_work
from tests.factories import VIOLENT, make_case, norr_answers, staff


def _audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def _enrolled_appointment(manager, therapist, case, *, joint: bool = False):
    enrolment = care.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="couples_therapy" if joint else "individual_counselling",
        practitioner_id=therapist.id,
    )
    start = utcnow() - timedelta(hours=1)
    return care.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        mode=AppointmentMode.IN_PERSON,
        is_joint=joint,
    )


def test_open_cases_by_state_and_the_intake_queue(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        other = staff(team, "other_manager")
        mine = make_case(manager)
        make_case(other)
        grouped = cases.open_cases_by_state(manager)
        assert [case.id for case in grouped[CaseState.INTAKE]] == [mine.id]
        assert cases.intake_queue(staff(team, "therapist")) == []


def test_pending_decisions_of_the_case_manager(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assessment = assessing.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        assessing.save_answers(
            manager, assessment.id, norr_answers(VIOLENT), expected_version=assessment.version
        )
        assessing.complete_assessment(manager, assessment.id, expected_version=assessment.version)
        pending = recommending.pending_decisions(manager)
        assert pending and all(r.case_id == case.id for r in pending)
        assert recommending.pending_decisions(staff(team, "other_manager")) == []


def test_drafts_my_clients_and_the_appointments_of_a_case(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager)
        appointment = _enrolled_appointment(manager, therapist, case)
        care.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="draft")
        assert len(care.drafts_to_finish(therapist)) == 1
        assert care.drafts_to_finish(manager) == []
        before = _audited("client.read")
        rows = care.my_enrolments(therapist)
        assert [client.id for _, client in rows] == [case.client_ids[0]]
        assert _audited("client.read") == before + 1
        assert [a.id for a in care.appointments_of_case(manager, case.id)] == [appointment.id]
        with pytest.raises(NotFound):
            care.appointments_of_case(staff(team, "therapist2"), case.id)
        assert care.notes_of_appointment(manager, appointment.id) == []  # a draft is its author's


def test_case_page_audits_names_and_hides_disclosures_in_the_joint_view(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager, kind=CaseKind.COUPLE)
        appointment = _enrolled_appointment(manager, therapist, case, joint=True)
        secret = care.write_note(
            therapist, appointment.id, kind=NoteKind.PROGRESS, body="alone", is_individual=True
        )
        shared = care.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="both")
        for note in (secret, shared):
            care.sign_note(therapist, note.id, expected_version=None)
        before = _audited("client.read")
        full = case_page(therapist, case.id, joint=False)
        joint = case_page(therapist, case.id, joint=True)
        assert _audited("client.read") == before + 4
        assert {n.id for n in full.notes} == {secret.id, shared.id}
        assert {n.id for n in joint.notes} == {shared.id}
        kinds = {entry.kind for entry in full.timeline}
        assert {"state", "enrolment", "appointment", "note"} <= kinds


def test_client_overview_reads_the_client_with_an_audit_event(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        before = _audited("client.read")
        overview = clients.client_overview(manager, case.client_ids[0])
        assert [c.id for c in overview.cases] == [case.id] and overview.consents
        assert _audited("client.read") == before + 1
        with pytest.raises(NotFound):
            clients.client_overview(staff(team, "therapist"), case.client_ids[0])


def test_user_administration_is_for_administrators_only(app: Flask, team) -> None:
    with app.app_context():
        admin, manager = staff(team, "admin"), staff(team, "manager")
        with pytest.raises(NotFound):
            auth.list_users(manager)
        created = auth.admin_create_user(
            admin,
            "someone@example.test",
            display_name="Someone",
            roles=[Role.THERAPIST],
            password="long enough password",
            team_id=None,
            language=Language.UK,
        )
        assert created in auth.list_users(admin)
        auth.admin_set_enabled(admin, created.id, enabled=False)
        assert not created.is_enabled
        assert created not in auth.staff_with_role(Role.THERAPIST)
        team_row = auth.admin_create_team(admin, "Second team")
        assert team_row in auth.list_teams(admin)
        assert auth.display_names([admin.id, None]) == {admin.id: admin.display_name}
        with pytest.raises(NotFound):
            auth.admin_set_enabled(admin, uuid.uuid4(), enabled=True)


def test_my_work_gathers_what_waits_for_each_role(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager)
        appointment = _enrolled_appointment(manager, therapist, case)
        work = my_work(therapist)
        if appointment.starts_at.date() == utcnow().date():
            assert [a.id for a in work.appointments_today] == [appointment.id]
        assert CaseState.ACTIVE in work.cases_by_state or CaseState.INTAKE in work.cases_by_state
        assert my_work(manager).cases_by_state
