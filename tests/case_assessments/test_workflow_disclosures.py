"""An individual disclosure in a couple case shapes no joint routing the partner's side sees."""

from __future__ import annotations

from flask import Flask

from casework.care.services import enrolments
from casework.case_assessments.services import assessments, recommendations, routing
from casework.cases.models import CaseKind
from tests.factories import CALM, VIOLENT, make_case, norr_answers, staff


def _completed(manager, case, client_id, vector, *, is_individual=False):
    a = assessments.start_assessment(
        manager, case.id, instrument_id="norr", client_id=client_id, is_individual=is_individual
    )
    assessments.save_answers(manager, a.id, norr_answers(vector), expected_version=a.version)
    return assessments.complete_assessment(manager, a.id, expected_version=a.version)


def test_an_individual_disclosure_never_shapes_the_joint_routing_the_partner_sees(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        enrolments.enrol(
            manager,
            case.id,
            client_id=first,
            service_code="individual_counselling",
            practitioner_id=team["therapist"],
        )
        therapist = staff(team, "therapist")  # works with the first partner only
        _completed(manager, case, second, VIOLENT, is_individual=True)
        joint = _completed(manager, case, first, CALM)

        seen_jointly = assessments.read_assessment(therapist, joint.id, joint=True)
        text = repr(seen_jointly.routing)
        assert "violence" not in text.lower() and "v_weapon" not in text
        withheld = {e["service"]: e for e in seen_jointly.routing["exclusions"]}
        assert withheld["couples_therapy"]["reason"]["en"] == routing.WITHHELD_REASON["en"]
        assert "couples_therapy" not in {
            r["service"] for r in seen_jointly.routing["recommendations"]
        }

        for viewer in (therapist, manager):
            jointly = recommendations.recommendations_of(viewer, case.id, joint=True)
            assert not any(r.is_individual for r in jointly)
            assert "safety_planning" not in {r.service_code for r in jointly}
        individual = recommendations.recommendations_of(manager, case.id, joint=False)
        assert {"safety_planning"} <= {r.service_code for r in individual if r.is_individual}
        assert not any(
            r.is_individual
            for r in recommendations.recommendations_of(therapist, case.id, joint=False)
        )
