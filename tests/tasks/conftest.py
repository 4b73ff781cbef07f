"""A couple case where violence was disclosed, with its mandatory tasks open and the team's
therapist working with the first partner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from casework.auth.models import User
from casework.care.services import enrolments
from casework.cases.models import Case, CaseKind
from casework.db import db
from casework.tasks.models import Task, TaskKind
from tests.factories import VIOLENT, make_assessment, make_case, staff


@dataclass
class SafetyCase:
    manager: User
    supervisor: User
    therapist: User
    case: Case
    safety_plan: Task
    blue_card: Task


@pytest.fixture
def safety_case(app: Flask, team: dict[str, Any]):
    """Call inside an app context: a violent couple case of the team's manager."""

    def make() -> SafetyCase:
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        make_assessment(manager, case, VIOLENT)
        therapist = staff(team, "therapist")
        enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        tasks = {t.kind: t for t in db.session.scalars(select(Task).where(Task.case_id == case.id))}
        return SafetyCase(
            manager=manager,
            supervisor=staff(team, "supervisor"),
            therapist=therapist,
            case=case,
            safety_plan=tasks[TaskKind.SAFETY_PLAN],
            blue_card=tasks[TaskKind.BLUE_CARD],
        )

    return make
