"""The tasks a mandatory action opens once routing recommends it: a safety plan, the Niebieska
Karta procedure and (with children in the household) a child-protection notice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Decision, Recommendation, RecommendationKind
from casework.case_assessments.services.routing import routed
from casework.cases.models import Case
from casework.clock import centre_today
from casework.db import db
from casework.tasks.models import Task, TaskKind

#: The tasks a mandatory service stands for; any other mandatory service is one task.
TASKS_OF_SERVICE = {"safety_planning": (TaskKind.SAFETY_PLAN, TaskKind.BLUE_CARD)}
#: Days from the routing to the due date.
DAYS_TO_DO = {
    TaskKind.SAFETY_PLAN: 1,
    TaskKind.BLUE_CARD: 5,
    TaskKind.CHILD_PROTECTION: 2,
    TaskKind.MANDATORY_ACTION: 2,
}


def kinds_for(recommendation: Recommendation, case: Case) -> tuple[TaskKind, ...]:
    """The tasks a mandatory recommendation opens on `case`."""
    kinds = TASKS_OF_SERVICE.get(recommendation.service_code, (TaskKind.MANDATORY_ACTION,))
    if kinds != (TaskKind.MANDATORY_ACTION,) and case.children_in_household:
        kinds = (*kinds, TaskKind.CHILD_PROTECTION)
    return kinds


def open_mandatory_tasks(case: Case, *, actor: User, today: date | None = None) -> list[Task]:
    """A task for each mandatory action of the case's recommendations that has none yet, owned
    by the case manager (else by `actor`); recorded in the audit trail."""
    today = today or centre_today()
    waiting = db.session.scalars(
        select(Recommendation).where(
            Recommendation.case_id == case.id,
            Recommendation.kind == RecommendationKind.MANDATORY,
            Recommendation.decision.in_(
                [Decision.PENDING, Decision.ACCEPTED, Decision.DECLINE_REQUESTED]
            ),
            ~select(Task.id).where(Task.recommendation_id == Recommendation.id).exists(),
        )
    )
    opened = [
        Task(
            case_id=case.id,
            client_id=recommendation.client_id,
            recommendation_id=recommendation.id,
            is_individual=recommendation.is_individual,
            kind=kind,
            service_code=recommendation.service_code,
            owner_id=case.case_manager_id or actor.id,
            due_on=today + timedelta(days=DAYS_TO_DO[kind]),
            created_by_id=actor.id,
        )
        for recommendation in waiting
        for kind in kinds_for(recommendation, case)
    ]
    db.session.add_all(opened)
    db.session.flush()
    for task in opened:
        audit.record_change("task.open", task, actor=actor, fields=["kind", "owner_id", "due_on"])
    return opened


def _on_routed(case: Case, **details: Any) -> None:
    open_mandatory_tasks(case, actor=details["actor"])


routed.connect(_on_routed)
