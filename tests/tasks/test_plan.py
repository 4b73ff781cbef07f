"""The case plan: goals and tasks with owners and due dates, done with a day and a note, declined
(a mandatory task only with a supervisor's confirmation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.clock import centre_today
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.tasks.models import TaskKind, TaskState
from casework.tasks.services import plan
from tests.factories import staff


def test_the_owner_marks_a_safety_task_done_with_the_day_and_a_note(
    app: Flask, safety_case
) -> None:
    with app.app_context():
        world = safety_case()
        task = world.safety_plan
        yesterday = centre_today() - timedelta(days=1)
        done = plan.complete_task(
            world.manager,
            task.id,
            done_on=yesterday,
            note="Plan written with the client",
            expected_version=task.version,
        )
        assert (done.state, done.done_on, done.outcome) == (
            TaskState.DONE,
            yesterday,
            "Plan written with the client",
        )
        with pytest.raises(Conflict):
            plan.complete_task(
                world.manager,
                task.id,
                done_on=yesterday,
                note="again",
                expected_version=done.version,
            )


def test_a_task_is_not_done_in_the_future_nor_without_a_note_nor_on_a_stale_copy(
    app: Flask, safety_case
) -> None:
    with app.app_context():
        world = safety_case()
        task = world.safety_plan
        with pytest.raises(ValidationError, match="future"):
            plan.complete_task(
                world.manager,
                task.id,
                done_on=centre_today() + timedelta(days=1),
                note="x",
                expected_version=task.version,
            )
        with pytest.raises(ValidationError, match="how it was done"):
            plan.complete_task(
                world.manager,
                task.id,
                done_on=centre_today(),
                note=" ",
                expected_version=task.version,
            )
        with pytest.raises(Conflict, match="changed by someone else"):
            plan.complete_task(
                world.manager,
                task.id,
                done_on=centre_today(),
                note="x",
                expected_version=task.version + 1,
            )
        assert task.state == TaskState.OPEN


def test_declining_a_safety_task_waits_for_a_supervisor(app: Flask, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        task = world.blue_card
        requested = plan.decline_task(
            world.manager,
            task.id,
            reason="Police started it already",
            expected_version=task.version,
        )
        assert requested.state == TaskState.DECLINE_REQUESTED
        with pytest.raises(Forbidden):
            plan.confirm_decline(
                world.manager, task.id, confirm=True, expected_version=task.version
            )
        confirmed = plan.confirm_decline(
            world.supervisor, task.id, confirm=True, expected_version=task.version
        )
        assert confirmed.state == TaskState.DECLINED
        assert confirmed.confirmed_by_id == world.supervisor.id


def test_a_supervisor_may_send_a_requested_decline_back_to_do(app: Flask, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        task = world.safety_plan
        plan.decline_task(world.manager, task.id, reason="later", expected_version=task.version)
        reopened = plan.confirm_decline(
            world.supervisor, task.id, confirm=False, expected_version=task.version
        )
        assert reopened.state == TaskState.OPEN and reopened.confirmed_by_id is None


def test_a_supervisor_declines_a_safety_task_at_once(app: Flask, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        task = world.safety_plan
        declined = plan.decline_task(
            world.supervisor, task.id, reason="Client moved abroad", expected_version=task.version
        )
        assert declined.state == TaskState.DECLINED
        assert declined.confirmed_by_id == world.supervisor.id


def test_a_plan_task_goes_to_its_owner_who_may_mark_it_done(app: Flask, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        goal = plan.add_goal(world.manager, world.case.id, text="Feel safe at home")
        task = plan.add_task(
            world.manager,
            world.case.id,
            kind=TaskKind.FOLLOW_UP,
            title="Call after the first week",
            owner_id=world.therapist.id,
            due_on=centre_today() + timedelta(days=7),
            goal_id=goal.id,
        )
        assert (task.title, task.goal_id, task.owner_id) == (
            "Call after the first week",
            goal.id,
            world.therapist.id,
        )
        done = plan.complete_task(
            world.therapist,
            task.id,
            done_on=centre_today(),
            note="Called",
            expected_version=task.version,
        )
        assert done.state == TaskState.DONE
        declined = plan.decline_task(
            world.manager,
            plan.add_task(
                world.manager,
                world.case.id,
                kind=TaskKind.STEP,
                title="Find a lawyer",
                owner_id=world.manager.id,
                due_on=centre_today(),
            ).id,
            reason="Not needed any more",
            expected_version=1,
        )
        assert declined.state == TaskState.DECLINED  # a plan step needs no supervisor
        achieved = plan.mark_goal_achieved(world.manager, goal.id, expected_version=goal.version)
        assert achieved.achieved_at is not None


def test_plan_tasks_are_checked(app: Flask, team, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        common = {"title": "x", "owner_id": world.manager.id, "due_on": centre_today()}
        with pytest.raises(ValidationError, match="mandatory actions follow from routing"):
            plan.add_task(world.manager, world.case.id, kind=TaskKind.SAFETY_PLAN, **common)
        with pytest.raises(ValidationError, match="past"):
            plan.add_task(
                world.manager,
                world.case.id,
                kind=TaskKind.STEP,
                **common | {"due_on": centre_today() - timedelta(days=1)},
            )
        with pytest.raises(ValidationError, match="active staff member"):
            plan.add_task(
                world.manager,
                world.case.id,
                kind=TaskKind.STEP,
                **common | {"owner_id": team["admin"]},
            )
        with pytest.raises(Forbidden):
            plan.add_task(world.therapist, world.case.id, kind=TaskKind.STEP, **common)


def test_only_the_owner_or_the_cases_managers_work_on_a_task(app: Flask, team, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        task = world.safety_plan
        with pytest.raises(NotFound):  # not their case: it reads like a missing task
            plan.complete_task(
                staff(team, "other_manager"),
                task.id,
                done_on=centre_today(),
                note="x",
                expected_version=task.version,
            )
        with pytest.raises(NotFound):
            plan.decline_task(
                staff(team, "outside_supervisor"), task.id, reason="x", expected_version=1
            )
