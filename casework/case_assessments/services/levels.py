"""A case's current risk level: what work lists, the dashboard and the caseload review sort by."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    SQLColumnExpression,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from casework.case_assessments.models import Assessment, AssessmentState
from casework.cases.models import Case
from casework.db import db

RISK_INSTRUMENT = "norr"
#: Risk levels from least to most severe; a case's level is its most severe participant's.
SEVERITY = ("low", "moderate", "high", "very_high")
#: A later assessment of the same participant (one alias for every query: a new one costs 1 ms).
#: Only `current_severity`'s NOT EXISTS reads from it, so no query correlates to it by mistake.
_NEWER = aliased(Assessment)


def _risk_of(case_id: SQLColumnExpression[uuid.UUID], assessment: Any) -> list[ColumnElement[bool]]:
    return [
        assessment.case_id == case_id,
        assessment.state == AssessmentState.COMPLETED,
        assessment.instrument_id == RISK_INSTRUMENT,
    ]


def current_severity(case_id: SQLColumnExpression[uuid.UUID]) -> ScalarSelect[int]:
    """The rank in SEVERITY, from 1, of a case's risk: the most severe of its participants'
    latest completed risk levels (NULL: never assessed). `case_id` is the column of the case in
    the query around it.

    Per participant, not per case: in a couple, one partner's calm reassessment must not hide
    the other's very high risk. A correlated subquery, so each case costs one look-up in the
    assessments of that case: the grouped form over every case misled the planner (estimated 5
    rows for 836, 400,000 join comparisons; docs/performance.md).
    """
    newer = _NEWER
    rank = case(
        *((Assessment.level == level, rank) for rank, level in enumerate(SEVERITY, start=1)),
        else_=0,
    )
    is_latest = ~exists().where(
        *_risk_of(Assessment.case_id, newer),
        newer.client_id == Assessment.client_id,
        or_(
            newer.completed_at > Assessment.completed_at,
            and_(newer.completed_at == Assessment.completed_at, newer.id > Assessment.id),
        ),
    )
    return (
        select(func.max(rank))
        .where(*_risk_of(case_id, Assessment), is_latest)
        .correlate_except(Assessment, newer)
        .scalar_subquery()
    )


def last_assessed_at(case_id: SQLColumnExpression[uuid.UUID]) -> ScalarSelect[datetime | None]:
    """When the newest completed risk assessment of a case was completed (NULL: never)."""
    return (
        select(func.max(Assessment.completed_at))
        .where(*_risk_of(case_id, Assessment))
        .correlate_except(Assessment)
        .scalar_subquery()
    )


def levels_of(case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The current risk level of each of these cases that has one (one query)."""
    wanted = set(case_ids)
    if not wanted:
        return {}
    severity = current_severity(Case.id)
    rows = db.session.execute(select(Case.id, severity).where(Case.id.in_(wanted)))
    return {case_id: SEVERITY[rank - 1] for case_id, rank in rows if rank}
