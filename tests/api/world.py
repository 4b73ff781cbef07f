"""A small synthetic centre for API tests: one couple case with every kind of object on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Role
from casework.auth.services import create_api_token, get_or_create_team
from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.case_assessments.services import assessments as assessing
from casework.case_assessments.services import recommendations as recommending
from casework.cases.models import CaseKind
from casework.clients.services.consents import consents_of
from casework.db import db, utcnow
from casework.tasks.models import Task, TaskKind
from casework.tasks.services import plan
from tests.api.programmes_world import build_programmes
from tests.factories import CALM, VIOLENT, make_case, make_user, norr_answers

ROLES = {
    "manager": (Role.CASE_MANAGER,),
    "other_manager": (Role.CASE_MANAGER,),
    "therapist": (Role.THERAPIST,),
    "supervisor": (Role.SUPERVISOR,),
    "admin": (Role.ADMIN,),
    "consultant": (Role.CONSULTANT,),
    "facilitator": (Role.FACILITATOR,),
}


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)


def build_world(app: Flask) -> World:
    world = World()
    with app.app_context():
        team = get_or_create_team("API team")
        for name, roles in ROLES.items():
            user = make_user(roles=roles, team=team if name != "admin" else None)
            world.users[name] = user.id
            world.tokens[name] = create_api_token(user, name="tests")[1]
        manager = db.session.get(type(user), world.users["manager"])
        case = make_case(manager, kind=CaseKind.COUPLE, children=True)
        first, second = case.client_ids
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=first,
            service_code="individual_counselling",
            practitioner_id=world.users["therapist"],
        )
        therapist = db.session.get(type(user), world.users["therapist"])
        done = []
        for vector, closing in ((VIOLENT, False), (CALM, True)):
            assessment = assessing.start_assessment(
                manager, case.id, instrument_id="norr", client_id=first, is_closing=closing
            )
            assessing.save_answers(
                manager,
                assessment.id,
                norr_answers(vector),
                expected_version=assessment.version,
            )
            done.append(
                assessing.complete_assessment(
                    manager, assessment.id, expected_version=assessment.version
                )
            )
        recommendation = recommending.recommendations_of(manager, case.id, joint=False)[0]
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() - timedelta(hours=1),
            mode=AppointmentMode.IN_PERSON,
            place="Room 1",
        )
        appointments.record_attendance(
            therapist,
            appointment.id,
            attendance=Attendance.ATTENDED,
            expected_version=appointment.version,
        )
        note = notes.write_note(
            therapist, appointment.id, kind=NoteKind.PROGRESS, body="Session one."
        )
        notes.sign_note(therapist, note.id, expected_version=note.version)
        from sqlalchemy import select

        from casework.auth.models import ApiToken

        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == manager.id))
        safety_plan = db.session.scalar(
            select(Task).where(Task.case_id == case.id, Task.kind == TaskKind.SAFETY_PLAN)
        )
        assert safety_plan is not None
        goal = plan.add_goal(manager, case.id, text="Safety at home first.")
        world.ids = {
            "case_id": case.id,
            "client_id": first,
            "other_client_id": second,
            "consent_id": consents_of(first)[0].id,
            "assessment_id": done[0].id,
            "closing_assessment_id": done[1].id,
            "recommendation_id": recommendation.id,
            "enrolment_id": enrolment.id,
            "appointment_id": appointment.id,
            "note_id": note.id,
            "token_id": token_id,
            "case_version": case.version,
            "recommendation_version": recommendation.version,
            "enrolment_version": enrolment.version,
            "appointment_version": appointment.version,
            "note_version": note.version,
            "assessment_version": done[0].version,
            "task_id": safety_plan.id,
            "task_version": safety_plan.version,
            "goal_id": goal.id,
            "goal_version": goal.version,
        }
        world.ids |= build_programmes(world.users, case.id, first)
        db.session.commit()
    return world


def call(
    client: FlaskClient, world: World, role: str | None, method: str, url: str, body: Any = None
) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role else {}
    return client.open(url, method=method, json=body, headers=headers)
