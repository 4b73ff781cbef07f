"""The case plan's forms on the case page: goals, tasks, a task done, declined or confirmed."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.errors import DomainError
from casework.tasks.forms import (
    GoalAchievedForm,
    GoalForm,
    TaskConfirmForm,
    TaskDeclineForm,
    TaskDoneForm,
    TaskForm,
)
from casework.tasks.models import TaskKind
from casework.tasks.services import (
    mandatory,  # noqa: F401  (connects routing to the tasks it opens)
    plan,
)
from casework.web.errors import refuse_on_page

bp = Blueprint("task_pages", __name__, template_folder="templates")


def _change(
    form: FlaskForm, change: Callable[[], object], done: str, case_id: uuid.UUID
) -> Response:
    """Parse `form`, make the change, and say on the case page that it is `done`, or why not."""
    if not form.validate_on_submit():
        for problems in form.errors.values():
            for problem in problems:
                flash(str(problem), "error")
    else:
        try:
            change()
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(done, "info")
    return redirect(url_for("casefile_pages.show", case_id=case_id) + "#plan")


@bp.route("/cases/<uuid:case_id>/goals", methods=["POST"])
@login_required
def add_goal(case_id: uuid.UUID) -> Response:
    form = GoalForm()
    return _change(
        form,
        lambda: plan.add_goal(current_staff(), case_id, text=form.text.data or ""),
        _("The goal is added to the plan."),
        case_id,
    )


@bp.route("/cases/<uuid:case_id>/goals/<uuid:goal_id>/achieved", methods=["POST"])
@login_required
def achieve_goal(case_id: uuid.UUID, goal_id: uuid.UUID) -> Response:
    form = GoalAchievedForm()
    return _change(
        form,
        lambda: plan.mark_goal_achieved(
            current_staff(), goal_id, expected_version=form.expected_version
        ),
        _("The goal is marked achieved."),
        case_id,
    )


@bp.route("/cases/<uuid:case_id>/tasks", methods=["POST"])
@login_required
def add_task(case_id: uuid.UUID) -> Response:
    form = TaskForm()
    form.owner.choices = [(form.owner.data or "", "")]  # the service checks the owner
    form.goal.choices = [(form.goal.data or "", "")]
    return _change(
        form,
        lambda: plan.add_task(
            current_staff(),
            case_id,
            kind=TaskKind(form.kind.data),
            title=form.title.data or "",
            owner_id=uuid.UUID(form.owner.data or ""),
            due_on=form.due_on.data,
            goal_id=uuid.UUID(form.goal.data) if form.goal.data else None,
        ),
        _("The task is added to the plan."),
        case_id,
    )


@bp.route("/cases/<uuid:case_id>/tasks/<uuid:task_id>/done", methods=["POST"])
@login_required
def done(case_id: uuid.UUID, task_id: uuid.UUID) -> Response:
    form = TaskDoneForm()
    return _change(
        form,
        lambda: plan.complete_task(
            current_staff(),
            task_id,
            done_on=form.done_on.data,
            note=form.note.data or "",
            expected_version=form.expected_version,
        ),
        _("The task is marked done."),
        case_id,
    )


@bp.route("/cases/<uuid:case_id>/tasks/<uuid:task_id>/decline", methods=["POST"])
@login_required
def decline(case_id: uuid.UUID, task_id: uuid.UUID) -> Response:
    form = TaskDeclineForm()
    return _change(
        form,
        lambda: plan.decline_task(
            current_staff(),
            task_id,
            reason=form.reason.data or "",
            expected_version=form.expected_version,
        ),
        _("The decline is recorded."),
        case_id,
    )


@bp.route("/cases/<uuid:case_id>/tasks/<uuid:task_id>/confirm", methods=["POST"])
@login_required
def confirm(case_id: uuid.UUID, task_id: uuid.UUID) -> Response:
    form = TaskConfirmForm()
    return _change(
        form,
        lambda: plan.confirm_decline(
            current_staff(),
            task_id,
            confirm=form.decision.data == "confirm",
            expected_version=form.expected_version,
        ),
        _("The decision is saved."),
        case_id,
    )
