"""Fixtures of the care tests: a couple case whose partners each see their own therapist, and
appointments in their counselling."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from casework.auth.models import User
from casework.care.models import Appointment, AppointmentMode
from casework.care.services import appointments, enrolments
from casework.cases.models import Case, CaseKind
from casework.db import utcnow
from tests.factories import make_case, staff


@dataclass
class CoupleInCare:
    manager: User
    case: Case
    first: uuid.UUID
    second: uuid.UUID


@pytest.fixture
def couple_in_care(team: dict[str, Any]) -> Callable[[], CoupleInCare]:
    """A couple case of the team's manager; the first partner sees "therapist", the second
    "therapist2", each in individual counselling (call inside an app context)."""

    def make() -> CoupleInCare:
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        for client_id, therapist in ((first, "therapist"), (second, "therapist2")):
            enrolments.enrol(
                manager,
                case.id,
                client_id=client_id,
                service_code="individual_counselling",
                practitioner_id=team[therapist],
            )
        return CoupleInCare(manager, case, first, second)

    return make


def appointment_now(couple: CoupleInCare, client_id: uuid.UUID, therapist: User) -> Appointment:
    """An appointment starting now in the client's individual counselling."""
    enrolment = next(
        e
        for e in enrolments.enrolments_of_case(couple.manager, couple.case.id)
        if e.client_id == client_id
    )
    return appointments.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(hours=1),
        mode=AppointmentMode.REMOTE,
    )


@pytest.fixture
def appointment_of() -> Callable[[CoupleInCare, uuid.UUID, User], Appointment]:
    """Schedule an appointment starting now in a partner's counselling (inside an app context)."""
    return appointment_now
