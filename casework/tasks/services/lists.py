"""Who has what to do: a case's goals and tasks, one's own tasks by urgency, and the overdue
mandatory tasks of a supervisor's teams. Texts are decrypted in one batch, their read audited
once per list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case as when
from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.cases.models import Case
from casework.clock import centre_today
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db
from casework.tasks.models import MANDATORY_KINDS, PENDING_STATES, Goal, Task


@dataclass
class CasePlan:
    goals: list[Goal]
    #: Pending tasks first (mandatory ones first among them, then by due date), then the rest.
    tasks: list[Task]

    @property
    def pending_mandatory(self) -> list[Task]:
        """What the case page shows at its top until it is done."""
        return [task for task in self.tasks if task.is_mandatory and task.state in PENDING_STATES]


@dataclass(frozen=True)
class TaskLine:
    """A task in a list, with the reference of its case."""

    task: Task
    case_reference: str


@dataclass
class MyTasks:
    overdue: list[TaskLine] = field(default_factory=list)
    due_this_week: list[TaskLine] = field(default_factory=list)


def _read_texts(user: User, tasks: Sequence[Task], goals: Sequence[Goal] = ()) -> None:
    """Unlock the keys the texts need with one query and audit their read once per kind."""
    owners = [task.client_id for task in tasks] + [goal.client_id for goal in goals]
    data_keys().preload(client_owner(client_id) for client_id in owners)
    audit.record_many(
        "task.read",
        actor=user,
        object_type=Task.__audit_type__,
        objects=[
            audit.Read(task.id, task.client_id)
            for task in tasks
            if task.title_ciphertext or task.outcome_ciphertext
        ],
        fields=["title", "outcome"],
    )
    audit.record_many(
        "goal.read",
        actor=user,
        object_type=Goal.__audit_type__,
        objects=[audit.Read(goal.id, goal.client_id) for goal in goals],
        fields=["text"],
    )


def case_plan(
    user: User,
    case_id: uuid.UUID,
    *,
    joint: bool = False,
    rows: tuple[list[Goal], list[Task]] | None = None,
) -> CasePlan:
    """The case's goals (oldest first) and the tasks `user` may see in this context: one that
    follows from an individual disclosure never in the joint context. From `rows`, every goal
    and task of the case already read, if given (the case page reads them with other sections)."""
    case = policy.require_case(user, case_id)
    if rows is None:
        goals = list(
            db.session.scalars(
                select(Goal).where(Goal.case_id == case.id).order_by(Goal.created_at)
            )
        )
        tasks = list(
            db.session.scalars(
                select(Task)
                .where(Task.case_id == case.id)
                .order_by(
                    when((Task.state.in_(PENDING_STATES), 0), else_=1),
                    when((Task.kind.in_(MANDATORY_KINDS), 0), else_=1),
                    Task.due_on,
                    Task.created_at,
                )
            )
        )
    else:
        goals = sorted(rows[0], key=lambda goal: goal.created_at)
        tasks = sorted(
            rows[1],
            key=lambda task: (
                task.state not in PENDING_STATES,
                task.kind not in MANDATORY_KINDS,
                task.due_on,
                task.created_at,
            ),
        )
    tasks = [
        task
        for task in tasks
        if not task.is_individual
        or policy.may_see_individual_disclosure(user, case, task.client_id, None, joint=joint)
    ]
    _read_texts(user, tasks, goals)
    return CasePlan(goals=goals, tasks=tasks)


def week_end(today: date) -> date:
    """The Sunday of `today`'s week."""
    return today + timedelta(days=6 - today.weekday())


def my_tasks(user: User, *, today: date | None = None, limit: int = 100) -> MyTasks:
    """The pending tasks `user` owns in cases they may see: overdue ones, and those due by the
    end of this week."""
    today = today or centre_today()
    rows = db.session.execute(
        select(Task, Case.reference)
        .join(Case, Case.id == Task.case_id)
        .where(
            Task.owner_id == user.id,
            Task.state.in_(PENDING_STATES),
            Task.due_on <= week_end(today),
            policy.in_visible_case(user, Task.case_id),
        )
        .order_by(Task.due_on, Task.created_at)
        .limit(limit)
    ).all()
    _read_texts(user, [task for task, _reference in rows])
    mine = MyTasks()
    for task, reference in rows:
        line = TaskLine(task, reference)
        (mine.overdue if task.due_on < today else mine.due_this_week).append(line)
    return mine


def overdue_mandatory_of_teams(
    user: User, *, today: date | None = None, limit: int = 100
) -> list[TaskLine]:
    """For a supervisor: the mandatory tasks past their due date in the cases of their teams,
    the longest overdue first (no texts: mandatory tasks are titled by their kind)."""
    teams = policy.supervised_team_ids(user)
    if not teams:
        return []
    today = today or centre_today()
    rows = db.session.execute(
        select(Task, Case.reference)
        .join(Case, Case.id == Task.case_id)
        .where(
            Case.team_id.in_(teams),
            Task.kind.in_(MANDATORY_KINDS),
            Task.state.in_(PENDING_STATES),
            Task.due_on < today,
        )
        .order_by(Task.due_on, Case.reference)
        .limit(limit)
    ).all()
    return [TaskLine(task, reference) for task, reference in rows]
