"""The caseload review of a supervisor's teams, every figure one grouped SQL query.

"Level" is the level of a case's most recent completed risk assessment (the NORR instrument);
a case without one is "unassessed". "Contact" is an appointment of the case that was attended.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Subquery,
    and_,
    case,
    func,
    or_,
    select,
    type_coerce,
)

from casework import policy
from casework.auth.models import User
from casework.care.models import Appointment, Attendance, Enrolment, EnrolmentStatus
from casework.case_assessments.services.levels import SEVERITY, current_severity, last_assessed_at
from casework.cases.models import Case, CaseState
from casework.db import UTCDateTime, db, utcnow
from casework.errors import ValidationError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun
from casework.pagination import MAX_LIMIT, Page

HIGH_LEVELS = ("high", "very_high")
UNASSESSED = "unassessed"
#: States in which a case is worked on, so its risk should be reassessed regularly.
WORKING_STATES = (CaseState.ACTIVE, CaseState.ON_HOLD)
#: How many cases each list of the review shows; the rest are counted, and listed page by page
#: behind the figure (`cases_behind`): the dashboard costs the same at any size of team.
LIST_LIMIT = 20
PAGE_SIZE = 50


@dataclass(frozen=True)
class ReviewSettings:
    no_contact_days: int = 30
    reassessment_days: int = 90


def _open_cases(teams: list[uuid.UUID]) -> ColumnElement[bool]:
    return and_(Case.team_id.in_(teams), Case.state != CaseState.CLOSED)


@cache  # the same expression serves every query, and building it takes 1.5 ms
def _severity() -> ColumnElement[int]:
    """The rank in SEVERITY of the level of the case of the row, 0 if it has none (the level
    code is named in Python: a CASE over the look-up would repeat it once per level)."""
    return func.coalesce(current_severity(Case.id), 0)


def _level_name(severity: int) -> str:
    return SEVERITY[severity - 1] if severity else UNASSESSED


def _last_contact() -> ScalarSelect[Any]:
    """When the case of the row was last contacted: one look-up in the (case, attendance,
    start) index per case, never an aggregate over every appointment."""
    return (
        select(func.max(Appointment.starts_at))
        .where(Appointment.case_id == Case.id, Appointment.attendance == Attendance.ATTENDED)
        .correlate(Case)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class FigureFilters:
    """Which figure of the review a list is behind: a worker's open cases, in a state or a level;
    or one of the review's lists (`figure`)."""

    case_manager_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None
    state: CaseState | None = None
    #: A risk level code, or UNASSESSED.
    level: str | None = None
    #: WITHOUT_CONTACT or OVERDUE: the cases of that list of the review, under `settings`.
    figure: str | None = None
    settings: ReviewSettings = ReviewSettings()


WITHOUT_CONTACT = "without_contact"
OVERDUE = "overdue"
FIGURES = (WITHOUT_CONTACT, OVERDUE)


def _check(settings: ReviewSettings) -> None:
    if not (1 <= settings.no_contact_days <= 3650 and 1 <= settings.reassessment_days <= 3650):
        raise ValidationError(
            "day limits must be between 1 and 3650", fields={"no_contact_days": ["out of range"]}
        )


def _rows(teams: list[uuid.UUID], filters: FigureFilters, now: datetime) -> Subquery:
    """The open cases of `teams` a figure counts, one row each with what the lists show and
    what they are ordered by (`severity` 0: not assessed; `quiet_since`: the last contact, or
    the opening of a case never contacted)."""
    severity = _severity()
    assessed_at = last_assessed_at(Case.id)
    conditions = [_open_cases(teams)]
    if filters.case_manager_id is not None:
        conditions.append(Case.case_manager_id == filters.case_manager_id)
    if filters.practitioner_id is not None:
        conditions.append(
            Case.id.in_(
                select(Enrolment.case_id).where(
                    Enrolment.practitioner_id == filters.practitioner_id,
                    Enrolment.status == EnrolmentStatus.ACTIVE,
                )
            )
        )
    if filters.state is not None:
        conditions.append(Case.state == filters.state)
    if filters.level is not None:
        wanted = 0 if filters.level == UNASSESSED else SEVERITY.index(filters.level) + 1
        conditions.append(severity == wanted)
    last_contact = _last_contact()
    if filters.figure == WITHOUT_CONTACT:
        since = now - timedelta(days=filters.settings.no_contact_days)
        conditions += [
            severity >= SEVERITY.index(HIGH_LEVELS[0]) + 1,
            Case.opened_at < since,
            or_(last_contact.is_(None), last_contact < since),
        ]
    if filters.figure == OVERDUE:
        reassess_before = now - timedelta(days=filters.settings.reassessment_days)
        conditions += [
            # As the states it is not: `IN` let PostgreSQL AND the team's few cases with every
            # active case of the database through `ix_cases_state` (320,000 rows at 1M).
            Case.state.not_in([state for state in CaseState if state not in WORKING_STATES]),
            or_(assessed_at.is_(None), assessed_at < reassess_before),
        ]
    return (
        select(
            Case.id.label("case_id"),
            Case.reference,
            Case.state,
            Case.case_manager_id,
            severity.label("severity"),
            assessed_at.label("last_assessed_at"),
            last_contact.label("last_contact_at"),
            type_coerce(func.coalesce(last_contact, Case.opened_at), UTCDateTime).label(
                "quiet_since"
            ),
        )
        .where(*conditions)
        .subquery("figure_rows")
    )


def _ordering(rows: Subquery) -> tuple[ColumnElement[Any], ...]:
    """The most serious level first, then the longest without contact."""
    return rows.c.severity.desc(), rows.c.quiet_since, rows.c.reference


def _head(
    teams: list[uuid.UUID], filters: FigureFilters, now: datetime
) -> tuple[list[dict[str, Any]], int]:
    """The first LIST_LIMIT rows of a list and how many it holds in all (one query)."""
    rows = _rows(teams, filters, now)
    found = db.session.execute(
        select(rows, func.count().over().label("total"))
        .order_by(*_ordering(rows))
        .limit(LIST_LIMIT)
    ).all()
    return [_row(found_row) for found_row in found], (found[0].total if found else 0)


def _row(found: Any) -> dict[str, Any]:
    return {
        "case_id": found.case_id,
        "reference": found.reference,
        "state": CaseState(found.state),
        "case_manager_id": found.case_manager_id,
        "level": _level_name(found.severity),
        "last_contact_at": found.last_contact_at,
        "last_assessed_at": found.last_assessed_at,
        "quiet_since": _aware(found.quiet_since),
    }


def review(
    user: User,
    *,
    team_id: uuid.UUID | None = None,
    settings: ReviewSettings | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The figures a supervisor reviews for their teams (one team if `team_id` is given); the
    lists hold their first LIST_LIMIT cases, and say how many they hold in all."""
    teams = policy.require_reviewed_teams(user, team_id)
    settings = settings or ReviewSettings()
    _check(settings)
    now = now or utcnow()
    level = _severity().label("severity")
    open_cases = _open_cases(teams)

    by_manager = db.session.execute(
        select(Case.case_manager_id, Case.state, level, func.count(Case.id))
        .where(open_cases)
        .group_by(Case.case_manager_id, Case.state, level)
        .order_by(Case.case_manager_id, Case.state, level)
    )
    by_practitioner = db.session.execute(
        select(Enrolment.practitioner_id, Case.state, level, func.count(func.distinct(Case.id)))
        .join(Case, Case.id == Enrolment.case_id)
        .where(
            open_cases,
            Enrolment.practitioner_id.is_not(None),
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
        .group_by(Enrolment.practitioner_id, Case.state, level)
        .order_by(Enrolment.practitioner_id, Case.state, level)
    )
    without_contact, without_contact_count = _head(
        teams, FigureFilters(figure=WITHOUT_CONTACT, settings=settings), now
    )
    overdue, overdue_count = _head(teams, FigureFilters(figure=OVERDUE, settings=settings), now)
    practitioners = practitioners_of([row["case_id"] for row in without_contact])
    waiting = GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED
    seated = GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE
    waitlists = db.session.execute(
        select(
            GroupRun.id,
            GroupRun.name,
            GroupRun.capacity,
            func.coalesce(func.sum(case((seated, 1), else_=0)), 0),
            func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
        )
        .outerjoin(GroupEnrolment, GroupEnrolment.run_id == GroupRun.id)
        .where(GroupRun.team_id.in_(teams))
        .group_by(GroupRun.id, GroupRun.name, GroupRun.capacity)
        .order_by(GroupRun.name)
    )
    return {
        "team_ids": teams,
        "no_contact_days": settings.no_contact_days,
        "reassessment_days": settings.reassessment_days,
        "by_case_manager": [
            {
                "case_manager_id": who,
                "state": CaseState(state),
                "level": _level_name(lvl),
                "cases": n,
            }
            for who, state, lvl, n in by_manager
        ],
        "by_practitioner": [
            {
                "practitioner_id": who,
                "state": CaseState(state),
                "level": _level_name(lvl),
                "cases": n,
            }
            for who, state, lvl, n in by_practitioner
        ],
        "high_risk_without_contact": [
            {
                "case_id": row["case_id"],
                "reference": row["reference"],
                "case_manager_id": row["case_manager_id"],
                "practitioner_ids": practitioners.get(row["case_id"], []),
                "level": row["level"],
                "last_contact_at": row["last_contact_at"],
                "days_without_contact": (now - row["quiet_since"]).days,
            }
            for row in without_contact
        ],
        "high_risk_without_contact_count": without_contact_count,
        "overdue_reassessments": [
            {
                "case_id": row["case_id"],
                "reference": row["reference"],
                "case_manager_id": row["case_manager_id"],
                "last_assessed_at": row["last_assessed_at"],
            }
            for row in overdue
        ],
        "overdue_reassessments_count": overdue_count,
        "waitlists": [
            {
                "group_run_id": run_id,
                "name": name,
                "capacity": capacity,
                "active": int(active),
                "waitlisted": int(waitlisted),
            }
            for run_id, name, capacity, active, waitlisted in waitlists
        ],
    }


def _aware(moment: datetime) -> datetime:
    """A timestamp read through coalesce() comes back without the column type's time zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def practitioners_of(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The practitioners of each case's active enrolments (one query)."""
    if not case_ids:
        return {}
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    rows = db.session.execute(
        select(Enrolment.case_id, Enrolment.practitioner_id)
        .where(
            Enrolment.case_id.in_(set(case_ids)),
            Enrolment.practitioner_id.is_not(None),
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
        .distinct()
        .order_by(Enrolment.case_id, Enrolment.practitioner_id)
    )
    for case_id, practitioner_id in rows:
        if case_id is not None and practitioner_id is not None:
            found.setdefault(case_id, []).append(practitioner_id)
    return found


def cases_behind(
    user: User,
    filters: FigureFilters,
    *,
    team_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    now: datetime | None = None,
) -> Page[dict[str, Any]]:
    """One page of the open cases of the supervisor's teams that a figure of the review counts,
    the most serious level first, then the longest without contact (keyset: a page costs the
    same wherever it is in the list)."""
    teams = policy.require_reviewed_teams(user, team_id)
    _check(filters.settings)
    limit = PAGE_SIZE if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            "limit must be between 1 and %(most)s",
            fields={"limit": ["out of range"]},
            most=MAX_LIMIT,
        )
    now = now or utcnow()
    rows = _rows(teams, filters, now)
    query = select(rows)
    if cursor:
        severity, quiet_since, reference = _position(cursor)
        query = query.where(
            or_(
                rows.c.severity < severity,
                and_(rows.c.severity == severity, rows.c.quiet_since > quiet_since),
                and_(
                    rows.c.severity == severity,
                    rows.c.quiet_since == quiet_since,
                    rows.c.reference > reference,
                ),
            )
        )
    found = db.session.execute(query.order_by(*_ordering(rows)).limit(limit + 1)).all()
    shown, more = found[:limit], len(found) > limit
    practitioners = practitioners_of([row.case_id for row in shown])
    items = [{**_row(row), "practitioner_ids": practitioners.get(row.case_id, [])} for row in shown]
    last = shown[-1] if more else None
    next_cursor = _cursor(last.severity, _aware(last.quiet_since), last.reference) if last else None
    return Page(items, next_cursor)


def _cursor(severity: int, quiet_since: datetime, reference: str) -> str:
    plain = json.dumps([severity, quiet_since.isoformat(), reference])
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def _position(cursor: str) -> tuple[int, datetime, str]:
    """The (severity, quiet since, reference) a cursor made by `_cursor` stands for."""
    try:
        severity, quiet_since, reference = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
        moment = datetime.fromisoformat(quiet_since)
        if not isinstance(severity, int) or not isinstance(reference, str) or not moment.tzinfo:
            raise ValueError
        return severity, moment, reference
    except (ValueError, TypeError, binascii.Error):
        raise ValidationError("the cursor is not valid", fields={"cursor": ["invalid"]}) from None
