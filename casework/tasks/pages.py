"""What pages show of tasks: a case's plan (for the case page) and one's own tasks (for "my
work"), with what the viewer may do to each task decided by the policy."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from casework import policy
from casework.auth.models import User
from casework.auth.services import display_names
from casework.cases.models import Case, CaseState
from casework.clock import centre_today
from casework.tasks.models import TaskState
from casework.tasks.services import lists


@dataclass
class CasePlanPage:
    plan: lists.CasePlan
    #: Goals and tasks may be added (the case's manager or a supervisor, case not closed).
    may_plan: bool
    #: Who may own a new task: id -> name (the case manager, the case's practitioners, the viewer).
    owners: dict[uuid.UUID, str]
    staff_names: dict[uuid.UUID, str]
    #: The centre's today (what is overdue; the latest day a task can be done on).
    today: date
    #: Tasks the viewer may mark done or decline, and those whose decline they may confirm.
    workable: set[uuid.UUID] = field(default_factory=set)
    confirmable: set[uuid.UUID] = field(default_factory=set)


def case_plan_page(
    user: User,
    case: Case,
    *,
    joint: bool = False,
    practitioner_ids: Iterable[uuid.UUID | None] = (),
) -> CasePlanPage:
    """The plan of a case `user` may see in this context, and what they may do with it;
    `practitioner_ids` (of the case's current enrolments) may own its new tasks."""
    plan = lists.case_plan(user, case.id, joint=joint)
    may_plan = case.state != CaseState.CLOSED and policy.may_manage_case(user, case)
    owners = display_names([case.case_manager_id, *practitioner_ids, user.id]) if may_plan else {}
    page = CasePlanPage(
        plan=plan,
        may_plan=may_plan,
        owners=owners,
        staff_names=display_names(
            [task.owner_id for task in plan.tasks] + [task.confirmed_by_id for task in plan.tasks]
        ),
        today=centre_today(),
    )
    supervises = policy.supervises_case(user, case)
    for task in plan.tasks:
        if task.state == TaskState.OPEN and policy.may_work_on_task(user, task.owner_id, case):
            page.workable.add(task.id)
        if task.state == TaskState.DECLINE_REQUESTED and supervises:
            page.confirmable.add(task.id)
    return page


@dataclass
class MyTasksPage:
    mine: lists.MyTasks
    #: Supervisors: overdue mandatory tasks in their teams' cases, with their owners' names.
    team_overdue: list[lists.TaskLine]
    owner_names: dict[uuid.UUID, str]


def my_tasks_page(user: User) -> MyTasksPage:
    """The tasks section of "my work"."""
    team_overdue = lists.overdue_mandatory_of_teams(user)
    return MyTasksPage(
        mine=lists.my_tasks(user),
        team_overdue=team_overdue,
        owner_names=display_names(line.task.owner_id for line in team_overdue),
    )
