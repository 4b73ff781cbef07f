"""Scheduling appointments of an enrolment, recording attendance, and the agenda."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import (
    Appointment,
    AppointmentMode,
    Attendance,
    Enrolment,
    EnrolmentStatus,
)
from casework.care.services.enrolments import case_of, require_enrolment, visible_enrolments
from casework.cases.models import Case, CaseKind
from casework.cases.services import cases
from casework.db import db, get_or_not_found, utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError, check_version
from casework.pagination import Page, paginate


def _may_schedule(user: User, enrolment: Enrolment, case: Case | None) -> None:
    """Appointments are kept by the enrolment's practitioner or the case's manager."""
    if enrolment.practitioner_id == user.id:
        return
    if case is None:
        raise Forbidden("only the practitioner may schedule this")
    policy.require_case_manager_of(user, case)


def schedule_appointment(
    user: User,
    enrolment_id: uuid.UUID,
    *,
    starts_at: datetime,
    ends_at: datetime,
    mode: AppointmentMode,
    place: str | None = None,
    is_joint: bool = False,
) -> Appointment:
    """Schedule an appointment of an active enrolment."""
    enrolment, case = require_enrolment(user, enrolment_id)
    _may_schedule(user, enrolment, case)
    if case is not None:
        cases.require_not_closed(case)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict("appointments need an active enrolment")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError("times need a time zone", fields={"starts_at": ["naive time"]})
    if ends_at <= starts_at:
        raise ValidationError(
            "an appointment must end after it starts", fields={"ends_at": ["before start"]}
        )
    if is_joint and (case is None or case.kind == CaseKind.INDIVIDUAL):
        raise ValidationError(
            "joint sessions belong to couple or family cases",
            fields={"is_joint": ["not a joint case"]},
        )
    appointment = Appointment(
        enrolment=enrolment,
        enrolment_id=enrolment.id,
        case_id=enrolment.case_id,
        practitioner_id=enrolment.practitioner_id,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=(place or "").strip() or None,
        is_joint=is_joint,
    )
    db.session.add(appointment)
    audit.record_change("appointment.create", appointment, actor=user, fields=["starts_at"])
    db.session.flush()
    return appointment


def require_appointment(user: User, appointment_id: uuid.UUID) -> tuple[Appointment, Case | None]:
    """An appointment whose enrolment `user` may see, with its case; else NotFound."""
    appointment = policy.require_visible(
        user,
        Appointment,
        appointment_id,
        what="appointment",
        visible=Appointment.enrolment_id.in_(select(Enrolment.id).where(visible_enrolments(user))),
    )
    return appointment, case_of(appointment.enrolment)


def record_attendance(
    user: User, appointment_id: uuid.UUID, *, attendance: Attendance, expected_version: int
) -> Appointment:
    """Record whether the client came; attended or no-show only once the appointment began."""
    appointment, case = require_appointment(user, appointment_id)
    _may_schedule(user, appointment.enrolment, case)
    check_version(appointment, expected_version, "appointment")
    if attendance in (Attendance.ATTENDED, Attendance.NO_SHOW) and appointment.starts_at > utcnow():
        raise ValidationError(
            "attendance can be recorded once the appointment has started",
            fields={"attendance": ["in the future"]},
        )
    appointment.attendance = attendance
    audit.record_change("appointment.attendance", appointment, actor=user, fields=["attendance"])
    db.session.flush()
    return appointment


def agenda(
    user: User,
    *,
    starts_from: datetime,
    starts_before: datetime,
    practitioner_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Appointment]:
    """Appointments in a time window: one's own, or (supervisors) a practitioner of their team."""
    practitioner_id = practitioner_id or user.id
    if practitioner_id != user.id:
        practitioner = get_or_not_found(User, practitioner_id, "practitioner")
        if not policy.supervises_user(user, practitioner):
            raise NotFound("no such practitioner")
    query = select(Appointment).where(
        Appointment.practitioner_id == practitioner_id,
        Appointment.starts_at >= starts_from,
        Appointment.starts_at < starts_before,
    )
    return paginate(
        query, [Appointment.starts_at, Appointment.id], cursor=cursor, limit=limit, descending=False
    )


def appointments_of_case(user: User, case_id: uuid.UUID, *, limit: int = 200) -> list[Appointment]:
    """The appointments of a case the user may see (bounded; times, modes and attendance)."""
    case = policy.require_case(user, case_id)
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.case_id == case.id)
            .options(selectinload(Appointment.enrolment))
            .order_by(Appointment.starts_at)
            .limit(limit)
        )
    )
