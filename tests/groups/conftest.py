"""Fixtures of the group-run tests: a run of the shared `team`, and reading a run's waitlist."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select

from casework.db import db, utcnow
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun
from casework.groups.services import runs
from tests.factories import staff

MakeRun = Callable[..., GroupRun]


@pytest.fixture
def make_run(team: dict[str, uuid.UUID]) -> MakeRun:
    """A run of the mothers' support group opened by the team's facilitator (call it inside an
    app context)."""

    def make(*, capacity: int = 2, cohort: bool = False, name: str = "Mothers, spring") -> GroupRun:
        return runs.create_run(
            staff(team, "facilitator"),
            name=name,
            service_code="support_group_mothers",
            capacity=capacity,
            starts_on=utcnow().date(),
            is_cohort=cohort,
        )

    return make


def waitlist_of(run_id: uuid.UUID) -> list[tuple[int | None, uuid.UUID]]:
    """(position, client id) of everyone waiting in the run, in order."""
    return [
        (position, client_id)
        for position, client_id in db.session.execute(
            select(GroupEnrolment.waitlist_position, GroupEnrolment.client_id)
            .where(
                GroupEnrolment.run_id == run_id,
                GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
            )
            .order_by(GroupEnrolment.waitlist_position)
        )
    ]


@pytest.fixture
def waitlist() -> Callable[[uuid.UUID], list[tuple[int | None, uuid.UUID]]]:
    """Read a run's waitlist: (position, client id) in order."""
    return waitlist_of
