"""What the assessment pages show: the questionnaire built from the instrument, the result with
its bars and recommendations, and the closing comparison."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import assessments as engine
from assessments.bounds import bounds as engine_bounds
from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, Recommendation
from casework.case_assessments.result_view import (
    TRACK_WIDTH,
    Reason,
    ScaleBar,
    level_severity,
    reasons,
    scale_bar,
)
from casework.case_assessments.services import assessments, closing, recommendations
from casework.cases.models import Case, CaseState
from casework.catalogue.services import list_services
from casework.clients.names import client_display_name
from casework.crypto.keystore import client_owner, data_keys
from casework.web.collation import sorted_choices
from casework.web.filters import localised

Text = dict[str, str]


@dataclass(frozen=True)
class ItemEntry:
    item: engine.Item
    #: The item's condition as JSON, for the script that reveals follow-up items.
    condition: str | None
    #: The codes of the options that count as positive, as JSON.
    positive: str


@dataclass(frozen=True)
class SectionEntry:
    section: engine.Section | None
    items: list[ItemEntry]


@dataclass(frozen=True)
class QuestionnairePage:
    assessment: Assessment
    instrument: engine.Instrument
    sections: list[SectionEntry]

    @property
    def facts_json(self) -> str:
        return json.dumps(self.assessment.facts)

    def visible_ids(self, answers: Mapping[str, Any]) -> set[str]:
        """The items asked, given `answers` (None: not answered)."""
        given = {key: value for key, value in answers.items() if value is not None}
        return {item.id for item in self.instrument.visible_items(given, self.assessment.facts)}


def _sections(instrument: engine.Instrument) -> list[SectionEntry]:
    """Sections with their items (one untitled section when the instrument has none)."""
    sections: list[engine.Section | None] = list(instrument.sections) or [None]
    entries = []
    for section in sections:
        items = instrument.items_in(section.id) if section else instrument.items
        if items:
            entries.append(
                SectionEntry(
                    section,
                    [
                        ItemEntry(
                            item,
                            json.dumps(item.visible_when.to_dict()) if item.visible_when else None,
                            json.dumps([o.code for o in item.options if o.positive]),
                        )
                        for item in items
                    ],
                )
            )
    return entries


def questionnaire(user: User, assessment_id: uuid.UUID) -> QuestionnairePage:
    """An assessment with its answers (read audited) and its instrument's questions."""
    assessment = assessments.read_assessment(user, assessment_id)
    instrument = assessments.instrument_of(assessment)
    return QuestionnairePage(assessment, instrument, _sections(instrument))


@dataclass(frozen=True)
class ResultPage:
    assessment: Assessment
    instrument: engine.Instrument
    recommendations: list[Recommendation]
    outcome: dict[str, Any]
    routing: dict[str, Any]
    bars: list[ScaleBar]
    reasons: list[Reason]
    level_guidance: Text | None
    #: The level's severity from 0 (the lowest level) to 3 (the highest).
    level_severity: int
    #: The active services a case manager may add: (code, name in the page language).
    service_choices: list[tuple[str, str]]
    #: The viewer may decide and add services (manages the case); may confirm declines
    #: (supervises its team).
    may_decide: bool = False
    may_confirm: bool = False
    #: In a case with several participants: who was interviewed, and for whom each
    #: recommendation is (by recommendation id); empty in a one-person case.
    interviewed: list[str] = field(default_factory=list)
    recommended_for: dict[uuid.UUID, list[str]] = field(default_factory=dict)

    @property
    def track_width(self) -> int:
        return TRACK_WIDTH


def _level_guidance(instrument: engine.Instrument, level: str | None) -> Text | None:
    if not level:
        return None
    try:
        return instrument.level(level).guidance
    except KeyError:
        return None


def participant_names(user: User, case: Case) -> dict[uuid.UUID, str]:
    """The display names of a case's participants, their read audited once for the page."""
    data_keys().preload(client_owner(client_id) for client_id in case.client_ids)
    audit.record_many(
        "client.read",
        actor=user,
        object_type="client",
        objects=[audit.Read(client_id, client_id) for client_id in case.client_ids],
        fields=["given_name", "family_name"],
    )
    return {p.client_id: client_display_name(p.client) for p in case.participants}


def _for_whom(recommendation: Recommendation, names: Mapping[uuid.UUID, str]) -> list[str]:
    """An individual recommendation is for the person whose disclosure led to it; a joint one
    for every participant."""
    if recommendation.is_individual:
        return [names.get(recommendation.client_id, "—")]
    return list(names.values())


def result(user: User, assessment_id: uuid.UUID) -> ResultPage:
    """A completed assessment's result (read audited), routing and the recommendations of its
    context (joint, unless the assessment is an individual disclosure)."""
    assessment = assessments.read_assessment(user, assessment_id)
    instrument = assessments.instrument_of(assessment)
    outcome = assessment.result or {}
    case = policy.require_case(user, assessment.case_id)
    open_case = case.state != CaseState.CLOSED
    ranges = engine_bounds(instrument)
    shown = recommendations.recommendations_of(
        user, assessment.case_id, joint=not assessment.is_individual
    )
    names = participant_names(user, case) if len(case.participants) > 1 else {}
    interviewed = [assessment.client_id] + [
        uuid.UUID(str(client_id)) for client_id in assessment.participant_ids or []
    ]
    return ResultPage(
        assessment=assessment,
        instrument=instrument,
        recommendations=shown,
        outcome=outcome,
        routing=assessment.routing or {},
        bars=[
            scale_bar(instrument, scale, assessment.facts, ranges)
            for scale in outcome.get("scales", [])
            if instrument.has("scale", scale["id"])
        ],
        reasons=reasons(instrument, assessment, outcome),
        level_guidance=_level_guidance(instrument, outcome.get("level")),
        level_severity=level_severity(instrument, outcome.get("level")),
        service_choices=sorted_choices(
            [(service.code, localised(service.name)) for service in list_services()]
        ),
        may_decide=open_case and policy.may_manage_case(user, case),
        may_confirm=open_case and policy.supervises_case(user, case),
        interviewed=[names[client_id] for client_id in interviewed if client_id in names],
        recommended_for={r.id: _for_whom(r, names) for r in shown} if names else {},
    )


@dataclass(frozen=True)
class ComparisonPage:
    case_id: uuid.UUID
    comparison: closing.Comparison
    scale_titles: dict[str, Text]
    level_labels: dict[str, Text]


def comparison(user: User, case_id: uuid.UUID, assessment_id: uuid.UUID) -> ComparisonPage:
    """The closing reassessment `assessment_id` beside the first assessment, scale by scale."""
    reassessment, _ = assessments.visible_assessment(user, assessment_id, joint=False)
    instrument = assessments.instrument_of(reassessment)
    return ComparisonPage(
        case_id=case_id,
        comparison=closing.compare_closing(
            user,
            case_id,
            instrument_id=reassessment.instrument_id,
            client_id=reassessment.client_id,
        ),
        scale_titles={scale.id: scale.title for scale in instrument.scales},
        level_labels={level.code: level.label for level in instrument.levels},
    )
