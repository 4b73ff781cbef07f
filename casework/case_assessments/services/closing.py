"""The closing reassessment beside the first assessment of the same instrument and participant:
the scores side by side and the engine's change per scale (reliable change, clinical cut-off)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import assessments as engine
from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, AssessmentState
from casework.cases.models import Case
from casework.catalogue.library import library
from casework.db import db
from casework.errors import N_, NotFound

NO_PAIR = N_("this case has no completed first and closing assessment of that instrument")


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
    #: The engine's change on each scale that declares one; None when the two assessments used
    #: different versions of the instrument (a new version may score differently).
    change: engine.Change | None = None
    #: The instrument both assessments used (None when the versions differ).
    instrument: engine.Instrument | None = None

    @property
    def same_version(self) -> bool:
        return self.first.instrument_version == self.closing.instrument_version


def compare_closing(
    user: User, case_id: uuid.UUID, *, instrument_id: str, client_id: uuid.UUID
) -> Comparison:
    """The closing reassessment beside the first assessment, scale by scale (reads audited)."""
    case = policy.require_case(user, case_id)
    rows = [
        row
        for row in _completed(case)
        if row.client_id == client_id and row.instrument_id == instrument_id
    ]
    pair = _pair(rows)
    if pair is None or not all(_visible(user, case, row, joint=False) for row in pair):
        raise NotFound(NO_PAIR)
    return _compare(user, *pair)


def closing_comparisons(user: User, case_id: uuid.UUID, *, joint: bool) -> list[Comparison]:
    """Every participant's closing reassessment beside their first assessment of the same
    instrument, among the assessments the viewer may see in that context (reads audited)."""
    case = policy.require_case(user, case_id)
    groups: dict[tuple[uuid.UUID, str], list[Assessment]] = {}
    for row in _completed(case):
        if _visible(user, case, row, joint=joint):
            groups.setdefault((row.client_id, row.instrument_id), []).append(row)
    pairs = [pair for rows in groups.values() if (pair := _pair(rows)) is not None]
    return [_compare(user, first, closing) for first, closing in pairs]


def _completed(case: Case) -> Iterable[Assessment]:
    return db.session.scalars(
        select(Assessment)
        .where(Assessment.case_id == case.id, Assessment.state == AssessmentState.COMPLETED)
        .order_by(Assessment.completed_at)
    )


def _pair(rows: list[Assessment]) -> tuple[Assessment, Assessment] | None:
    """The first assessment and the latest closing reassessment, if both exist."""
    first = next((row for row in rows if not row.is_closing), None)
    closing = next((row for row in reversed(rows) if row.is_closing), None)
    return None if first is None or closing is None else (first, closing)


def _visible(user: User, case: Case, row: Assessment, *, joint: bool) -> bool:
    return not row.is_individual or policy.may_see_individual_disclosure(
        user, case, row.client_id, row.started_by_id, joint=joint
    )


def _compare(user: User, first: Assessment, closing: Assessment) -> Comparison:
    before = {s["id"]: s for s in (first.result or {}).get("scales", [])}
    after = {s["id"]: s for s in (closing.result or {}).get("scales", [])}
    scales = [
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
    instrument = change = None
    if first.instrument_version == closing.instrument_version and first.result and closing.result:
        instrument = library().instrument(first.instrument_id, first.instrument_version)
        change = engine.measure_change(
            instrument,
            engine.Result.from_dict(first.result),
            engine.Result.from_dict(closing.result),
        )
    return Comparison(first, closing, first.level, closing.level, scales, change, instrument)
