"""Seats and the waitlist of a run, changed only under the run's row lock.

Enrolment, withdrawal and capacity changes lock the run's row first (SELECT ... FOR UPDATE on
PostgreSQL), so concurrent requests queue: the run is never over capacity and waitlist positions
stay 1..n. The functions here assume their caller holds that lock.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.db import db, utcnow
from casework.errors import NotFound
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun


def lock_run(user: User, run_id: uuid.UUID) -> GroupRun:
    """The run, its row locked until the transaction ends, so seat counts cannot race."""
    run = db.session.scalar(
        select(GroupRun)
        .where(GroupRun.id == run_id, policy.visibility_rule(user, GroupRun))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if run is None:
        raise NotFound("no such group run")
    return run


def count(run: GroupRun, status: GroupEnrolmentStatus) -> int:
    """How many of the run's enrolments have `status`."""
    counted = db.session.scalar(
        select(func.count()).where(GroupEnrolment.run_id == run.id, GroupEnrolment.status == status)
    )
    return counted or 0


def seat_or_queue(run: GroupRun, enrolment: GroupEnrolment) -> None:
    """Give a new enrolment a free seat, else the place after the last person waiting."""
    if count(run, GroupEnrolmentStatus.ACTIVE) < run.capacity:
        enrolment.status = GroupEnrolmentStatus.ACTIVE
        enrolment.activated_at = utcnow()
        return
    last = db.session.scalar(
        select(func.max(GroupEnrolment.waitlist_position)).where(
            GroupEnrolment.run_id == run.id,
            GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
        )
    )
    enrolment.status = GroupEnrolmentStatus.WAITLISTED
    enrolment.waitlist_position = (last or 0) + 1


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


def promote_waiting(user: User, run: GroupRun) -> list[GroupEnrolment]:
    """Fill free seats from the head of the waitlist."""
    free = run.capacity - count(run, GroupEnrolmentStatus.ACTIVE)
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
            object_type=GroupEnrolment.__audit_type__,
            objects=[audit.Read(e.id, e.client_id) for e in promoted],
            fields=["status"],
        )
    return promoted


def end_enrolment(user: User, enrolment: GroupEnrolment, run: GroupRun) -> None:
    """Withdraw `enrolment`: close the waitlist gap it leaves, or give its seat to the next."""
    was_waiting = enrolment.status == GroupEnrolmentStatus.WAITLISTED
    position = enrolment.waitlist_position
    enrolment.status = GroupEnrolmentStatus.WITHDRAWN
    enrolment.waitlist_position = None
    enrolment.ended_at = utcnow()
    audit.record_change("group_enrolment.withdraw", enrolment, actor=user, fields=["status"])
    db.session.flush()
    if was_waiting and position is not None:
        _close_gap(run, position)
    else:
        promote_waiting(user, run)
    db.session.flush()
