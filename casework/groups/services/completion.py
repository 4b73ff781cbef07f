"""Completing group participation: by the facilitator, or from attendance when a run ends.

A participation is never deleted: its row keeps status (active, waitlisted, completed, withdrawn),
`activated_at` (when the person took a seat) and `ended_at` (completion or withdrawal).

Automatic completion: a run's service may declare `completion_attendance_percent`. Once the run
has ended (its `ends_on` is before today), each participant still holding a seat who was present
at least that share of the run's meetings held so far is marked completed, dated the run's end.
It happens when `flask groups complete-runs` runs (daily, from cron) or when a manager of the run
presses "complete from attendance" on its page; both are idempotent. Participants below the
threshold keep their seat until a facilitator completes or withdraws them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, and_, case, distinct, func, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.catalogue.models import Service
from casework.clients.models import Client
from casework.clock import centre_today
from casework.db import db, utcnow
from casework.errors import N_, Conflict, check_version
from casework.groups.models import (
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupMeeting,
    GroupRun,
    MeetingAttendance,
    MeetingPresence,
)
from casework.groups.services.enrolments import clients_by_id, require_enrolment
from casework.groups.services.waitlist import lock_run, promote_waiting


@dataclass(frozen=True)
class ParticipationCounts:
    """Distinct people in a run: who took a seat, completed, withdrew after taking part, holds a
    seat now, waits now."""

    took_part: int = 0
    completed: int = 0
    withdrew: int = 0
    active: int = 0
    waiting: int = 0


def participation_counts(run_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ParticipationCounts]:
    """Per run, counted by person (a person enrolled twice in one run counts once); one query."""
    if not run_ids:
        return {}
    person = GroupEnrolment.client_id
    status = GroupEnrolment.status
    seated = GroupEnrolment.activated_at.is_not(None)

    def people(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(distinct(case((condition, person))))

    rows = db.session.execute(
        select(
            GroupEnrolment.run_id,
            people(seated),
            people(status == GroupEnrolmentStatus.COMPLETED),
            people(and_(status == GroupEnrolmentStatus.WITHDRAWN, seated)),
            people(status == GroupEnrolmentStatus.ACTIVE),
            people(status == GroupEnrolmentStatus.WAITLISTED),
        )
        .where(GroupEnrolment.run_id.in_(run_ids))
        .group_by(GroupEnrolment.run_id)
    )
    counts = {row[0]: ParticipationCounts(*row[1:]) for row in rows}
    return {run_id: counts.get(run_id, ParticipationCounts()) for run_id in run_ids}


def complete(user: User, enrolment_id: uuid.UUID, *, expected_version: int) -> GroupEnrolment:
    """The facilitator records that a participant completed the run (their seat is freed and
    goes to the first person waiting, if the run goes on)."""
    enrolment, run = require_enrolment(user, enrolment_id)
    policy.require_group_run_manager(user, run)
    run = lock_run(user, run.id)
    db.session.refresh(enrolment)
    check_version(enrolment, expected_version, N_("group enrolment"))
    if enrolment.status != GroupEnrolmentStatus.ACTIVE:
        raise Conflict(
            "only a participant holding a seat can complete; this one is %(status)s",
            status=enrolment.status,
        )
    _mark_completed([enrolment], user, ended_at=utcnow())
    promote_waiting(user, run)
    db.session.flush()
    return enrolment


def _mark_completed(
    enrolments: Sequence[GroupEnrolment], user: User | None, *, ended_at: datetime
) -> None:
    for enrolment in enrolments:
        enrolment.status = GroupEnrolmentStatus.COMPLETED
        enrolment.ended_at = ended_at
    audit.record_many(
        "group_enrolment.complete",
        actor=user,
        object_type="group_enrolment",
        objects=[audit.Read(e.id, e.client_id) for e in enrolments],
        fields=["status", "ended_at"],
    )
    db.session.flush()


def _completed_from_attendance(run: GroupRun, threshold: int) -> list[GroupEnrolment]:
    """Active participants present at `threshold`% or more of the meetings held (one query)."""
    now = utcnow()
    held = (
        select(func.count())
        .where(GroupMeeting.run_id == run.id, GroupMeeting.starts_at <= now)
        .scalar_subquery()
    )
    present = (
        select(func.count())
        .select_from(MeetingAttendance)
        .join(GroupMeeting, GroupMeeting.id == MeetingAttendance.meeting_id)
        .where(
            MeetingAttendance.enrolment_id == GroupEnrolment.id,
            MeetingAttendance.presence == MeetingPresence.PRESENT,
            GroupMeeting.starts_at <= now,
        )
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(GroupEnrolment)
            .where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE,
                held > 0,
                present * 100 >= held * threshold,
            )
            .order_by(GroupEnrolment.enrolled_at, GroupEnrolment.id)
            .execution_options(populate_existing=True)
        )
    )


def _complete_run(run: GroupRun, user: User | None, today: date) -> int:
    service = db.session.get(Service, run.service_code)
    threshold = service.completion_attendance_percent if service else None
    if threshold is None or run.ends_on is None or run.ends_on >= today:
        return 0
    completed = _completed_from_attendance(run, threshold)
    if completed:
        _mark_completed(completed, user, ended_at=datetime.combine(run.ends_on, time(), UTC))
    return len(completed)


def complete_run_from_attendance(user: User, run_id: uuid.UUID) -> int:
    """A manager of an ended run applies its service's threshold now; returns how many completed."""
    run = lock_run(user, run_id)
    policy.require_group_run_manager(user, run)
    service = db.session.get(Service, run.service_code)
    if service is None or service.completion_attendance_percent is None:
        raise Conflict("this service declares no attendance threshold; mark completions one by one")
    today = centre_today()
    if run.ends_on is None or run.ends_on >= today:
        raise Conflict("completion from attendance applies once the run has ended")
    return _complete_run(run, user, today)


def complete_ended_runs(*, today: date | None = None) -> dict[uuid.UUID, int]:
    """The command's work: every ended run of a service with a threshold that still has people
    holding seats; returns the runs with how many completed (no user: the system acts)."""
    today = today or centre_today()
    runs = list(
        db.session.scalars(
            select(GroupRun)
            .join(Service, Service.code == GroupRun.service_code)
            .where(
                Service.completion_attendance_percent.is_not(None),
                GroupRun.ends_on < today,
                GroupRun.id.in_(
                    select(GroupEnrolment.run_id).where(
                        GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE
                    )
                ),
            )
            .order_by(GroupRun.ends_on, GroupRun.id)
            .with_for_update(of=GroupRun)
        )
    )
    done = {run.id: _complete_run(run, None, today) for run in runs}
    return {run_id: count for run_id, count in done.items() if count}


def run_participation(user: User, run_id: uuid.UUID) -> ParticipationCounts:
    """A run's figures by person, for anyone who may see the run (no names)."""
    run = policy.require_group_run(user, run_id)
    return participation_counts([run.id])[run.id]


@dataclass(frozen=True)
class PastRow:
    enrolment: GroupEnrolment
    client: Client


@dataclass(frozen=True)
class RunLifecycle:
    """What a run's page adds for its managers: figures by person and who has left, and how."""

    counts: ParticipationCounts
    #: Completed and withdrawn participations, most recent first.
    past: list[PastRow]
    threshold: int | None
    may_complete_from_attendance: bool


def run_lifecycle(user: User, run_id: uuid.UUID) -> RunLifecycle:
    """The lifecycle part of a run's page (names only for the run's managers; read audited)."""
    run = policy.require_group_run(user, run_id)
    service = db.session.get(Service, run.service_code)
    threshold = service.completion_attendance_percent if service else None
    counts = participation_counts([run.id])[run.id]
    if not policy.may_manage_group_run(user, run):
        return RunLifecycle(counts, [], threshold, False)
    ended = list(
        db.session.scalars(
            select(GroupEnrolment)
            .where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status.in_(
                    [GroupEnrolmentStatus.COMPLETED, GroupEnrolmentStatus.WITHDRAWN]
                ),
            )
            .order_by(GroupEnrolment.ended_at.desc(), GroupEnrolment.id)
        )
    )
    clients = clients_by_id(e.client_id for e in ended)
    audit.record_many(
        "group_enrolment.read",
        actor=user,
        object_type=GroupEnrolment.__audit_type__,
        objects=[audit.Read(e.id, e.client_id) for e in ended],
        fields=["client_id", "status", "name"],
    )
    may_apply = (
        threshold is not None
        and run.ends_on is not None
        and run.ends_on < centre_today()
        and counts.active > 0
    )
    return RunLifecycle(
        counts,
        [PastRow(e, clients[e.client_id]) for e in ended],
        threshold,
        may_apply,
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def record_past_participation(
    user: User,
    run: GroupRun,
    *,
    client_id: uuid.UUID,
    status: GroupEnrolmentStatus,
    joined_on: date,
    left_on: date | None,
) -> GroupEnrolment:
    """A participation from before the system (spreadsheet import): the person held a seat from
    `joined_on` and completed or withdrew on `left_on`, or still holds it (ACTIVE). The caller
    has found `run` among those `user` manages and the client among those they may enrol."""
    policy.require_group_run_manager(user, run)
    run = lock_run(user, run.id)
    if status == GroupEnrolmentStatus.ACTIVE:
        seated = db.session.scalar(
            select(func.count()).where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE,
            )
        )
        if (seated or 0) >= run.capacity:
            raise Conflict("this group run has no free seat")
    enrolment = GroupEnrolment(
        run_id=run.id,
        client_id=client_id,
        status=status,
        enrolled_at=_day_start(joined_on),
        activated_at=_day_start(joined_on),
        ended_at=_day_start(left_on) if left_on and status != GroupEnrolmentStatus.ACTIVE else None,
        created_by_id=user.id,
    )
    db.session.add(enrolment)
    audit.record_change(
        "group_enrolment.import", enrolment, actor=user, fields=["run_id", "status"]
    )
    db.session.flush()
    return enrolment
