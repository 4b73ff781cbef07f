"""What the assessment pages show: the questionnaire built from the instrument, the result with
its bars and recommendations, and the closing comparison."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import assessments as engine
from casework import policy
from casework.auth.models import User
from casework.case_assessments.models import Assessment, Recommendation
from casework.case_assessments.services import assessments, closing, recommendations
from casework.cases.models import CaseState
from casework.catalogue.services import list_services
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
    #: Scale id -> the score's share of the scale's range, in steps of 5 (a CSS class).
    widths: dict[str, int]
    scale_titles: dict[str, Text]
    level_guidance: Text | None
    #: The active services a case manager may add: (code, name in the page language).
    service_choices: list[tuple[str, str]]
    #: The viewer may decide and add services (manages the case); may confirm declines
    #: (supervises its team).
    may_decide: bool = False
    may_confirm: bool = False


def _band_width(scale: Mapping[str, Any], instrument: engine.Instrument) -> int:
    """The score as a share of the scale's range, in steps of 5 (a CSS class, CSP-safe)."""
    try:
        spec = instrument.scale(scale["id"])
    except KeyError:
        return 0
    bounds = [band.bounds for band_set in spec.band_sets for band in band_set.bands]
    if not bounds or scale.get("score") is None:
        return 0
    low = min(float(b[0]) for b in bounds)
    high = max(float(b[1]) for b in bounds)
    if high <= low:
        return 0
    share = (float(scale["score"]) - low) / (high - low)
    return max(0, min(100, round(share * 20) * 5))


def _level_guidance(instrument: engine.Instrument, level: str | None) -> Text | None:
    if not level:
        return None
    try:
        return instrument.level(level).guidance
    except KeyError:
        return None


def result(user: User, assessment_id: uuid.UUID) -> ResultPage:
    """A completed assessment's result (read audited), routing and the recommendations of its
    context (joint, unless the assessment is an individual disclosure)."""
    assessment = assessments.read_assessment(user, assessment_id)
    instrument = assessments.instrument_of(assessment)
    outcome = assessment.result or {}
    case = policy.require_case(user, assessment.case_id)
    open_case = case.state != CaseState.CLOSED
    return ResultPage(
        assessment=assessment,
        instrument=instrument,
        recommendations=recommendations.recommendations_of(
            user, assessment.case_id, joint=not assessment.is_individual
        ),
        outcome=outcome,
        routing=assessment.routing or {},
        widths={s["id"]: _band_width(s, instrument) for s in outcome.get("scales", [])},
        scale_titles={scale.id: scale.title for scale in instrument.scales},
        level_guidance=_level_guidance(instrument, outcome.get("level")),
        service_choices=sorted_choices(
            [(service.code, localised(service.name)) for service in list_services()]
        ),
        may_decide=open_case and policy.may_manage_case(user, case),
        may_confirm=open_case and policy.supervises_case(user, case),
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
