"""The caseload review of a supervisor's teams, every figure one grouped SQL query.

"Level" is the level of a case's most recent completed risk assessment (the NORR instrument);
a case without one is "unassessed". "Contact" is an appointment of the case that was attended.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Subquery, and_, case, func, or_, select

from casework import policy
from casework.auth.models import User
from casework.care.models import Appointment, Attendance, Enrolment, EnrolmentStatus
from casework.case_assessments.services.levels import latest_risk
from casework.cases.models import Case, CaseState
from casework.db import db, utcnow
from casework.errors import ValidationError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun

HIGH_LEVELS = ("high", "very_high")
UNASSESSED = "unassessed"
#: States in which a case is worked on, so its risk should be reassessed regularly.
WORKING_STATES = (CaseState.ACTIVE, CaseState.ON_HOLD)


@dataclass(frozen=True)
class ReviewSettings:
    no_contact_days: int = 30
    reassessment_days: int = 90


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
    latest = latest_risk()
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
    #: Never contacted: counted from the opening of the case.
    quiet_since = func.coalesce(contact.c.last_contact_at, Case.opened_at)
    without_contact = db.session.execute(
        select(
            Case.id,
            Case.reference,
            Case.case_manager_id,
            latest.c.level,
            contact.c.last_contact_at,
            quiet_since,
        )
        .join(latest, latest.c.case_id == Case.id)
        .outerjoin(contact, contact.c.case_id == Case.id)
        .where(
            open_cases,
            latest.c.level.in_(HIGH_LEVELS),
            Case.opened_at < no_contact_since,
            or_(contact.c.last_contact_at.is_(None), contact.c.last_contact_at < no_contact_since),
        )
        .order_by(latest.c.severity.desc(), quiet_since, Case.reference)
    ).all()
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
    practitioners = practitioners_of([row[0] for row in without_contact])
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
                "practitioner_ids": practitioners.get(case_id, []),
                "level": lvl,
                "last_contact_at": last,
                "days_without_contact": (now - _aware(quiet)).days,
            }
            for case_id, reference, manager, lvl, last, quiet in without_contact
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


def _aware(moment: datetime) -> datetime:
    """A timestamp read through coalesce() comes back without the column type's time zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def practitioners_of(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The practitioners of each case's active enrolments (one query)."""
    if not case_ids:
        return {}
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    rows = db.session.execute(
        select(Enrolment.case_id, Enrolment.practitioner_id)
        .where(
            Enrolment.case_id.in_(set(case_ids)),
            Enrolment.practitioner_id.is_not(None),
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
        .distinct()
        .order_by(Enrolment.case_id, Enrolment.practitioner_id)
    )
    for case_id, practitioner_id in rows:
        if case_id is not None and practitioner_id is not None:
            found.setdefault(case_id, []).append(practitioner_id)
    return found


@dataclass(frozen=True)
class FigureFilters:
    """Which figure of the review a list is behind: a worker's open cases, in a state or a level."""

    case_manager_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None
    state: CaseState | None = None
    #: A risk level code, or UNASSESSED.
    level: str | None = None


def cases_behind(
    user: User, filters: FigureFilters, *, team_id: uuid.UUID | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """The open cases of the supervisor's teams a figure of the review counts, the most serious
    level first, then the longest without contact."""
    teams = policy.require_reviewed_teams(user, team_id)
    latest = latest_risk()
    contact = _last_contact()
    level = func.coalesce(latest.c.level, UNASSESSED)
    conditions = [Case.team_id.in_(teams), Case.state != CaseState.CLOSED]
    if filters.case_manager_id is not None:
        conditions.append(Case.case_manager_id == filters.case_manager_id)
    if filters.practitioner_id is not None:
        conditions.append(
            Case.id.in_(
                select(Enrolment.case_id).where(
                    Enrolment.practitioner_id == filters.practitioner_id,
                    Enrolment.status == EnrolmentStatus.ACTIVE,
                )
            )
        )
    if filters.state is not None:
        conditions.append(Case.state == filters.state)
    if filters.level is not None:
        conditions.append(level == filters.level)
    rows = db.session.execute(
        select(
            Case.id,
            Case.reference,
            Case.state,
            Case.case_manager_id,
            level,
            contact.c.last_contact_at,
        )
        .outerjoin(latest, latest.c.case_id == Case.id)
        .outerjoin(contact, contact.c.case_id == Case.id)
        .where(*conditions)
        .order_by(
            func.coalesce(latest.c.severity, 0).desc(),
            func.coalesce(contact.c.last_contact_at, Case.opened_at),
            Case.reference,
        )
        .limit(limit)
    ).all()
    practitioners = practitioners_of([row[0] for row in rows])
    return [
        {
            "case_id": case_id,
            "reference": reference,
            "state": CaseState(state),
            "case_manager_id": manager,
            "practitioner_ids": practitioners.get(case_id, []),
            "level": lvl,
            "last_contact_at": last,
        }
        for case_id, reference, state, manager, lvl, last in rows
    ]
