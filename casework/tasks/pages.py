"""What pages show of tasks: a case's plan (for the case page) and one's own tasks (for "my
work"), with what the viewer may do to each task decided by the policy."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from casework import policy
from casework.auth.models import User
from casework.auth.services import display_names
from casework.cases.models import Case, CaseState
from casework.clock import centre_today
from casework.tasks.models import Goal, Task, TaskState
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


def case_plan(
    user: User,
    case: Case,
    *,
    joint: bool = False,
    rows: tuple[list[Goal], list[Task]] | None = None,
) -> lists.CasePlan:
    """The plan of a case `user` may see in this context (from `rows`, its goals and tasks
    already read, if given)."""
    return lists.case_plan(user, case.id, joint=joint, rows=rows)


def staff_to_name(
    user: User, case: Case, plan: lists.CasePlan, practitioner_ids: Iterable[uuid.UUID | None]
) -> set[uuid.UUID]:
    """The staff whose names the plan's section shows: its tasks' owners and confirmers, and
    whoever may own a new task (the page reads them with the rest of its staff names)."""
    wanted = {task.owner_id for task in plan.tasks} | {task.confirmed_by_id for task in plan.tasks}
    if _may_plan(user, case):
        wanted |= {case.case_manager_id, *practitioner_ids, user.id}
    return {staff_id for staff_id in wanted if staff_id is not None}


def _may_plan(user: User, case: Case) -> bool:
    return case.state != CaseState.CLOSED and policy.may_manage_case(user, case)


def case_plan_page(
    user: User,
    case: Case,
    plan: lists.CasePlan,
    *,
    practitioner_ids: Iterable[uuid.UUID | None] = (),
    names: Mapping[uuid.UUID, str],
) -> CasePlanPage:
    """What `user` may do with the case's `plan`; `practitioner_ids` (of the case's current
    enrolments) may own its new tasks. `names` holds (at least) the staff of `staff_to_name`."""
    may_plan = _may_plan(user, case)
    owners = (
        {
            staff_id: names[staff_id]
            for staff_id in dict.fromkeys([case.case_manager_id, *practitioner_ids, user.id])
            if staff_id is not None and staff_id in names
        }
        if may_plan
        else {}
    )
    page = CasePlanPage(
        plan=plan,
        may_plan=may_plan,
        owners=owners,
        staff_names=dict(names),
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
