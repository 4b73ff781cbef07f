"""What the couple's joint view shows: the partners' joint results side by side and their combined
result, in the page language. Individual disclosures are never read here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import assessments as engine
from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, AssessmentState
from casework.case_assessments.services import assessments, routing
from casework.cases.models import Case
from casework.catalogue.library import library
from casework.web.filters import localised


@dataclass(frozen=True)
class ScaleRow:
    title: str
    #: The partners' scores, in the order of `CoupleResult.partners`.
    scores: list[Any]
    #: The difference between the partners where the instrument compares them, and whether it
    #: raised a flag.
    difference: Any = None
    flagged: bool = False


@dataclass(frozen=True)
class CoupleResult:
    instrument_title: str
    partners: list[uuid.UUID]
    levels: list[str]
    rows: list[ScaleRow]
    combined_level: str
    combined_flags: list[str]


@dataclass(frozen=True)
class CouplePage:
    case: Case
    results: list[CoupleResult]


def couple_page(user: User, case_id: uuid.UUID) -> CouplePage:
    """The partners' newest joint results of each instrument that declares how they combine,
    side by side, with the combined result (reads audited)."""
    case = policy.require_case(user, case_id)
    latest: dict[tuple[str, uuid.UUID], Assessment] = {}
    for row in assessments.assessments_of(user, case.id, joint=True):
        if row.state == AssessmentState.COMPLETED and not row.is_individual and not row.is_closing:
            latest[(row.instrument_id, row.client_id)] = row
    rows = sorted(latest.values(), key=lambda row: row.completed_at or row.started_at)
    results = []
    for combined in routing.combined_results(case, rows):
        group = [
            row
            for row in rows
            if (row.instrument_id, row.instrument_version)
            == (combined.instrument_id, combined.instrument_version)
        ]
        for row in group:
            audit.record_change("assessment.read", row, actor=user, fields=["result"])
        results.append(_couple_result(group, combined))
    return CouplePage(case, results)


def _couple_result(group: list[Assessment], combined: engine.CombinedResult) -> CoupleResult:
    instrument = library().instrument(combined.instrument_id, combined.instrument_version)
    scores = [
        {s["id"]: s.get("score") for s in (row.result or {}).get("scales", [])} for row in group
    ]
    apart = {d.scale: d for d in combined.discrepancies}
    rows = []
    for scale in instrument.scales:
        discrepancy = apart.get(scale.id)
        rows.append(
            ScaleRow(
                localised(scale.title),
                [partner.get(scale.id) for partner in scores],
                discrepancy.difference if discrepancy else None,
                bool(discrepancy and discrepancy.flag),
            )
        )
    return CoupleResult(
        instrument_title=localised(instrument.title),
        partners=[row.client_id for row in group],
        levels=[_level(instrument, row.level) for row in group],
        rows=rows,
        combined_level=localised(combined.level_label) if combined.level_label else "—",
        combined_flags=[localised(flag.label) for flag in combined.flags],
    )


def _level(instrument: engine.Instrument, code: str | None) -> str:
    levels = {level.code: level.label for level in instrument.levels}
    return localised(levels[code]) if code in levels else "—"
