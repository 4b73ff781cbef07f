"""The caseload review of a supervisor's teams, every figure one grouped SQL query.

"Level" is the level of a case's most recent completed risk assessment (the NORR instrument);
a case without one is "unassessed". "Contact" is an appointment of the case that was attended.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Subquery, and_, case, func, or_, select

from casework import policy
from casework.auth.models import User
from casework.care.models import Appointment, Attendance, Enrolment, EnrolmentStatus
from casework.case_assessments.models import Assessment, AssessmentState
from casework.cases.models import Case, CaseState
from casework.db import db, utcnow
from casework.errors import ValidationError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun

RISK_INSTRUMENT = "norr"
HIGH_LEVELS = ("high", "very_high")
UNASSESSED = "unassessed"
#: States in which a case is worked on, so its risk should be reassessed regularly.
WORKING_STATES = (CaseState.ACTIVE, CaseState.ON_HOLD)


@dataclass(frozen=True)
class ReviewSettings:
    no_contact_days: int = 30
    reassessment_days: int = 90


#: Risk levels from least to most severe; a case's level is its most severe participant's.
SEVERITY = ("low", "moderate", "high", "very_high")


def _latest_risk() -> Subquery:
    """Each case's risk: the most severe of its participants' latest completed risk levels, and
    when the newest of those assessments was completed.

    Per participant, not per case: in a couple, one partner's calm reassessment must not hide
    the other's very high risk.
    """
    ranked = (
        select(
            Assessment.case_id,
            Assessment.level,
            Assessment.completed_at,
            func.row_number()
            .over(
                partition_by=(Assessment.case_id, Assessment.client_id),
                order_by=(Assessment.completed_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Assessment.state == AssessmentState.COMPLETED,
            Assessment.instrument_id == RISK_INSTRUMENT,
        )
        .subquery()
    )
    severity = case(
        *((ranked.c.level == level, rank) for rank, level in enumerate(SEVERITY, start=1)),
        else_=0,
    )
    per_case = (
        select(
            ranked.c.case_id,
            func.max(severity).label("severity"),
            func.max(ranked.c.completed_at).label("completed_at"),
        )
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.case_id)
        .subquery()
    )
    level = case(
        *((per_case.c.severity == rank, level) for rank, level in enumerate(SEVERITY, start=1)),
        else_=None,
    )
    return select(per_case.c.case_id, level.label("level"), per_case.c.completed_at).subquery(
        "latest_risk"
    )


def _last_contact() -> Subquery:
    return (
        select(Appointment.case_id, func.max(Appointment.starts_at).label("last_contact_at"))
        .where(Appointment.attendance == Attendance.ATTENDED, Appointment.case_id.is_not(None))
        .group_by(Appointment.case_id)
        .subquery("last_contact")
    )


def review(
    user: User,
    *,
    team_id: uuid.UUID | None = None,
    settings: ReviewSettings | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The figures a supervisor reviews for their teams (one team if `team_id` is given)."""
    teams = policy.require_reviewed_teams(user, team_id)
    settings = settings or ReviewSettings()
    if not (1 <= settings.no_contact_days <= 3650 and 1 <= settings.reassessment_days <= 3650):
        raise ValidationError(
            "day limits must be between 1 and 3650", fields={"no_contact_days": ["out of range"]}
        )
    now = now or utcnow()
    latest = _latest_risk()
    level = func.coalesce(latest.c.level, UNASSESSED).label("level")
    open_cases = and_(Case.team_id.in_(teams), Case.state != CaseState.CLOSED)

    by_manager = db.session.execute(
        select(Case.case_manager_id, Case.state, level, func.count(Case.id))
        .outerjoin(latest, latest.c.case_id == Case.id)
        .where(open_cases)
        .group_by(Case.case_manager_id, Case.state, level)
        .order_by(Case.case_manager_id, Case.state, level)
    )
    by_practitioner = db.session.execute(
        select(Enrolment.practitioner_id, Case.state, level, func.count(func.distinct(Case.id)))
        .join(Case, Case.id == Enrolment.case_id)
        .outerjoin(latest, latest.c.case_id == Case.id)
        .where(
            open_cases,
            Enrolment.practitioner_id.is_not(None),
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
        .group_by(Enrolment.practitioner_id, Case.state, level)
        .order_by(Enrolment.practitioner_id, Case.state, level)
    )
    contact = _last_contact()
    no_contact_since = now - timedelta(days=settings.no_contact_days)
    without_contact = db.session.execute(
        select(
            Case.id,
            Case.reference,
            Case.case_manager_id,
            latest.c.level,
            contact.c.last_contact_at,
        )
        .join(latest, latest.c.case_id == Case.id)
        .outerjoin(contact, contact.c.case_id == Case.id)
        .where(
            open_cases,
            latest.c.level.in_(HIGH_LEVELS),
            or_(contact.c.last_contact_at.is_(None), contact.c.last_contact_at < no_contact_since),
        )
        .order_by(Case.reference)
    )
    reassess_before = now - timedelta(days=settings.reassessment_days)
    overdue = db.session.execute(
        select(Case.id, Case.reference, Case.case_manager_id, latest.c.completed_at)
        .outerjoin(latest, latest.c.case_id == Case.id)
        .where(
            Case.team_id.in_(teams),
            Case.state.in_(WORKING_STATES),
            or_(latest.c.completed_at.is_(None), latest.c.completed_at < reassess_before),
        )
        .order_by(Case.reference)
    )
    waiting = GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED
    seated = GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE
    waitlists = db.session.execute(
        select(
            GroupRun.id,
            GroupRun.name,
            GroupRun.capacity,
            func.coalesce(func.sum(case((seated, 1), else_=0)), 0),
            func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
        )
        .outerjoin(GroupEnrolment, GroupEnrolment.run_id == GroupRun.id)
        .where(GroupRun.team_id.in_(teams))
        .group_by(GroupRun.id, GroupRun.name, GroupRun.capacity)
        .order_by(GroupRun.name)
    )
    return {
        "team_ids": teams,
        "no_contact_days": settings.no_contact_days,
        "reassessment_days": settings.reassessment_days,
        "by_case_manager": [
            {"case_manager_id": who, "state": CaseState(state), "level": lvl, "cases": n}
            for who, state, lvl, n in by_manager
        ],
        "by_practitioner": [
            {"practitioner_id": who, "state": CaseState(state), "level": lvl, "cases": n}
            for who, state, lvl, n in by_practitioner
        ],
        "high_risk_without_contact": [
            {
                "case_id": case_id,
                "reference": reference,
                "case_manager_id": manager,
                "level": lvl,
                "last_contact_at": last,
            }
            for case_id, reference, manager, lvl, last in without_contact
        ],
        "overdue_reassessments": [
            {
                "case_id": case_id,
                "reference": reference,
                "case_manager_id": manager,
                "last_assessed_at": last,
            }
            for case_id, reference, manager, last in overdue
        ],
        "waitlists": [
            {
                "group_run_id": run_id,
                "name": name,
                "capacity": capacity,
                "active": int(active),
                "waitlisted": int(waitlisted),
            }
            for run_id, name, capacity, active, waitlisted in waitlists
        ],
    }
