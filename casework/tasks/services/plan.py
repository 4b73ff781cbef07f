"""A case's plan: goals, and tasks with an owner and a due date that are done (with the day and a
note) or declined (a mandatory one only with a supervisor's confirmation)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.cases.models import Case
from casework.cases.services import cases
from casework.clock import centre_today
from casework.db import db, utcnow
from casework.errors import N_, Conflict, Forbidden, ValidationError, check_version, require_text
from casework.tasks.models import PLAN_KINDS, Goal, Task, TaskKind, TaskState


def _managed_case(user: User, case_id: uuid.UUID) -> Case:
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    return case


def add_goal(user: User, case_id: uuid.UUID, *, text: str) -> Goal:
    """Add a goal to the case plan (the case manager or a supervisor)."""
    case = _managed_case(user, case_id)
    goal = Goal(case_id=case.id, client_id=case.primary_client_id, created_by_id=user.id)
    goal.text = require_text(text, field="text", message=N_("say what the goal is"))
    db.session.add(goal)
    db.session.flush()
    audit.record_change("goal.create", goal, actor=user, fields=["text"])
    return goal


def mark_goal_achieved(user: User, goal_id: uuid.UUID, *, expected_version: int) -> Goal:
    """Mark a goal of the case plan achieved."""
    goal = policy.require_visible(user, Goal, goal_id, what="goal")
    _managed_case(user, goal.case_id)
    check_version(goal, expected_version, N_("goal"))
    if goal.achieved_at is not None:
        raise Conflict("this goal is already achieved")
    goal.achieved_at = utcnow()
    audit.record_change("goal.achieve", goal, actor=user, fields=["achieved_at"])
    db.session.flush()
    return goal


def add_task(
    user: User,
    case_id: uuid.UUID,
    *,
    kind: TaskKind,
    title: str,
    owner_id: uuid.UUID,
    due_on: date,
    goal_id: uuid.UUID | None = None,
) -> Task:
    """Add a step, a follow-up or a reassessment to the case plan, owned by a staff member."""
    case = _managed_case(user, case_id)
    if kind not in PLAN_KINDS:
        raise ValidationError(
            "mandatory actions follow from routing; add a step, a follow-up or a reassessment",
            fields={"kind": ["not a plan task"]},
        )
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.is_enabled or not policy.CLINICAL_WORK.allows(owner):
        raise ValidationError(
            "a task is owned by an active staff member who works on cases",
            fields={"owner_id": ["not a possible owner"]},
        )
    if due_on < centre_today():
        raise ValidationError("a new task cannot be due in the past", fields={"due_on": ["past"]})
    if goal_id is not None and goal_id not in _goal_ids(case):
        raise ValidationError("no such goal on this case", fields={"goal_id": ["unknown"]})
    task = Task(
        case_id=case.id,
        client_id=case.primary_client_id,
        goal_id=goal_id,
        kind=kind,
        owner_id=owner.id,
        due_on=due_on,
        created_by_id=user.id,
    )
    task.title = require_text(title, field="title", message=N_("say what is to be done"))
    db.session.add(task)
    db.session.flush()
    audit.record_change(
        "task.open", task, actor=user, fields=["kind", "title", "owner_id", "due_on"]
    )
    return task


def _goal_ids(case: Case) -> set[uuid.UUID]:
    return set(db.session.scalars(select(Goal.id).where(Goal.case_id == case.id)))


def _task_to_work_on(user: User, task_id: uuid.UUID, expected_version: int) -> tuple[Task, Case]:
    task = policy.require_visible(user, Task, task_id, what="task")
    case = db.session.get(Case, task.case_id)
    assert case is not None
    if not policy.may_work_on_task(user, task.owner_id, case):
        raise Forbidden("only the task's owner, the case manager or a supervisor may do this")
    check_version(task, expected_version, N_("task"))
    return task, case


def complete_task(
    user: User, task_id: uuid.UUID, *, done_on: date, note: str, expected_version: int
) -> Task:
    """Mark a task done on the day it was done, with a note on how."""
    task, _case = _task_to_work_on(user, task_id, expected_version)
    if task.state not in (TaskState.OPEN, TaskState.DECLINE_REQUESTED):
        raise Conflict("this task is already %(state)s", state=task.state)
    if done_on > centre_today():
        raise ValidationError("a task cannot be done in the future", fields={"done_on": ["future"]})
    task.outcome = require_text(note, field="note", message=N_("say how it was done"))
    task.state = TaskState.DONE
    task.done_on = done_on
    task.closed_by_id = user.id
    audit.record_change("task.done", task, actor=user, fields=["state", "done_on", "outcome"])
    db.session.flush()
    return task


def decline_task(user: User, task_id: uuid.UUID, *, reason: str, expected_version: int) -> Task:
    """Decline a task with a reason. A mandatory task declined by anyone but a supervisor of the
    case's team waits for one to confirm."""
    task, case = _task_to_work_on(user, task_id, expected_version)
    if task.state != TaskState.OPEN:
        raise Conflict("this task is already %(state)s", state=task.state)
    task.outcome = require_text(reason, field="reason", message=N_("a reason is required"))
    task.closed_by_id = user.id
    if task.is_mandatory and not policy.supervises_case(user, case):
        task.state = TaskState.DECLINE_REQUESTED
    else:
        task.state = TaskState.DECLINED
        task.confirmed_by_id = user.id if task.is_mandatory else None
    audit.record_change("task.decline", task, actor=user, fields=["state", "outcome"])
    db.session.flush()
    return task


def confirm_decline(
    user: User, task_id: uuid.UUID, *, confirm: bool, expected_version: int
) -> Task:
    """A supervisor of the case's team confirms declining a mandatory task, or reopens it."""
    task = policy.require_visible(user, Task, task_id, what="task")
    case = db.session.get(Case, task.case_id)
    assert case is not None
    policy.require_supervisor_of(user, case)
    check_version(task, expected_version, N_("task"))
    if task.state != TaskState.DECLINE_REQUESTED:
        raise Conflict("no decline of this task awaits confirmation")
    task.state = TaskState.DECLINED if confirm else TaskState.OPEN
    task.confirmed_by_id = user.id if confirm else None
    audit.record_change("task.confirm_decline", task, actor=user, fields=["state"])
    db.session.flush()
    return task
