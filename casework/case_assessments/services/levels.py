"""A case's current risk level: what work lists, the dashboard and the caseload review sort by."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, Subquery, case, func, select

from casework.case_assessments.models import Assessment, AssessmentState
from casework.db import db

RISK_INSTRUMENT = "norr"
#: Risk levels from least to most severe; a case's level is its most severe participant's.
SEVERITY = ("low", "moderate", "high", "very_high")


def latest_risk(*, of_cases: Select[Any] | Sequence[uuid.UUID] | None = None) -> Subquery:
    """Each case's risk: the most severe of its participants' latest completed risk levels
    (`level`), its rank in SEVERITY from 1 (`severity`), and when the newest of those
    assessments was completed (`completed_at`). `of_cases` (case ids, or a select of them)
    limits the ranking to those cases: a team's review must not rank every assessment.

    Per participant, not per case: in a couple, one partner's calm reassessment must not hide
    the other's very high risk.
    """
    scope = () if of_cases is None else (Assessment.case_id.in_(of_cases),)
    ranked = (
        select(
            Assessment.case_id,
            Assessment.level,
            Assessment.completed_at,
            func.row_number()
            .over(
                partition_by=(Assessment.case_id, Assessment.client_id),
                order_by=(Assessment.completed_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Assessment.state == AssessmentState.COMPLETED,
            Assessment.instrument_id == RISK_INSTRUMENT,
            *scope,
        )
        .subquery()
    )
    severity = case(
        *((ranked.c.level == level, rank) for rank, level in enumerate(SEVERITY, start=1)),
        else_=0,
    )
    per_case = (
        select(
            ranked.c.case_id,
            func.max(severity).label("severity"),
            func.max(ranked.c.completed_at).label("completed_at"),
        )
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.case_id)
        .subquery()
    )
    level = case(
        *((per_case.c.severity == rank, level) for rank, level in enumerate(SEVERITY, start=1)),
        else_=None,
    )
    return select(
        per_case.c.case_id, level.label("level"), per_case.c.severity, per_case.c.completed_at
    ).subquery("latest_risk")


def levels_of(case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The current risk level of each of these cases that has one (one query)."""
    wanted = set(case_ids)
    if not wanted:
        return {}
    latest = latest_risk(of_cases=sorted(wanted, key=str))
    rows = db.session.execute(
        select(latest.c.case_id, latest.c.level).where(latest.c.level.is_not(None))
    )
    return {case_id: level for case_id, level in rows}
