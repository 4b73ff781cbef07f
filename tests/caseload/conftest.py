"""The hand-counted centre the caseload review is checked against."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.auth.models import Role
from casework.auth.services import get_or_create_team
from casework.care.models import AppointmentMode, Attendance
from casework.care.services import appointments, enrolments
from casework.case_assessments.services import assessments as assessing
from casework.cases.models import CaseState
from casework.db import db, utcnow
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import runs as group_runs
from tests.factories import (
    CALM,
    VIOLENT,
    make_assessment,
    make_case,
    make_consenting_client,
    make_user,
)


def _contact(manager, therapist, case, *, days_ago: int) -> None:
    enrolment = enrolments.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    attended(therapist, enrolment, days_ago=days_ago)


def attended(therapist, enrolment, *, days_ago: int) -> None:
    """An attended one-hour appointment of `enrolment`, `days_ago` days ago: a contact."""
    start = utcnow() - timedelta(days=days_ago)
    appointment = appointments.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode=AppointmentMode.IN_PERSON,
    )
    appointments.record_attendance(
        therapist,
        appointment.id,
        attendance=Attendance.ATTENDED,
        expected_version=appointment.version,
    )


@pytest.fixture
def centre(app: Flask) -> dict:
    """case  manager  state       level      last contact  assessed   practitioner
    c1    m1       active      very_high  none          today      -
    c2    m1       active      very_high  5 days ago    today      t1
    c3    m1       active      low        60 days ago   100 days   t1
    c4    m2       assessment  -          none          draft      -
    c5    m2       closed      very_high  none          today      -     (never counted)
    c6    m2       on_hold     very_high  40 days ago   today      t1
    c7    m1       intake      -          none          -          -
    every case opened 90 days ago.
    elsewhere: a very_high active case of another team without contact (never counted)
    group runs: ours capacity 1 with 3 people (1 seated, 2 waiting); another team's run.
    """
    with app.app_context():
        team = get_or_create_team("Review team")
        other = get_or_create_team("Review team (other)")
        m1, m2 = (make_user(roles=(Role.CASE_MANAGER,), team=team) for _ in range(2))
        t1 = make_user(roles=(Role.THERAPIST,), team=team)
        supervisor = make_user(roles=(Role.SUPERVISOR,), team=team)
        facilitator = make_user(roles=(Role.FACILITATOR,), team=team)
        outsider = make_user(roles=(Role.CASE_MANAGER,), team=other)
        outside_supervisor = make_user(roles=(Role.SUPERVISOR,), team=other)
        c = {
            name: make_case(m1 if name in ("c1", "c2", "c3", "c7") else m2)
            for name in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")
        }
        for name in ("c1", "c2", "c5", "c6"):
            make_assessment(m1 if name in ("c1", "c2") else m2, c[name], VIOLENT)
        make_assessment(m1, c["c3"], CALM, days_ago=100)
        assessing.start_assessment(
            m2, c["c4"].id, instrument_id="norr", client_id=c["c4"].client_ids[0]
        )
        _contact(m1, t1, c["c2"], days_ago=5)
        _contact(m1, t1, c["c3"], days_ago=60)
        _contact(m2, t1, c["c6"], days_ago=40)
        elsewhere = make_case(outsider)
        make_assessment(outsider, elsewhere, VIOLENT)
        for case in (*c.values(), elsewhere):  # opened before any contact window looked at
            case.opened_at = utcnow() - timedelta(days=90)
        for name, state in (
            ("c1", "active"),
            ("c2", "active"),
            ("c3", "active"),
            ("c5", "closed"),
            ("c6", "on_hold"),
        ):
            c[name].state = CaseState(state)
        elsewhere.state = CaseState.ACTIVE
        run = group_runs.create_run(
            facilitator,
            name="Fathers (review)",
            service_code="support_group_fathers",
            capacity=1,
            starts_on=utcnow().date(),
        )
        for _ in range(3):
            group_enrolments.enrol(
                facilitator, run.id, client_id=make_consenting_client(facilitator).id
            )
        group_runs.create_run(
            make_user(roles=(Role.FACILITATOR,), team=other),
            name="Elsewhere (review)",
            service_code="support_group_fathers",
            capacity=3,
            starts_on=utcnow().date(),
        )
        admin = make_user(roles=(Role.ADMIN,))
        db.session.commit()
        return {
            "supervisor": supervisor.id,
            "outside_supervisor": outside_supervisor.id,
            "m1": m1.id,
            "m2": m2.id,
            "t1": t1.id,
            "team": team.id,
            "run": run.id,
            "admin": admin.id,
            **{name: case.reference for name, case in c.items()},
        }
