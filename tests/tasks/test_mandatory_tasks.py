"""A mandatory action that routing recommends becomes tasks with an owner and a due date."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.care.services import enrolments
from casework.case_assessments.services import assessments as assessing
from casework.cases.models import CaseKind
from casework.clock import centre_today
from casework.db import db
from casework.tasks.models import Task, TaskKind, TaskState
from casework.tasks.services import lists
from tests.factories import CALM, VIOLENT, make_assessment, make_case, norr_answers, staff


def _tasks_of(case_id) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.case_id == case_id)))


def _opened() -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == "task.open")) or 0


def test_a_disclosed_violence_opens_a_safety_plan_and_the_blue_card_owned_by_the_case_manager(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        before = _opened()
        make_assessment(manager, case, VIOLENT)
        tasks = {task.kind: task for task in _tasks_of(case.id)}
        assert set(tasks) == {TaskKind.SAFETY_PLAN, TaskKind.BLUE_CARD}
        today = centre_today()
        assert tasks[TaskKind.SAFETY_PLAN].due_on == today + timedelta(days=1)
        assert tasks[TaskKind.BLUE_CARD].due_on == today + timedelta(days=5)
        assert all(t.owner_id == manager.id and t.state == TaskState.OPEN for t in tasks.values())
        assert all(t.recommendation_id is not None for t in tasks.values())
        assert _opened() == before + 2


def test_children_in_the_household_add_a_child_protection_notice(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE, children=True)
        make_assessment(manager, case, VIOLENT)
        kinds = sorted(task.kind.value for task in _tasks_of(case.id))
        assert kinds == ["blue_card", "child_protection", "safety_plan"]


def test_a_second_assessment_does_not_open_the_same_tasks_again(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        make_assessment(manager, case, VIOLENT)
        make_assessment(manager, case, VIOLENT)
        assert len(_tasks_of(case.id)) == 2


def test_no_mandatory_action_no_task(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        make_assessment(manager, case, CALM)
        assert _tasks_of(case.id) == []


def test_a_task_from_an_individual_disclosure_stays_out_of_the_joint_view(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        enrolments.enrol(
            manager,
            case.id,
            client_id=first,
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        alone = assessing.start_assessment(
            manager, case.id, instrument_id="norr", client_id=second, is_individual=True
        )
        assessing.save_answers(
            manager, alone.id, norr_answers(VIOLENT), expected_version=alone.version
        )
        assessing.complete_assessment(manager, alone.id, expected_version=alone.version)
        tasks = _tasks_of(case.id)
        assert tasks and all(t.is_individual and t.client_id == second for t in tasks)
        assert len(lists.case_plan(manager, case.id).tasks) == len(tasks)
        assert lists.case_plan(manager, case.id, joint=True).tasks == []
        # the first partner's therapist never learns of the second partner's disclosure
        assert lists.case_plan(therapist, case.id).tasks == []
