"""The closing reassessment beside the first assessment of the same instrument and participant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, AssessmentState
from casework.db import db
from casework.errors import NotFound

NO_PAIR = "this case has no completed first and closing assessment of that instrument"


@dataclass(frozen=True)
class ScaleChange:
    scale_id: str
    first: Any
    closing: Any
    first_band: str | None
    closing_band: str | None


@dataclass(frozen=True)
class Comparison:
    first: Assessment
    closing: Assessment
    level_first: str | None
    level_closing: str | None
    scales: list[ScaleChange]


def compare_closing(
    user: User, case_id: uuid.UUID, *, instrument_id: str, client_id: uuid.UUID
) -> Comparison:
    """The closing reassessment beside the first assessment, scale by scale (reads audited)."""
    case = policy.require_case(user, case_id)
    rows = list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.case_id == case.id,
                Assessment.client_id == client_id,
                Assessment.instrument_id == instrument_id,
                Assessment.state == AssessmentState.COMPLETED,
            )
            .order_by(Assessment.completed_at)
        )
    )
    first = next((row for row in rows if not row.is_closing), None)
    closing = next((row for row in reversed(rows) if row.is_closing), None)
    if first is None or closing is None:
        raise NotFound(NO_PAIR)
    for row in (first, closing):
        if row.is_individual and not policy.may_see_individual_disclosure(
            user, case, row.client_id, row.started_by_id, joint=False
        ):
            raise NotFound(NO_PAIR)
    before = {s["id"]: s for s in (first.result or {}).get("scales", [])}
    after = {s["id"]: s for s in (closing.result or {}).get("scales", [])}
    changes = [
        ScaleChange(
            scale_id,
            before[scale_id].get("score"),
            after[scale_id].get("score"),
            before[scale_id].get("band"),
            after[scale_id].get("band"),
        )
        for scale_id in before
        if scale_id in after
    ]
    for row in (first, closing):
        audit.record_change("assessment.read", row, actor=user, fields=["result"])
    return Comparison(first, closing, first.level, closing.level, changes)
