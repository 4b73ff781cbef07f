"""Past group participation rows against the database: the person through the blind indexes
(among the clients the importer may enrol), the run among those the importer manages, then the
participation through the group services."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import func, select

from casework import policy
from casework.auth.models import User
from casework.clients.models import Client
from casework.clients.services.consents import require_processing_basis
from casework.crypto import services as crypto
from casework.db import db
from casework.errors import N_, DomainError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun
from casework.groups.services.completion import record_past_participation
from casework.imports.group_rows import GroupRow
from casework.imports.rows import Problem

_STATUS = {
    "completed": GroupEnrolmentStatus.COMPLETED,
    "withdrawn": GroupEnrolmentStatus.WITHDRAWN,
    "attended": GroupEnrolmentStatus.ACTIVE,
}


def _client(user: User, row: GroupRow) -> uuid.UUID | None:
    """The one client the row names among those `user` may enrol; one they may not see answers
    exactly like nobody."""
    assert row.identifiers is not None
    found = crypto.find_clients(row.identifiers)
    visible = (
        list(
            db.session.scalars(
                select(Client.id).where(
                    Client.id.in_(list(found)),
                    Client.erased_at.is_(None),
                    policy.group_enrollable_clients(user),
                )
            )
        )
        if found
        else []
    )
    if not visible:
        row.problems.append(Problem(N_("no client matches this row")))
        return None
    if len(visible) > 1:
        row.problems.append(Problem(N_("more than one client matches this row")))
        return None
    return visible[0]


def _run(user: User, row: GroupRow) -> GroupRun | None:
    """The run the row names, among those `user` manages (any other answers as unknown)."""
    query = select(GroupRun).where(policy.visible_group_runs(user))
    if row.run_id:
        query = query.where(GroupRun.id == row.run_id)
    else:
        query = query.where(
            GroupRun.service_code == row.service_code, GroupRun.starts_on == row.run_starts_on
        )
    runs = [run for run in db.session.scalars(query) if policy.may_manage_group_run(user, run)]
    if not runs:
        row.problems.append(Problem(N_("no group run you manage matches this row")))
        return None
    if len(runs) > 1:
        row.problems.append(Problem(N_("more than one group run matches; give the run's id")))
        return None
    return runs[0]


def resolve_group_rows(user: User, rows: list[GroupRow]) -> None:
    """Find each good row's client and run, and add the problems found on the way."""
    seats: Counter[uuid.UUID] = Counter()
    pairs: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    for row in rows:
        if row.problems:
            continue
        client_id, run = _client(user, row), _run(user, row)
        if client_id is None or run is None:
            continue
        row.client_id, row.run = client_id, run
        try:
            require_processing_basis([client_id])
        except DomainError:
            row.problems.append(Problem(N_("the person has no recorded basis for processing")))
        if run.starts_on > (row.joined_on or run.starts_on) or (
            run.ends_on and row.left_on and row.left_on > run.ends_on
        ):
            row.problems.append(Problem(N_("the dates fall outside the group run")))
        if row.status != "attended" and not (row.left_on or run.ends_on):
            row.problems.append(Problem(N_("give the date the person left")))
        earlier = pairs.setdefault((client_id, run.id), row.number)
        if earlier != row.number:
            row.problems.append(Problem(N_("repeats row %(row)s"), {"row": earlier}))
        elif db.session.scalar(
            select(GroupEnrolment.id).where(
                GroupEnrolment.run_id == run.id, GroupEnrolment.client_id == client_id
            )
        ):
            row.problems.append(Problem(N_("this person is already recorded in this group run")))
        if row.status == "attended" and not row.problems:
            seats[run.id] += 1
            taken = db.session.scalar(
                select(func.count()).where(
                    GroupEnrolment.run_id == run.id,
                    GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE,
                )
            )
            if (taken or 0) + seats[run.id] > run.capacity:
                row.problems.append(Problem(N_("the group run has no free seat left")))


def import_group_row(user: User, row: GroupRow) -> uuid.UUID:
    """Record the row's participation; its client's id (for the ledger) is returned."""
    assert isinstance(row.run, GroupRun) and row.client_id is not None
    run = row.run
    left_on = row.left_on or run.ends_on
    record_past_participation(
        user,
        run,
        client_id=row.client_id,
        status=_STATUS[row.status],
        joined_on=row.joined_on or run.starts_on,
        left_on=left_on,
    )
    return row.client_id
