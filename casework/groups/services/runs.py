"""Group runs: open one, change its capacity or end date, read one or a list with its figures."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from casework import policy
from casework.auth.models import User
from casework.catalogue.models import Service
from casework.db import db
from casework.errors import N_, Conflict, Forbidden, ValidationError, check_version
from casework.groups.models import (
    OPEN_STATUSES,
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupFacilitator,
    GroupRun,
)
from casework.groups.services import waitlist
from casework.pagination import Page, paginate


@dataclass(frozen=True)
class RunFigures:
    """A run with its facilitators and how many hold a seat or wait."""

    run: GroupRun
    facilitator_ids: list[uuid.UUID]
    active_count: int
    waitlist_count: int


def require_staff(user_ids: Sequence[uuid.UUID], gate: policy.Gate, *, field: str) -> list[User]:
    """The enabled staff members `user_ids`, each let through `gate`; else a ValidationError
    on `field`."""
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    staff = [found.get(user_id) for user_id in user_ids]
    if any(u is None or not u.is_enabled or not gate.allows(u) for u in staff):
        raise ValidationError(
            "everyone chosen must be active staff with one of the roles: %(roles)s",
            fields={field: ["unknown or not allowed"]},
            roles=list(gate.roles),
        )
    return [u for u in staff if u is not None]


def _require_capacity(capacity: int, service: Service) -> None:
    """Seats within the service's limit (`Service.seat_limit`, set in the catalogue)."""
    if not 1 <= capacity <= service.seat_limit:
        raise ValidationError(
            "capacity must be between 1 and %(most)s for this service",
            fields={"capacity": ["out of range"]},
            most=service.seat_limit,
        )


def _require_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("a run cannot end before it starts", fields={"ends_on": ["early"]})


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
    policy.OPEN_GROUP_RUNS.require(user)
    service = db.session.get(Service, service_code)
    if service is None or not service.is_active or not service.is_group:
        raise ValidationError(
            "%(code)s is not an active group or workshop service",
            fields={"service_code": ["not a group service"]},
            code=service_code,
        )
    if capacity is None:
        capacity = service.default_capacity
        if capacity is None:
            raise ValidationError(
                "this service has no default capacity; give the number of seats",
                fields={"capacity": ["required"]},
            )
    _require_capacity(capacity, service)
    _require_dates(starts_on, ends_on)
    name = name.strip()
    if db.session.scalar(select(GroupRun.id).where(GroupRun.name == name)):
        raise Conflict("a group run named %(name)s exists; choose another name", name=name)
    wanted = list(dict.fromkeys(facilitator_ids))
    if policy.FACILITATE.allows(user) and user.id not in wanted:
        wanted.insert(0, user.id)
    if not wanted:
        raise ValidationError(
            "a group run needs at least one facilitator", fields={"facilitator_ids": ["empty"]}
        )
    require_staff(wanted, policy.LEAD_GROUPS, field="facilitator_ids")
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


def update_run(
    user: User,
    run_id: uuid.UUID,
    *,
    expected_version: int,
    capacity: int | None = None,
    ends_on: date | None = None,
) -> GroupRun:
    """Change a run's capacity or end date; new seats go at once to the first people waiting."""
    run = waitlist.lock_run(user, run_id)
    policy.require_group_run_manager(user, run)
    check_version(run, expected_version, N_("group run"))
    if ends_on is not None:
        _require_dates(run.starts_on, ends_on)
        run.ends_on = ends_on
    if capacity is not None:
        service = db.session.get(Service, run.service_code)
        assert service is not None
        _require_capacity(capacity, service)
        seated = waitlist.count(run, GroupEnrolmentStatus.ACTIVE)
        if capacity < seated:
            raise Conflict(
                "%(seated)s people hold seats in this run; withdraw some before lowering the "
                "capacity to %(capacity)s",
                seated=seated,
                capacity=capacity,
            )
        run.capacity = capacity
    db.session.flush()
    waitlist.promote_waiting(user, run)
    db.session.flush()
    return run


def figures_of(runs: Sequence[GroupRun]) -> list[RunFigures]:
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
    """One run with its figures, for anyone who may see group runs."""
    return figures_of([policy.require_group_run(user, run_id)])[0]


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
    return Page(figures_of(page.items), page.next_cursor)


def current_runs(user: User, *, on: date) -> list[RunFigures]:
    """Runs that have not ended by `on`, by service, start and name, with their figures."""
    if not policy.may_see_group_runs(user):
        raise Forbidden("group runs are for clinical staff")
    runs = db.session.scalars(
        select(GroupRun)
        .where((GroupRun.ends_on.is_(None)) | (GroupRun.ends_on >= on))
        .order_by(GroupRun.service_code, GroupRun.starts_on, GroupRun.name)
    )
    return figures_of(list(runs))
