"""Cohort mentoring: individual appointments of a cohort member with a mentor."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User, UserRole
from casework.care.models import Attendance
from casework.db import db, utcnow
from casework.errors import N_, Conflict, ValidationError, check_version
from casework.groups.models import GroupEnrolmentStatus, MentoringSession
from casework.groups.services.enrolments import require_enrolment
from casework.groups.services.meetings import check_times
from casework.groups.services.runs import require_staff
from casework.pagination import Page, paginate


def schedule_mentoring(
    user: User,
    enrolment_id: uuid.UUID,
    *,
    mentor_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
) -> MentoringSession:
    """An individual mentoring appointment for a member of a cohort (course, academy)."""
    enrolment, run = require_enrolment(user, enrolment_id)
    policy.require_group_run_manager(user, run)
    if not run.is_cohort:
        raise Conflict("mentoring belongs to cohort programmes (courses, the leaders' academy)")
    if enrolment.status != GroupEnrolmentStatus.ACTIVE:
        raise Conflict("mentoring is for members holding a seat in the cohort")
    check_times(starts_at, ends_at)
    require_staff([mentor_id], policy.LEAD_GROUPS, field="mentor_id")
    session = MentoringSession(
        enrolment_id=enrolment.id,
        run_id=run.id,
        mentor_id=mentor_id,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    db.session.add(session)
    # Filed under the member: the session has no client of its own.
    audit.record(
        "mentoring.create",
        actor=user,
        object_type=MentoringSession.__audit_type__,
        object_id=session.id,
        client_id=enrolment.client_id,
        fields=["starts_at", "mentor_id"],
    )
    db.session.flush()
    return session


def list_mentoring(
    user: User, run_id: uuid.UUID, *, cursor: str | None = None, limit: int = 50
) -> Page[MentoringSession]:
    """A cohort's mentoring sessions; a mentor who does not manage the run sees their own."""
    run = policy.require_group_run(user, run_id)
    query = select(MentoringSession).where(MentoringSession.run_id == run.id)
    if not policy.may_manage_group_run(user, run):
        query = query.where(MentoringSession.mentor_id == user.id)
    return paginate(
        query,
        [MentoringSession.starts_at, MentoringSession.id],
        cursor=cursor,
        limit=limit,
        descending=False,
    )


def record_mentoring_attendance(
    user: User, session_id: uuid.UUID, *, attendance: Attendance, expected_version: int
) -> MentoringSession:
    """Mark whether the member came (the mentor or the run's managers)."""
    session = policy.require_visible(user, MentoringSession, session_id, what="mentoring session")
    check_version(session, expected_version, N_("mentoring session"))
    if attendance in (Attendance.ATTENDED, Attendance.NO_SHOW) and session.starts_at > utcnow():
        raise ValidationError(
            "attendance can be recorded once the session has started",
            fields={"attendance": ["in the future"]},
        )
    session.attendance = attendance
    db.session.flush()
    return session


def mentors() -> list[User]:
    """Active staff who may mentor (the choices of the mentoring form), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_enabled.is_(True),
                User.id.in_(
                    select(UserRole.user_id).where(UserRole.role.in_(policy.LEAD_GROUPS.roles))
                ),
            )
            .order_by(User.display_name)
        )
    )
