"""A run's meetings: schedule them, and record who was present."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.clients.models import Client
from casework.db import db, utcnow
from casework.errors import ValidationError
from casework.groups.models import (
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupMeeting,
    GroupRun,
    MeetingAttendance,
    MeetingPresence,
)
from casework.groups.services.enrolments import clients_by_id
from casework.pagination import Page, paginate


@dataclass(frozen=True)
class Presence:
    """One mark on an attendance sheet."""

    enrolment_id: uuid.UUID
    presence: MeetingPresence


@dataclass(frozen=True)
class SheetRow:
    enrolment: GroupEnrolment
    client: Client
    #: None until someone marks the person.
    presence: MeetingPresence | None


@dataclass(frozen=True)
class Sheet:
    """A meeting's attendance sheet: everyone holding a seat, and anyone already marked."""

    meeting: GroupMeeting
    run: GroupRun
    rows: list[SheetRow]


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    """Refuse times without a time zone, and an end that is not after the start."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError("times need a time zone", fields={"starts_at": ["naive time"]})
    if ends_at <= starts_at:
        raise ValidationError("it must end after it starts", fields={"ends_at": ["before start"]})


def schedule_meeting(
    user: User,
    run_id: uuid.UUID,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str | None = None,
    topic: str | None = None,
) -> GroupMeeting:
    """Add a meeting to the run's schedule (its managers)."""
    run = policy.require_group_run(user, run_id)
    policy.require_group_run_manager(user, run)
    check_times(starts_at, ends_at)
    meeting = GroupMeeting(
        run_id=run.id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip() or None,
        topic=(topic or "").strip() or None,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def list_meetings(
    user: User, run_id: uuid.UUID, *, cursor: str | None = None, limit: int = 50
) -> Page[GroupMeeting]:
    """The run's schedule, earliest first."""
    run = policy.require_group_run(user, run_id)
    query = select(GroupMeeting).where(GroupMeeting.run_id == run.id)
    return paginate(
        query,
        [GroupMeeting.starts_at, GroupMeeting.id],
        cursor=cursor,
        limit=limit,
        descending=False,
    )


def _require_meeting(user: User, meeting_id: uuid.UUID) -> tuple[GroupMeeting, GroupRun]:
    meeting = policy.require_visible(user, GroupMeeting, meeting_id, what="meeting")
    run = db.session.get(GroupRun, meeting.run_id)
    assert run is not None
    return meeting, run


def record_attendance(
    user: User, meeting_id: uuid.UUID, entries: Sequence[Presence]
) -> list[MeetingAttendance]:
    """Record (or correct) who was at a meeting; only people in the run can be marked."""
    meeting, run = _require_meeting(user, meeting_id)
    if meeting.starts_at > utcnow():
        raise ValidationError(
            "attendance can be recorded once the meeting has started",
            fields={"meeting": ["in the future"]},
        )
    wanted = {entry.enrolment_id: entry.presence for entry in entries}
    enrolments = {
        e.id: e
        for e in db.session.scalars(
            select(GroupEnrolment).where(
                GroupEnrolment.id.in_(wanted), GroupEnrolment.run_id == run.id
            )
        )
    }
    unknown = [str(i) for i in wanted if i not in enrolments]
    if unknown:
        raise ValidationError(
            "only people enrolled in this run can be marked",
            fields={"records": [f"not in this run: {i}" for i in unknown]},
        )
    if any(e.status == GroupEnrolmentStatus.WAITLISTED for e in enrolments.values()):
        raise ValidationError(
            "people on the waitlist have no seat at the meeting",
            fields={"records": ["waitlisted"]},
        )
    existing = {
        a.enrolment_id: a
        for a in db.session.scalars(
            select(MeetingAttendance).where(
                MeetingAttendance.meeting_id == meeting.id,
                MeetingAttendance.enrolment_id.in_(wanted),
            )
        )
    }
    for enrolment_id, presence in wanted.items():
        row = existing.get(enrolment_id)
        if row is None:
            row = MeetingAttendance(meeting_id=meeting.id, enrolment_id=enrolment_id)
            db.session.add(row)
        row.presence = presence
        row.recorded_at = utcnow()
        row.recorded_by_id = user.id
    audit.record_many(
        "group_attendance.record",
        actor=user,
        object_type=GroupEnrolment.__audit_type__,
        objects=[audit.Read(e.id, e.client_id) for e in enrolments.values()],
        fields=["presence"],
    )
    db.session.flush()
    return list(
        db.session.scalars(
            select(MeetingAttendance)
            .where(MeetingAttendance.meeting_id == meeting.id)
            .order_by(MeetingAttendance.id)
        )
    )


def attendance_of(
    user: User, meeting_id: uuid.UUID, *, cursor: str | None = None, limit: int = 50
) -> Page[MeetingAttendance]:
    """The marks recorded for a meeting (the run's managers)."""
    meeting, _ = _require_meeting(user, meeting_id)
    query = select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    return paginate(query, [MeetingAttendance.id], cursor=cursor, limit=limit, descending=False)


def sheet(user: User, meeting_id: uuid.UUID) -> Sheet:
    """The attendance sheet of a meeting, with the people's client records (read audited)."""
    meeting, run = _require_meeting(user, meeting_id)
    marked = {
        a.enrolment_id: a.presence
        for a in db.session.scalars(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        )
    }
    enrolments = list(
        db.session.scalars(
            select(GroupEnrolment)
            .where(
                GroupEnrolment.run_id == run.id,
                (GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE)
                | GroupEnrolment.id.in_(list(marked) or [uuid.UUID(int=0)]),
            )
            .order_by(GroupEnrolment.enrolled_at, GroupEnrolment.id)
        )
    )
    clients = clients_by_id(e.client_id for e in enrolments)
    audit.record_many(
        "group_attendance.read",
        actor=user,
        object_type=GroupEnrolment.__audit_type__,
        objects=[audit.Read(e.id, e.client_id) for e in enrolments],
        fields=["name", "presence"],
    )
    rows = [SheetRow(e, clients[e.client_id], marked.get(e.id)) for e in enrolments]
    return Sheet(meeting, run, rows)
