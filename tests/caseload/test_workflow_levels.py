"""The caseload review places a couple case at its most severe partner's latest level."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from casework.care.services import enrolments
from casework.case_assessments.services import assessments
from casework.caseload.services import review
from casework.cases.models import CaseKind
from casework.db import utcnow
from tests.factories import CALM, VIOLENT, make_case, norr_answers, staff


def test_the_caseload_review_shows_a_couple_case_at_its_most_severe_partners_level(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        for client_id, therapist in ((first, "therapist"), (second, "therapist2")):
            enrolments.enrol(
                manager,
                case.id,
                client_id=client_id,
                service_code="individual_counselling",
                practitioner_id=team[therapist],
            )
        for client_id, vector in ((first, VIOLENT), (second, CALM)):  # the calm one comes last
            a = assessments.start_assessment(
                manager, case.id, instrument_id="norr", client_id=client_id
            )
            assessments.save_answers(
                manager, a.id, norr_answers(vector), expected_version=a.version
            )
            assessments.complete_assessment(manager, a.id, expected_version=a.version)
        case.opened_at = utcnow() - timedelta(days=60)
        figures = review(staff(team, "supervisor"))
        assert case.id in {row["case_id"] for row in figures["high_risk_without_contact"]}
