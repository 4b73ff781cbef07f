"""Finding cases by what assessments and care know of them."""

from __future__ import annotations

from flask import Flask

from casework.care.services import enrolments
from casework.case_assessments.services import assessments
from casework.casefile.services import CaseSearch, find_cases
from casework.cases.models import CaseKind
from tests.factories import VIOLENT, make_case, norr_answers, staff


def _completed(manager, case, client_id, *, is_individual):
    a = assessments.start_assessment(
        manager, case.id, instrument_id="norr", client_id=client_id, is_individual=is_individual
    )
    assessments.save_answers(manager, a.id, norr_answers(VIOLENT), expected_version=a.version)
    return assessments.complete_assessment(manager, a.id, expected_version=a.version)


def _found(user, search: CaseSearch) -> set:
    return {case.id for case in find_cases(user, search, cursor=None, limit=50).items}


def test_an_individual_disclosure_never_shows_through_the_level_filter(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        disclosed = make_case(manager, kind=CaseKind.COUPLE)
        _completed(manager, disclosed, disclosed.client_ids[1], is_individual=True)
        assessed = make_case(manager)
        _completed(manager, assessed, assessed.client_ids[0], is_individual=False)
        assert _found(manager, CaseSearch(level="very_high")) == {assessed.id}


def test_cases_are_found_by_practitioner_and_service(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        counselled, other = make_case(manager), make_case(manager)
        enrolments.enrol(
            manager,
            counselled.id,
            client_id=counselled.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=team["therapist"],
        )
        by_practitioner = CaseSearch(practitioner_id=team["therapist"])
        assert _found(manager, by_practitioner) == {counselled.id}
        assert _found(manager, CaseSearch(service_code="individual_counselling")) == {counselled.id}
        assert other.id in _found(manager, CaseSearch())
