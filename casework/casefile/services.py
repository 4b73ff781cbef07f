"""Finding cases by what the features above cases know of them: who works with the clients,
in which service, and at which level an assessment placed the case; and the staff the case
page's forms offer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select

from casework import policy
from casework.auth.models import User, UserRole
from casework.care.models import Enrolment
from casework.case_assessments.models import Assessment
from casework.cases.models import Case, CaseState
from casework.cases.services import listing
from casework.db import db
from casework.pagination import Page


@dataclass(frozen=True)
class CaseSearch:
    state: CaseState | None = None
    case_manager_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None
    level: str | None = None
    service_code: str | None = None
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    client_id: uuid.UUID | None = None


def _conditions(search: CaseSearch) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if search.practitioner_id or search.service_code:
        enrolled = exists().where(Enrolment.case_id == Case.id)
        if search.practitioner_id:
            enrolled = enrolled.where(Enrolment.practitioner_id == search.practitioner_id)
        if search.service_code:
            enrolled = enrolled.where(Enrolment.service_code == search.service_code)
        conditions.append(enrolled)
    if search.level:
        conditions.append(
            # Individual disclosures never show through a case-level filter.
            exists().where(
                Assessment.case_id == Case.id,
                Assessment.level == search.level,
                Assessment.is_individual.is_(False),
            )
        )
    return conditions


def find_cases(user: User, search: CaseSearch, *, cursor: str | None, limit: int) -> Page[Case]:
    """The cases `user` may see that match `search`, newest first."""
    filters = listing.CaseFilters(
        state=search.state,
        case_manager_id=search.case_manager_id,
        opened_from=search.opened_from,
        opened_to=search.opened_to,
        client_id=search.client_id,
    )
    return listing.list_cases(user, filters, cursor=cursor, limit=limit, also=_conditions(search))


@dataclass(frozen=True)
class StaffChoice:
    """A member of staff a form offers: who, by name."""

    id: uuid.UUID
    display_name: str


def staff_through(gates: Sequence[policy.Gate], *, limit: int = 500) -> list[list[StaffChoice]]:
    """For each gate, the enabled staff it lets through (each once, by name), all read with one
    statement: the case page's practitioners to enrol with and case managers to hand a case to."""
    roles = {role for gate in gates for role in gate.roles}
    if not roles:
        return [[] for _ in gates]
    rows = db.session.execute(
        select(User.id, User.display_name, UserRole.role)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(roles), User.is_enabled.is_(True))
        .order_by(User.display_name, User.id)
        .limit(limit * len(roles))
    )
    holders: dict[object, list[StaffChoice]] = {}
    for user_id, name, role in rows:
        holders.setdefault(role, []).append(StaffChoice(user_id, name))
    through = []
    for gate in gates:
        found = {c.id: c for role in gate.roles for c in holders.get(role, [])}
        through.append(sorted(found.values(), key=lambda c: (c.display_name, str(c.id)))[:limit])
    return through
