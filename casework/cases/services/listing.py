"""Lists of cases: filtered pages of the cases one may see, one's open cases by state, and the
intake queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import selectinload

from casework import policy
from casework.auth.models import User
from casework.cases.models import Case, CaseParticipant, CaseState
from casework.db import db
from casework.pagination import Page, paginate


@dataclass(frozen=True)
class CaseFilters:
    state: CaseState | None = None
    case_manager_id: uuid.UUID | None = None
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    client_id: uuid.UUID | None = None


def _conditions(filters: CaseFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.state:
        conditions.append(Case.state == filters.state)
    if filters.case_manager_id:
        conditions.append(Case.case_manager_id == filters.case_manager_id)
    if filters.opened_from:
        conditions.append(Case.opened_at >= filters.opened_from)
    if filters.opened_to:
        conditions.append(Case.opened_at < filters.opened_to)
    if filters.client_id:
        conditions.append(
            exists().where(
                CaseParticipant.case_id == Case.id, CaseParticipant.client_id == filters.client_id
            )
        )
    return conditions


def list_cases(
    user: User,
    filters: CaseFilters,
    *,
    cursor: str | None,
    limit: int,
    also: Sequence[ColumnElement[bool]] = (),
) -> Page[Case]:
    """The cases `user` may see that match `filters` (and the conditions `also`, which higher
    features add), newest first."""
    query = (
        select(Case).where(*_conditions(filters), *also).options(selectinload(Case.participants))
    )
    return paginate(
        query,
        [Case.opened_at, Case.id],
        cursor=cursor,
        limit=limit,
        branches=policy.visible_case_branches(user),
    )


def open_cases_by_state(user: User, *, limit: int = 200) -> dict[CaseState, list[Case]]:
    """The not-closed cases the user works on (their own, or assigned to them), by state."""
    query = (
        select(Case)
        .where(policy.assigned_cases(user), Case.state != CaseState.CLOSED)
        .order_by(Case.opened_at)
        .limit(limit)
    )
    grouped: dict[CaseState, list[Case]] = {}
    for case in db.session.scalars(query):
        grouped.setdefault(case.state, []).append(case)
    return {state: grouped[state] for state in CaseState if state in grouped}


def open_case_counts(user: User) -> dict[CaseState, int]:
    """How many not-closed cases the user works on, per state: the whole of what
    `open_cases_by_state` shows the first of (one grouped query)."""
    rows = db.session.execute(
        select(Case.state, func.count())
        .where(policy.assigned_cases(user), Case.state != CaseState.CLOSED)
        .group_by(Case.state)
    )
    return {CaseState(state): count for state, count in rows}


def intake_queue(user: User, *, limit: int = 50) -> list[Case]:
    """Cases waiting in intake with no case manager, for case managers and supervisors."""
    if not policy.CASE_MANAGEMENT.allows(user):
        return []
    return list(
        db.session.scalars(
            select(Case)
            .where(policy.visible_cases(user), Case.case_manager_id.is_(None))
            .where(Case.state != CaseState.CLOSED)
            .order_by(Case.opened_at)
            .limit(limit)
        )
    )
