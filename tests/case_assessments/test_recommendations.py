"""Decisions on recommendations: accept, decline (a mandatory action's decline waits for a
supervisor), add a service by hand, and what waits for a decision."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.case_assessments.models import Decision, RecommendationKind
from casework.case_assessments.services import assessments, recommendations
from casework.errors import Conflict, Forbidden, ValidationError
from tests.factories import VIOLENT, make_case, norr_answers, staff


def _routed_violent_case(manager):
    case = make_case(manager)
    assessment = assessments.start_assessment(
        manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
    )
    assessments.save_answers(
        manager, assessment.id, norr_answers(VIOLENT), expected_version=assessment.version
    )
    assessments.complete_assessment(manager, assessment.id, expected_version=assessment.version)
    return case


def test_declining_the_mandatory_safety_action_needs_a_supervisor(app: Flask, team) -> None:
    with app.app_context():
        manager, supervisor = staff(team, "manager"), staff(team, "supervisor")
        case = _routed_violent_case(manager)
        safety = next(
            r
            for r in recommendations.recommendations_of(manager, case.id, joint=False)
            if r.kind.value == "mandatory"
        )
        declined = recommendations.decide(
            manager,
            safety.id,
            accept=False,
            reason="client refuses",
            expected_version=safety.version,
        )
        assert declined.decision == Decision.DECLINE_REQUESTED
        with pytest.raises(Forbidden):
            recommendations.confirm_decline(
                manager, safety.id, confirm=True, reason="x", expected_version=safety.version
            )
        confirmed = recommendations.confirm_decline(
            supervisor,
            safety.id,
            confirm=True,
            reason="discussed; police already involved",
            expected_version=safety.version,
        )
        assert (
            confirmed.decision == Decision.DECLINED and confirmed.confirmed_by_id == supervisor.id
        )


def test_a_decision_on_a_stale_version_or_without_a_reason_is_refused(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = _routed_violent_case(manager)
        first = recommendations.recommendations_of(manager, case.id, joint=False)[0]
        stale = first.version - 1
        with pytest.raises(Conflict, match="changed by someone else"):
            recommendations.decide(
                manager, first.id, accept=True, reason="ok", expected_version=stale
            )
        with pytest.raises(ValidationError, match="a reason is required"):
            recommendations.decide(
                manager, first.id, accept=False, reason="  ", expected_version=first.version
            )
        assert first.decision == Decision.PENDING


def test_a_service_added_by_hand_is_accepted_with_its_reason(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        added = recommendations.add_recommendation(
            manager, case.id, service_code="individual_counselling", reason=" asked for it "
        )
        assert added.kind == RecommendationKind.ADDED and added.decision == Decision.ACCEPTED
        assert added.decision_reason == "asked for it"
        with pytest.raises(ValidationError, match="no active service"):
            recommendations.add_recommendation(
                manager, case.id, service_code="no_such_service", reason="x"
            )


def test_pending_decisions_of_the_case_manager(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = _routed_violent_case(manager)
        pending = recommendations.pending_decisions(manager)
        assert pending and all(r.case_id == case.id for r in pending)
        assert recommendations.pending_decisions(staff(team, "other_manager")) == []
