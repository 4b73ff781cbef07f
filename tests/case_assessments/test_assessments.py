"""Assessments through their services: start, answer, complete and route, rescore, compare the
closing reassessment with the first."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.case_assessments.services import assessments, closing, recommendations
from casework.cases.models import CaseKind, CaseState
from casework.errors import Conflict, NotFound, ValidationError
from tests.factories import CALM, VIOLENT, make_case, norr_answers, staff


def _completed(manager, case, vector: str, **options):
    assessment = assessments.start_assessment(
        manager, case.id, instrument_id="norr", client_id=case.client_ids[0], **options
    )
    assessments.save_answers(
        manager, assessment.id, norr_answers(vector), expected_version=assessment.version
    )
    return assessments.complete_assessment(
        manager, assessment.id, expected_version=assessment.version
    )


def test_completing_norr_with_a_grave_violence_item_forces_the_top_level_and_safety_action(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        assessment = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        assert case.state == CaseState.ASSESSMENT
        assessments.save_answers(
            manager, assessment.id, norr_answers(VIOLENT), expected_version=assessment.version
        )
        done = assessments.complete_assessment(
            manager, assessment.id, expected_version=assessment.version
        )
        assert done.level == "very_high"
        assert case.state == CaseState.ROUTING
        recommended = {
            r.service_code: r
            for r in recommendations.recommendations_of(manager, case.id, joint=False)
        }
        assert recommended["safety_planning"].kind.value == "mandatory"
        assert "couples_therapy" not in recommended
        excluded = {e["service"] for e in done.routing["exclusions"]}
        assert "couples_therapy" in excluded
        assert assessments.rescore(manager, assessment.id).is_same
        with pytest.raises(Conflict, match="completed assessment cannot change"):
            assessments.save_answers(manager, assessment.id, {}, expected_version=done.version)


def test_invalid_answers_are_all_reported(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assessment = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        with pytest.raises(ValidationError) as invalid:
            assessments.save_answers(
                manager,
                assessment.id,
                {"no_such_item": "yes", "com_1": "nonsense"},
                expected_version=assessment.version,
            )
        assert len(invalid.value.fields) == 2


def test_answers_based_on_a_stale_version_change_nothing(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assessment = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        first = assessment.version
        assessments.save_answers(manager, assessment.id, norr_answers(CALM), expected_version=first)
        with pytest.raises(Conflict, match="changed by someone else"):
            assessments.save_answers(manager, assessment.id, {}, expected_version=first)
        with pytest.raises(Conflict, match="changed by someone else"):
            assessments.complete_assessment(manager, assessment.id, expected_version=first)
        assert assessment.answers == norr_answers(CALM)


def test_submitting_the_form_saves_and_completes_in_one_step(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assessment = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        done = assessments.submit_answers(
            manager,
            assessment.id,
            norr_answers(VIOLENT),
            expected_version=assessment.version,
            complete=True,
        )
        assert done.level == "very_high" and case.state == CaseState.ROUTING


def test_an_individual_disclosure_is_missing_in_the_joint_context(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        disclosure = assessments.start_assessment(
            manager,
            case.id,
            instrument_id="norr",
            client_id=case.client_ids[1],
            is_individual=True,
        )
        assert assessments.read_assessment(manager, disclosure.id).id == disclosure.id
        with pytest.raises(NotFound, match="no such assessment"):
            assessments.read_assessment(manager, disclosure.id, joint=True)
        with pytest.raises(NotFound, match="no such assessment"):
            assessments.read_assessment(staff(team, "other_manager"), disclosure.id)
        assert assessments.assessments_of(manager, case.id, joint=True) == []


def test_closing_reassessment_is_compared_with_the_first(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        client_id = case.client_ids[0]
        _completed(manager, case, VIOLENT)
        _completed(manager, case, CALM, is_closing=True)
        comparison = closing.compare_closing(
            manager, case.id, instrument_id="norr", client_id=client_id
        )
        assert comparison.level_first == "very_high" and comparison.level_closing == "low"
        changes = {change.scale_id: change for change in comparison.scales}
        assert (changes["violence"].first, changes["violence"].closing) == (3, 0)
        assert (changes["violence"].first_band, changes["violence"].closing_band) == (
            "serious",
            "none",
        )
