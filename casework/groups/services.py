"""Use cases for group runs: create, enrol (seat or waitlist), withdraw (promote), meet, attend.

Enrolment and withdrawal lock the run's row first (SELECT ... FOR UPDATE on PostgreSQL), so
concurrent requests queue: the run is never over capacity and waitlist positions stay 1..n.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update

from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.care.models import Attendance
from casework.cases import services as cases
from casework.catalogue.models import Service
from casework.clients.models import Client
from casework.clients.services import require_processing_basis
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError, check_version
from casework.groups.models import (
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupFacilitator,
    GroupMeeting,
    GroupRun,
    MeetingAttendance,
    MeetingPresence,
    MentoringSession,
)
from casework.pagination import Page, paginate

OPEN_STATUSES = (GroupEnrolmentStatus.ACTIVE, GroupEnrolmentStatus.WAITLISTED)


def _check_capacity(capacity: int, service: Service) -> None:
    """Seats within the service's limit (`Service.seat_limit`, set in the catalogue)."""
    if not 1 <= capacity <= service.seat_limit:
        raise ValidationError(
            f"capacity must be between 1 and {service.seat_limit} for this service",
            fields={"capacity": ["out of range"]},
        )


@dataclass(frozen=True)
class RunFigures:
    """A run with its facilitators and how many hold a seat or wait."""

    run: GroupRun
    facilitator_ids: list[uuid.UUID]
    active_count: int
    waitlist_count: int


def _require_staff(user_ids: Sequence[uuid.UUID], *roles: Role, field: str) -> list[User]:
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    staff = [found.get(user_id) for user_id in user_ids]
    if any(u is None or not u.is_enabled or not u.has_role(*roles) for u in staff):
        names = ", ".join(role.value for role in roles)
        raise ValidationError(
            f"every {field.removesuffix('s').replace('_', ' ')} must be active staff with one "
            f"of the roles: {names}",
            fields={field: ["unknown or not allowed"]},
        )
    return [u for u in staff if u is not None]


def create_run(
    user: User,
    *,
    name: str,
    service_code: str,
    capacity: int | None = None,
    starts_on: date,
    ends_on: date | None = None,
    is_cohort: bool = False,
    facilitator_ids: Sequence[uuid.UUID] = (),
) -> GroupRun:
    """Open a run of a group service in the creator's team; a facilitator who creates it runs it.

    Without `capacity` the run gets its service's default capacity."""
    policy.require_role(user, Role.SUPERVISOR, Role.FACILITATOR)
    service = db.session.get(Service, service_code)
    if service is None or not service.is_active or not service.is_group:
        raise ValidationError(
            f"{service_code!r} is not an active group or workshop service",
            fields={"service_code": ["not a group service"]},
        )
    if capacity is None:
        capacity = service.default_capacity
        if capacity is None:
            raise ValidationError(
                "this service has no default capacity; give the number of seats",
                fields={"capacity": ["required"]},
            )
    _check_capacity(capacity, service)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("a run cannot end before it starts", fields={"ends_on": ["early"]})
    name = name.strip()
    if db.session.scalar(select(GroupRun.id).where(GroupRun.name == name)):
        raise Conflict(f"a group run named {name!r} exists; choose another name")
    wanted = list(dict.fromkeys(facilitator_ids))
    if user.has_role(Role.FACILITATOR) and user.id not in wanted:
        wanted.insert(0, user.id)
    if not wanted:
        raise ValidationError(
            "a group run needs at least one facilitator", fields={"facilitator_ids": ["empty"]}
        )
    _require_staff(wanted, Role.FACILITATOR, Role.THERAPIST, field="facilitator_ids")
    run = GroupRun(
        name=name,
        service_code=service.code,
        capacity=capacity,
        is_cohort=is_cohort,
        team_id=user.team_id,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=user.id,
    )
    db.session.add(run)
    db.session.flush()
    db.session.add_all(GroupFacilitator(run_id=run.id, user_id=user_id) for user_id in wanted)
    db.session.flush()
    return run


def _figures(runs: Sequence[GroupRun]) -> list[RunFigures]:
    """Counts and facilitators of many runs in two grouped queries."""
    ids = [run.id for run in runs]
    counts: dict[tuple[uuid.UUID, GroupEnrolmentStatus], int] = {}
    facilitators: dict[uuid.UUID, list[uuid.UUID]] = {run_id: [] for run_id in ids}
    if ids:
        rows = db.session.execute(
            select(GroupEnrolment.run_id, GroupEnrolment.status, func.count())
            .where(GroupEnrolment.run_id.in_(ids), GroupEnrolment.status.in_(OPEN_STATUSES))
            .group_by(GroupEnrolment.run_id, GroupEnrolment.status)
        )
        counts = {(run_id, status): count for run_id, status, count in rows}
        for run_id, user_id in db.session.execute(
            select(GroupFacilitator.run_id, GroupFacilitator.user_id)
            .where(GroupFacilitator.run_id.in_(ids))
            .order_by(GroupFacilitator.user_id)
        ):
            facilitators[run_id].append(user_id)
    return [
        RunFigures(
            run,
            facilitators[run.id],
            counts.get((run.id, GroupEnrolmentStatus.ACTIVE), 0),
            counts.get((run.id, GroupEnrolmentStatus.WAITLISTED), 0),
        )
        for run in runs
    ]


def get_run(user: User, run_id: uuid.UUID) -> RunFigures:
    return _figures([policy.require_group_run(user, run_id)])[0]


def list_runs(
    user: User,
    *,
    service_code: str | None = None,
    is_cohort: bool | None = None,
    facilitated_by_me: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[RunFigures]:
    """Group runs, newest first; clinical staff see them all (no client data in a run)."""
    if not policy.may_see_group_runs(user):
        raise Forbidden("group runs are for clinical staff")
    query = select(GroupRun)
    if service_code:
        query = query.where(GroupRun.service_code == service_code)
    if is_cohort is not None:
        query = query.where(GroupRun.is_cohort.is_(is_cohort))
    if facilitated_by_me:
        query = query.where(
            GroupRun.id.in_(
                select(GroupFacilitator.run_id).where(GroupFacilitator.user_id == user.id)
            )
        )
    page = paginate(query, [GroupRun.starts_on, GroupRun.id], cursor=cursor, limit=limit)
    return Page(_figures(page.items), page.next_cursor)


# --- enrolment, waitlist and promotion -----------------------------------------------------


def _locked_run(user: User, run_id: uuid.UUID) -> GroupRun:
    """The run, its row locked until the transaction ends, so seat counts cannot race."""
    if not policy.may_see_group_runs(user):
        raise NotFound("no such group run")
    run = db.session.scalar(
        select(GroupRun)
        .where(GroupRun.id == run_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if run is None:
        raise NotFound("no such group run")
    return run


def _count(run: GroupRun, status: GroupEnrolmentStatus) -> int:
    counted = db.session.scalar(
        select(func.count()).where(GroupEnrolment.run_id == run.id, GroupEnrolment.status == status)
    )
    return counted or 0


def _may_enrol(user: User, run: GroupRun, client_id: uuid.UUID, case_id: uuid.UUID | None) -> None:
    if case_id is None:
        # People enrolled directly (clubs, courses) need no case: the run's managers add them.
        policy.require_group_run_manager(user, run)
        client = db.session.get(Client, client_id)
        if client is None or client.is_erased:
            raise ValidationError("no such client", fields={"client_id": ["unknown"]})
        return
    case = policy.require_case(user, case_id)
    if not policy.may_manage_group_run(user, run):
        policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    if client_id not in case.client_ids:
        raise ValidationError(
            "only a participant of the case can be enrolled on it",
            fields={"client_id": ["not a participant"]},
        )


def enrol(
    user: User, run_id: uuid.UUID, *, client_id: uuid.UUID, case_id: uuid.UUID | None = None
) -> GroupEnrolment:
    """Give the person a seat if one is free, otherwise the next place on the waitlist."""
    run = _locked_run(user, run_id)
    _may_enrol(user, run, client_id, case_id)
    require_processing_basis([client_id])
    if run.ends_on is not None and run.ends_on < utcnow().date():
        raise Conflict("this group run has ended; enrol in a current run")
    already = db.session.scalar(
        select(GroupEnrolment.id).where(
            GroupEnrolment.run_id == run.id,
            GroupEnrolment.client_id == client_id,
            GroupEnrolment.status.in_(OPEN_STATUSES),
        )
    )
    if already:
        raise Conflict("this person is already enrolled or waiting in this group run")
    enrolment = GroupEnrolment(
        run_id=run.id, client_id=client_id, case_id=case_id, created_by_id=user.id
    )
    if _count(run, GroupEnrolmentStatus.ACTIVE) < run.capacity:
        enrolment.status = GroupEnrolmentStatus.ACTIVE
        enrolment.activated_at = utcnow()
    else:
        last = db.session.scalar(
            select(func.max(GroupEnrolment.waitlist_position)).where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
            )
        )
        enrolment.status = GroupEnrolmentStatus.WAITLISTED
        enrolment.waitlist_position = (last or 0) + 1
    db.session.add(enrolment)
    audit.record(
        "group_enrolment.create",
        actor=user,
        object_type="group_enrolment",
        object_id=enrolment.id,
        client_id=client_id,
        fields=["run_id", "status"],
    )
    db.session.flush()
    return enrolment


def _close_gap(run: GroupRun, position: int) -> None:
    """Move everyone behind `position` one place up, so positions stay 1..n."""
    db.session.execute(
        update(GroupEnrolment)
        .where(
            GroupEnrolment.run_id == run.id,
            GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
            GroupEnrolment.waitlist_position > position,
        )
        .values(waitlist_position=GroupEnrolment.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def _promote_waiting(user: User, run: GroupRun) -> list[GroupEnrolment]:
    """Fill free seats from the head of the waitlist (under the run's lock)."""
    free = run.capacity - _count(run, GroupEnrolmentStatus.ACTIVE)
    if free <= 0:
        return []
    promoted = list(
        db.session.scalars(
            select(GroupEnrolment)
            .where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
            )
            .order_by(GroupEnrolment.waitlist_position)
            .limit(free)
            .execution_options(populate_existing=True)
        )
    )
    for enrolment in promoted:
        enrolment.status = GroupEnrolmentStatus.ACTIVE
        enrolment.waitlist_position = None
        enrolment.activated_at = utcnow()
    if promoted:
        db.session.flush()
        db.session.execute(
            update(GroupEnrolment)
            .where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
            )
            .values(waitlist_position=GroupEnrolment.waitlist_position - len(promoted))
            .execution_options(synchronize_session="fetch")
        )
        audit.record_many(
            "group_enrolment.promote",
            actor=user,
            object_type="group_enrolment",
            objects=[audit.Read(e.id, e.client_id) for e in promoted],
            fields=["status"],
        )
    return promoted


def update_run(
    user: User,
    run_id: uuid.UUID,
    *,
    expected_version: int | None,
    capacity: int | None = None,
    ends_on: date | None = None,
) -> GroupRun:
    """Change a run's capacity or end date; new seats go at once to the first people waiting."""
    run = _locked_run(user, run_id)
    policy.require_group_run_manager(user, run)
    check_version(run, expected_version, "group run")
    if ends_on is not None:
        if ends_on < run.starts_on:
            raise ValidationError(
                "a run cannot end before it starts", fields={"ends_on": ["early"]}
            )
        run.ends_on = ends_on
    if capacity is not None:
        service = db.session.get(Service, run.service_code)
        assert service is not None
        _check_capacity(capacity, service)
        seated = _count(run, GroupEnrolmentStatus.ACTIVE)
        if capacity < seated:
            raise Conflict(
                f"{seated} people hold seats in this run; withdraw some before lowering the "
                f"capacity to {capacity}"
            )
        run.capacity = capacity
    db.session.flush()
    _promote_waiting(user, run)
    db.session.flush()
    return run


def _require_enrolment(user: User, enrolment_id: uuid.UUID) -> tuple[GroupEnrolment, GroupRun]:
    enrolment = db.session.get(GroupEnrolment, enrolment_id)
    if enrolment is None or not policy.may_see_group_runs(user):
        raise NotFound("no such group enrolment")
    run = db.session.get(GroupRun, enrolment.run_id)
    assert run is not None
    if policy.may_manage_group_run(user, run):
        return enrolment, run
    if enrolment.case_id is not None:
        case = policy.require_case(user, enrolment.case_id)
        if policy.is_assigned(user, case):
            return enrolment, run
    raise NotFound("no such group enrolment")


def withdraw(
    user: User, enrolment_id: uuid.UUID, *, expected_version: int | None
) -> GroupEnrolment:
    """Withdraw a participant; a freed seat goes to the first person waiting, at once."""
    enrolment, run = _require_enrolment(user, enrolment_id)
    if not policy.may_manage_group_run(user, run):
        if enrolment.case_id is None:
            raise NotFound("no such group enrolment")
        policy.require_case_manager_of(user, policy.require_case(user, enrolment.case_id))
    run = _locked_run(user, run.id)
    db.session.refresh(enrolment)
    check_version(enrolment, expected_version, "group enrolment")
    if enrolment.status not in OPEN_STATUSES:
        raise Conflict(f"this enrolment already ended ({enrolment.status.value})")
    _end_enrolment(user, enrolment, run)
    return enrolment


def withdraw_client_everywhere(user: User, client_id: uuid.UUID) -> int:
    """End every open group enrolment of a client (erasure); each freed seat is refilled.

    The caller has already been allowed to do this to the client.
    """
    open_ones = list(
        db.session.scalars(
            select(GroupEnrolment).where(
                GroupEnrolment.client_id == client_id, GroupEnrolment.status.in_(OPEN_STATUSES)
            )
        )
    )
    for enrolment in open_ones:
        run = db.session.scalars(
            select(GroupRun).where(GroupRun.id == enrolment.run_id).with_for_update()
        ).one()
        db.session.refresh(enrolment)
        if enrolment.status in OPEN_STATUSES:
            _end_enrolment(user, enrolment, run)
    return len(open_ones)


def _end_enrolment(user: User, enrolment: GroupEnrolment, run: GroupRun) -> None:
    """Withdraw `enrolment` (its run locked): close the waitlist gap, or refill the seat."""
    was_waiting = enrolment.status == GroupEnrolmentStatus.WAITLISTED
    position = enrolment.waitlist_position
    enrolment.status = GroupEnrolmentStatus.WITHDRAWN
    enrolment.waitlist_position = None
    enrolment.ended_at = utcnow()
    audit.record(
        "group_enrolment.withdraw",
        actor=user,
        object_type="group_enrolment",
        object_id=enrolment.id,
        client_id=enrolment.client_id,
        fields=["status"],
    )
    db.session.flush()
    if was_waiting and position is not None:
        _close_gap(run, position)
    else:
        _promote_waiting(user, run)
    db.session.flush()


def roster(
    user: User,
    run_id: uuid.UUID,
    *,
    status: GroupEnrolmentStatus | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[GroupEnrolment]:
    """Everyone in a run in the order they enrolled (the waitlist keeps that order)."""
    run = policy.require_group_run(user, run_id)
    policy.require_group_run_manager(user, run)
    query = select(GroupEnrolment).where(GroupEnrolment.run_id == run.id)
    if status is not None:
        query = query.where(GroupEnrolment.status == status)
    page = paginate(
        query,
        [GroupEnrolment.enrolled_at, GroupEnrolment.id],
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    audit.record_many(
        "group_enrolment.read",
        actor=user,
        object_type="group_enrolment",
        objects=[audit.Read(e.id, e.client_id) for e in page.items],
        fields=["client_id", "status"],
    )
    return page


# --- meetings and attendance ---------------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
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
    run = policy.require_group_run(user, run_id)
    policy.require_group_run_manager(user, run)
    _check_times(starts_at, ends_at)
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
    meeting = db.session.get(GroupMeeting, meeting_id)
    if meeting is None or not policy.may_see_group_runs(user):
        raise NotFound("no such meeting")
    run = db.session.get(GroupRun, meeting.run_id)
    assert run is not None
    policy.require_group_run_manager(user, run)
    return meeting, run


@dataclass(frozen=True)
class Presence:
    enrolment_id: uuid.UUID
    presence: MeetingPresence


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
        object_type="group_enrolment",
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
    meeting, _ = _require_meeting(user, meeting_id)
    query = select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    return paginate(query, [MeetingAttendance.id], cursor=cursor, limit=limit, descending=False)


# --- cohort mentoring ----------------------------------------------------------------------


def schedule_mentoring(
    user: User,
    enrolment_id: uuid.UUID,
    *,
    mentor_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
) -> MentoringSession:
    """An individual mentoring appointment for a member of a cohort (course, academy)."""
    enrolment, run = _require_enrolment(user, enrolment_id)
    policy.require_group_run_manager(user, run)
    if not run.is_cohort:
        raise Conflict("mentoring belongs to cohort programmes (courses, the leaders' academy)")
    if enrolment.status != GroupEnrolmentStatus.ACTIVE:
        raise Conflict("mentoring is for members holding a seat in the cohort")
    _check_times(starts_at, ends_at)
    _require_staff([mentor_id], Role.FACILITATOR, Role.THERAPIST, field="mentor_id")
    session = MentoringSession(
        enrolment_id=enrolment.id,
        run_id=run.id,
        mentor_id=mentor_id,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    db.session.add(session)
    audit.record(
        "mentoring.create",
        actor=user,
        object_type="mentoring_session",
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
    user: User, session_id: uuid.UUID, *, attendance: Attendance, expected_version: int | None
) -> MentoringSession:
    session = db.session.get(MentoringSession, session_id)
    if session is None or not policy.may_see_group_runs(user):
        raise NotFound("no such mentoring session")
    run = db.session.get(GroupRun, session.run_id)
    assert run is not None
    if session.mentor_id != user.id and not policy.may_manage_group_run(user, run):
        raise NotFound("no such mentoring session")
    check_version(session, expected_version, "mentoring session")
    if attendance in (Attendance.ATTENDED, Attendance.NO_SHOW) and session.starts_at > utcnow():
        raise ValidationError(
            "attendance can be recorded once the session has started",
            fields={"attendance": ["in the future"]},
        )
    session.attendance = attendance
    db.session.flush()
    return session


# --- the pages of the web interface --------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    enrolment: GroupEnrolment
    name: str


@dataclass(frozen=True)
class RunPage:
    figures: RunFigures
    may_manage: bool
    #: Empty unless `may_manage`: only the run's managers see who is in it.
    seated: list[RosterRow]
    #: In waitlist order, the next person first.
    waiting: list[RosterRow]
    meetings: list[GroupMeeting]


def _names(client_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    clients = db.session.scalars(select(Client).where(Client.id.in_(set(client_ids))))
    return {
        client.id: "—" if client.is_erased else f"{client.given_name} {client.family_name}"
        for client in clients
    }


def run_page(user: User, run_id: uuid.UUID) -> RunPage:
    """A run's page: its figures and meetings; for its managers also who holds a seat and who
    waits, in order, with names (read audited)."""
    figures = get_run(user, run_id)
    meetings = list_meetings(user, run_id, limit=200).items
    if not policy.may_manage_group_run(user, figures.run):
        return RunPage(figures, False, [], [], meetings)
    enrolments = list(
        db.session.scalars(
            select(GroupEnrolment)
            .where(GroupEnrolment.run_id == run_id, GroupEnrolment.status.in_(OPEN_STATUSES))
            .order_by(GroupEnrolment.enrolled_at, GroupEnrolment.id)
        )
    )
    names = _names([e.client_id for e in enrolments])
    audit.record_many(
        "group_enrolment.read",
        actor=user,
        object_type="group_enrolment",
        objects=[audit.Read(e.id, e.client_id) for e in enrolments],
        fields=["client_id", "status", "name"],
    )
    rows = [RosterRow(e, names.get(e.client_id, "—")) for e in enrolments]
    waiting = [row for row in rows if row.enrolment.status == GroupEnrolmentStatus.WAITLISTED]
    return RunPage(
        figures,
        True,
        [row for row in rows if row.enrolment.status == GroupEnrolmentStatus.ACTIVE],
        sorted(waiting, key=lambda row: row.enrolment.waitlist_position or 0),
        meetings,
    )


@dataclass(frozen=True)
class SheetRow:
    enrolment: GroupEnrolment
    name: str
    presence: MeetingPresence | None


def attendance_sheet(
    user: User, meeting_id: uuid.UUID
) -> tuple[GroupMeeting, GroupRun, list[SheetRow]]:
    """A meeting's attendance sheet: everyone holding a seat, and anyone already marked."""
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
    names = _names([e.client_id for e in enrolments])
    audit.record_many(
        "group_attendance.read",
        actor=user,
        object_type="group_enrolment",
        objects=[audit.Read(e.id, e.client_id) for e in enrolments],
        fields=["name", "presence"],
    )
    rows = [SheetRow(e, names.get(e.client_id, "—"), marked.get(e.id)) for e in enrolments]
    return meeting, run, rows


@dataclass(frozen=True)
class CaseGroupOptions:
    case_id: uuid.UUID
    #: (client id, name) of the case's participants.
    participants: list[tuple[uuid.UUID, str]]
    #: Runs of group services that have not ended, with their seats and waitlists.
    runs: list[RunFigures]


def case_group_options(user: User, case_id: uuid.UUID) -> CaseGroupOptions:
    """What the "enrol in a group run" form of a case offers: its participants and current runs."""
    case = policy.require_case(user, case_id)
    if not policy.may_see_group_runs(user):
        raise NotFound("no such case")
    today = utcnow().date()
    runs = list(
        db.session.scalars(
            select(GroupRun)
            .where((GroupRun.ends_on.is_(None)) | (GroupRun.ends_on >= today))
            .order_by(GroupRun.service_code, GroupRun.starts_on, GroupRun.name)
        )
    )
    names = _names(case.client_ids)
    return CaseGroupOptions(
        case.id,
        [(client_id, names.get(client_id, "—")) for client_id in case.client_ids],
        _figures(runs),
    )
