"""REST routes for a case's goals and tasks, and one's own tasks."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import VersionSchema, current_staff
from casework.tasks.schemas import (
    GoalInSchema,
    GoalSchema,
    MyTasksSchema,
    TaskConfirmSchema,
    TaskDeclineSchema,
    TaskDoneSchema,
    TaskInSchema,
    TaskSchema,
)
from casework.tasks.services import lists, plan

blp = Blueprint("tasks", __name__, url_prefix="/api/v1", description="Case plans and tasks")


@blp.route("/cases/<uuid:case_id>/goals")
class CaseGoals(MethodView):
    @blp.response(200, GoalSchema(many=True))
    def get(self, case_id: uuid.UUID) -> Any:
        return lists.case_plan(current_staff(), case_id).goals

    @blp.arguments(GoalInSchema)
    @blp.response(201, GoalSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        return plan.add_goal(current_staff(), case_id, **data)


@blp.route("/goals/<uuid:goal_id>/achieved")
class GoalAchieved(MethodView):
    @blp.arguments(VersionSchema)
    @blp.response(200, GoalSchema)
    def post(self, data: dict[str, Any], goal_id: uuid.UUID) -> Any:
        return plan.mark_goal_achieved(current_staff(), goal_id, expected_version=data["version"])


@blp.route("/cases/<uuid:case_id>/tasks")
class CaseTasks(MethodView):
    @blp.response(200, TaskSchema(many=True))
    def get(self, case_id: uuid.UUID) -> Any:
        """The case's tasks: pending ones first, mandatory ones first among them."""
        return lists.case_plan(current_staff(), case_id).tasks

    @blp.arguments(TaskInSchema)
    @blp.response(201, TaskSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Add a step, a follow-up or a reassessment to the case plan."""
        return plan.add_task(current_staff(), case_id, **data)


@blp.route("/tasks/mine")
class MyTasks(MethodView):
    @blp.response(200, MyTasksSchema)
    def get(self) -> Any:
        """My pending tasks: overdue, and due by the end of this week."""
        return lists.my_tasks(current_staff())


@blp.route("/tasks/<uuid:task_id>/done")
class TaskDone(MethodView):
    @blp.arguments(TaskDoneSchema)
    @blp.response(200, TaskSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        return plan.complete_task(
            current_staff(),
            task_id,
            done_on=data["done_on"],
            note=data["note"],
            expected_version=data["version"],
        )


@blp.route("/tasks/<uuid:task_id>/decline")
class TaskDecline(MethodView):
    @blp.arguments(TaskDeclineSchema)
    @blp.response(200, TaskSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Decline a task; a mandatory one waits for a supervisor unless one declines it."""
        return plan.decline_task(
            current_staff(), task_id, reason=data["reason"], expected_version=data["version"]
        )


@blp.route("/tasks/<uuid:task_id>/confirm")
class TaskConfirm(MethodView):
    @blp.arguments(TaskConfirmSchema)
    @blp.response(200, TaskSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        """A supervisor confirms a requested decline, or reopens the task."""
        return plan.confirm_decline(
            current_staff(), task_id, confirm=data["confirm"], expected_version=data["version"]
        )
