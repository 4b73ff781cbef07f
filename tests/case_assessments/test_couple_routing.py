"""Couple routing reads the partners' combined result: either partner's violence rules couples
therapy out, and an individual disclosure never reaches the joint routing the partner sees."""

from __future__ import annotations

import uuid

from flask import Flask

from casework.care.services import enrolments
from casework.case_assessments.models import Assessment
from casework.case_assessments.services import assessments, routing
from casework.cases.models import CaseKind
from tests.factories import make_case, norr_answers, staff

MODERATE = "index 13 is moderate"
VIOLENCE = "one other violence item raises low to high"
COUPLE_RULE = "no_joint_sessions_when_a_partner_discloses_violence"


def _completed(
    manager, case_id: uuid.UUID, client_id: uuid.UUID, vector: str, *, is_individual=False
) -> Assessment:
    a = assessments.start_assessment(
        manager, case_id, instrument_id="norr", client_id=client_id, is_individual=is_individual
    )
    assessments.save_answers(manager, a.id, norr_answers(vector), expected_version=a.version)
    return assessments.complete_assessment(manager, a.id, expected_version=a.version)


def _services(routed: dict) -> set[str]:
    return {r["service"] for r in routed["recommendations"]}


def test_both_partners_results_are_combined_for_the_joint_routing(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        alone = _completed(manager, case.id, first, MODERATE)
        assert alone.routing["combined"] == []  # one partner's result combines with nothing
        both = _completed(manager, case.id, second, MODERATE)
        (combined,) = both.routing["combined"]
        assert (combined["partners"], combined["level"], combined["flags"]) == (2, "moderate", [])
        assert "couples_therapy" in _services(both.routing)


def test_either_partners_violence_rules_couples_therapy_out_through_the_combined_result(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        _completed(manager, case.id, first, MODERATE)
        both = _completed(manager, case.id, second, VIOLENCE)
        (combined,) = both.routing["combined"]
        # and their relational indices (13 and 0) lie more than 12 points apart
        assert [flag["code"] for flag in combined["flags"]] == [
            "violence_disclosed",
            "partners_disagree",
        ]
        assert combined["level"] == "high"
        assert not {"answers", "scales", "evidence"} & set(combined)
        excluded = {(e["service"], e["rule_id"]) for e in both.routing["exclusions"]}
        assert ("couples_therapy", COUPLE_RULE) in excluded
        assert "couples_therapy" not in _services(both.routing)


def test_an_individual_disclosure_shapes_only_the_individual_combined_routing(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        therapist = staff(team, "therapist")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        enrolments.enrol(  # the therapist works with the first partner only
            manager,
            case.id,
            client_id=first,
            service_code="individual_counselling",
            practitioner_id=team["therapist"],
        )
        _completed(manager, case.id, first, MODERATE)
        disclosure = _completed(manager, case.id, second, VIOLENCE, is_individual=True)
        (privately,) = disclosure.routing["combined"]
        assert "violence_disclosed" in {flag["code"] for flag in privately["flags"]}
        assert COUPLE_RULE in {e["rule_id"] for e in disclosure.routing["exclusions"]}

        joint = _completed(manager, case.id, first, MODERATE)
        seen = assessments.read_assessment(therapist, joint.id, joint=True)
        text = repr(seen.routing).lower()
        assert "violence" not in text and COUPLE_RULE not in text
        assert seen.routing["combined"] == []  # the partner's joint result combines with nothing
        withheld = {e["service"]: e for e in seen.routing["exclusions"]}
        assert withheld["couples_therapy"]["reason"] == routing.WITHHELD_REASON
        assert "couples_therapy" not in _services(seen.routing)
