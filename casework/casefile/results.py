"""Completed assessments by their labels (level, bands, flags, never codes) and the participant
each is about, and side by side per instrument: the printed summary and the joint view."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, AssessmentState
from casework.case_assessments.services import assessments as assessing
from casework.cases.models import Case
from casework.clients.names import client_display_name
from casework.crypto.keystore import client_owner, data_keys
from casework.errors import DomainError

Text = dict[str, str]


@dataclass(frozen=True)
class ScaleLine:
    title: Text
    score: Any
    band_label: Text | None


@dataclass(frozen=True)
class AssessmentLine:
    """A completed assessment by its labels."""

    assessment: Assessment
    instrument_title: Text
    #: The participants interviewed (the one it is about first).
    participants: list[str]
    level_label: Text | None
    scales: list[ScaleLine]
    flags: list[Text]


@dataclass(frozen=True)
class ResultTable:
    """One instrument's results side by side: a column per assessment, a row per scale."""

    instrument_title: Text
    columns: list[AssessmentLine]
    #: (scale title, the scale's line in each column or None).
    rows: list[tuple[Text, list[ScaleLine | None]]]


def assessment_lines(
    user: User, case: Case, assessments: Sequence[Assessment]
) -> list[AssessmentLine]:
    """The completed ones among `assessments` with their results, read (and audited) as one
    batch; the participants' names must already be readable (their read audited)."""
    completed = [a for a in assessments if a.state == AssessmentState.COMPLETED]
    data_keys().preload(client_owner(a.client_id) for a in completed)
    audit.record_many(
        "assessment.read",
        actor=user,
        object_type=Assessment.__audit_type__,
        objects=[audit.Read(a.id, a.client_id) for a in completed],
        fields=["result"],
    )
    names = {p.client_id: client_display_name(p.client) for p in case.participants}
    lines = []
    for assessment in completed:
        result = assessment.result or {}
        try:
            instrument = assessing.instrument_of(assessment)
        except DomainError:
            instrument = None
        titles = {scale.id: scale.title for scale in instrument.scales} if instrument else {}
        about = [assessment.client_id] + [
            uuid.UUID(str(client_id)) for client_id in assessment.participant_ids or []
        ]
        lines.append(
            AssessmentLine(
                assessment=assessment,
                instrument_title=instrument.title if instrument else {},
                participants=[names[client_id] for client_id in about if client_id in names],
                level_label=result.get("level_label"),
                scales=[
                    ScaleLine(titles[s["id"]], s.get("score"), s.get("band_label"))
                    for s in result.get("scales", [])
                    if s["id"] in titles
                ],
                flags=[flag["label"] for flag in result.get("flags", [])],
            )
        )
    return lines


def result_tables(lines: Sequence[AssessmentLine]) -> list[ResultTable]:
    """The lines grouped by instrument, in the order each instrument first appears."""
    groups: dict[str, list[AssessmentLine]] = {}
    for line in lines:
        groups.setdefault(line.assessment.instrument_id, []).append(line)
    tables = []
    for columns in groups.values():
        titles: dict[str, Text] = {}
        for line in columns:
            for scale in line.scales:
                titles.setdefault(str(scale.title), scale.title)
        rows = [
            (title, [next((s for s in line.scales if s.title == title), None) for line in columns])
            for title in titles.values()
        ]
        tables.append(ResultTable(columns[0].instrument_title, columns, rows))
    return tables


def latest_joint(assessments: Sequence[Assessment]) -> list[Assessment]:
    """The newest completed first assessment per (instrument, participant) of the joint context
    (`assessments` come from it: no individual disclosure), oldest first."""
    latest: dict[tuple[str, uuid.UUID], Assessment] = {}
    ordered = sorted(
        (a for a in assessments if a.state == AssessmentState.COMPLETED and not a.is_closing),
        key=lambda a: a.completed_at or a.started_at,
    )
    for assessment in ordered:
        if not assessment.is_individual:
            latest[(assessment.instrument_id, assessment.client_id)] = assessment
    return list(latest.values())
