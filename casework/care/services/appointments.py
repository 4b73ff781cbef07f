"""Scheduling appointments of an enrolment (one, or a weekly series), rescheduling and cancelling
them, recording attendance, and the agenda."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import (
    Appointment,
    AppointmentMode,
    AppointmentSeries,
    Attendance,
    Enrolment,
    EnrolmentStatus,
)
from casework.care.services.enrolments import case_of, require_enrolment
from casework.cases.models import Case, CaseKind
from casework.cases.services import cases
from casework.clock import centre_zone
from casework.db import db, get_or_not_found, utcnow
from casework.errors import N_, Conflict, Forbidden, NotFound, ValidationError, check_version
from casework.pagination import Page, paginate


def _may_schedule(user: User, enrolment: Enrolment, case: Case | None) -> None:
    """Appointments are kept by the enrolment's practitioner or the case's manager."""
    if policy.may_schedule(user, enrolment, case):
        return
    if case is None:
        raise Forbidden("only the practitioner may schedule this")
    policy.require_case_manager_of(user, case)


#: The longest weekly series scheduled at once.
MAX_WEEKS = 52
#: What cancelling an appointment records: who called it off.
CANCELLATIONS = (Attendance.CANCELLED_BY_CLIENT, Attendance.CANCELLED_BY_CENTRE)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError("times need a time zone", fields={"starts_at": ["naive time"]})
    if ends_at <= starts_at:
        raise ValidationError(
            "an appointment must end after it starts", fields={"ends_at": ["before start"]}
        )


def weekly_starts(starts_at: datetime, weeks: int) -> list[datetime]:
    """The same local time on the same weekday for `weeks` weeks, in the centre's time zone
    (a series keeps 10:00 across a change to or from summer time)."""
    local = starts_at.astimezone(centre_zone())
    return [
        datetime.combine(local.date() + timedelta(weeks=week), local.time(), tzinfo=centre_zone())
        for week in range(weeks)
    ]


def schedule_appointment(
    user: User,
    enrolment_id: uuid.UUID,
    *,
    starts_at: datetime,
    ends_at: datetime,
    mode: AppointmentMode,
    place: str | None = None,
    is_joint: bool = False,
    weeks: int = 1,
) -> Appointment:
    """Schedule an appointment of an active enrolment; with `weeks` over 1, a weekly series of
    that many appointments at the same local time (the first one is returned)."""
    enrolment, case = require_enrolment(user, enrolment_id)
    _may_schedule(user, enrolment, case)
    if case is not None:
        cases.require_not_closed(case)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict("appointments need an active enrolment")
    _check_times(starts_at, ends_at)
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError(
            "a weekly series has between 1 and %(most)s appointments",
            fields={"weeks": ["out of range"]},
            most=MAX_WEEKS,
        )
    if is_joint and (case is None or case.kind == CaseKind.INDIVIDUAL):
        raise ValidationError(
            "joint sessions belong to couple or family cases",
            fields={"is_joint": ["not a joint case"]},
        )
    series = None
    if weeks > 1:
        series = AppointmentSeries(enrolment_id=enrolment.id, created_by_id=user.id)
        db.session.add(series)
        db.session.flush()
    length = ends_at - starts_at
    scheduled = [
        Appointment(
            enrolment=enrolment,
            enrolment_id=enrolment.id,
            case_id=enrolment.case_id,
            practitioner_id=enrolment.practitioner_id,
            starts_at=start,
            ends_at=start + length,
            mode=mode,
            place=(place or "").strip() or None,
            is_joint=is_joint,
            series_id=series.id if series else None,
        )
        for start in (weekly_starts(starts_at, weeks) if series else [starts_at])
    ]
    db.session.add_all(scheduled)
    db.session.flush()
    audit.record_many(
        "appointment.create",
        actor=user,
        object_type=Appointment.__audit_type__,
        objects=[audit.Read(a.id, enrolment.client_id) for a in scheduled],
        fields=["starts_at"],
    )
    return scheduled[0]


def require_appointment(user: User, appointment_id: uuid.UUID) -> tuple[Appointment, Case | None]:
    """An appointment whose enrolment `user` may see, with its case; else NotFound."""
    appointment = policy.require_visible(user, Appointment, appointment_id, what="appointment")
    return appointment, case_of(appointment.enrolment)


def record_attendance(
    user: User, appointment_id: uuid.UUID, *, attendance: Attendance, expected_version: int
) -> Appointment:
    """Record whether the client came; attended or no-show only once the appointment began."""
    appointment, case = require_appointment(user, appointment_id)
    _may_schedule(user, appointment.enrolment, case)
    check_version(appointment, expected_version, N_("appointment"))
    if attendance in (Attendance.ATTENDED, Attendance.NO_SHOW) and appointment.starts_at > utcnow():
        raise ValidationError(
            "attendance can be recorded once the appointment has started",
            fields={"attendance": ["in the future"]},
        )
    appointment.attendance = attendance
    audit.record_change("appointment.attendance", appointment, actor=user, fields=["attendance"])
    db.session.flush()
    return appointment


def _require_scheduled(user: User, appointment_id: uuid.UUID) -> Appointment:
    """An appointment `user` keeps, still to take place or be recorded, in an open case."""
    appointment, case = require_appointment(user, appointment_id)
    _may_schedule(user, appointment.enrolment, case)
    if case is not None:
        cases.require_not_closed(case)
    if appointment.attendance != Attendance.SCHEDULED:
        raise Conflict("only a scheduled appointment can be moved or cancelled")
    return appointment


def reschedule_appointment(
    user: User,
    appointment_id: uuid.UUID,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str | None,
    expected_version: int,
) -> Appointment:
    """Move a scheduled appointment to another time (and room); it stays in its series."""
    appointment = _require_scheduled(user, appointment_id)
    check_version(appointment, expected_version, N_("appointment"))
    _check_times(starts_at, ends_at)
    appointment.starts_at = starts_at
    appointment.ends_at = ends_at
    appointment.place = (place or "").strip() or None
    audit.record_change(
        "appointment.reschedule", appointment, actor=user, fields=["starts_at", "ends_at", "place"]
    )
    db.session.flush()
    return appointment


def cancel_appointment(
    user: User,
    appointment_id: uuid.UUID,
    *,
    cancelled: Attendance,
    expected_version: int,
    with_later_in_series: bool = False,
) -> list[Appointment]:
    """Call off a scheduled appointment (by the client or by the centre); optionally the later
    scheduled appointments of its series too. Returns every appointment cancelled."""
    if cancelled not in CANCELLATIONS:
        raise ValidationError(
            "say who cancelled the appointment", fields={"attendance": ["not a cancellation"]}
        )
    appointment = _require_scheduled(user, appointment_id)
    check_version(appointment, expected_version, N_("appointment"))
    called_off = [appointment]
    if with_later_in_series and appointment.series_id is not None:
        called_off += db.session.scalars(
            select(Appointment)
            .where(
                Appointment.series_id == appointment.series_id,
                Appointment.id != appointment.id,
                Appointment.starts_at > appointment.starts_at,
                Appointment.attendance == Attendance.SCHEDULED,
            )
            .order_by(Appointment.starts_at)
        )
    for each in called_off:
        each.attendance = cancelled
    audit.record_many(
        "appointment.cancel",
        actor=user,
        object_type=Appointment.__audit_type__,
        objects=[audit.Read(a.id, appointment.enrolment.client_id) for a in called_off],
        fields=["attendance"],
    )
    db.session.flush()
    return called_off


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
    query = (
        select(Appointment)
        .where(
            Appointment.practitioner_id == practitioner_id,
            Appointment.starts_at >= starts_from,
            Appointment.starts_at < starts_before,
        )
        .options(selectinload(Appointment.enrolment))
    )
    return paginate(
        query, [Appointment.starts_at, Appointment.id], cursor=cursor, limit=limit, descending=False
    )


def appointments_of_case(user: User, case_id: uuid.UUID, *, limit: int = 200) -> list[Appointment]:
    """The appointments of a case the user may see (bounded; times, modes and attendance).

    Their enrolments are not read again: the case page reads the case's enrolments first, and
    an appointment's `enrolment` is then found in the session without a statement."""
    case = policy.require_case(user, case_id)
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.case_id == case.id)
            .order_by(Appointment.starts_at)
            .limit(limit)
        )
    )
