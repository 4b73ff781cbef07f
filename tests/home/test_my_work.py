"""My work: what waits today for each role."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from casework.care.models import AppointmentMode
from casework.care.services import appointments, enrolments
from casework.cases.models import CaseState
from casework.clock import centre_midnight
from casework.home.pages import my_work
from tests.factories import make_case, staff


def test_my_work_gathers_what_waits_for_each_role(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        early_today = centre_midnight() + timedelta(minutes=1)
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=early_today,
            ends_at=early_today + timedelta(minutes=50),
            mode=AppointmentMode.IN_PERSON,
        )
        appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=early_today + timedelta(days=1),
            ends_at=early_today + timedelta(days=1, minutes=50),
            mode=AppointmentMode.IN_PERSON,
        )
        work = my_work(therapist)
        assert [row.appointment.id for row in work.appointments_today] == [appointment.id]
        assert CaseState.ACTIVE in work.cases_by_state or CaseState.INTAKE in work.cases_by_state
        assert my_work(manager).cases_by_state
        assert my_work(staff(team, "consultant")).appointments_today == []
