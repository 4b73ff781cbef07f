"""Enrolment in a service the latest routing ruled out is refused with the reason, unless a
supervisor of the case's team overrides it with a written reason (kept, audited, on the case)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.care.services import enrolments
from casework.case_assessments.services import assessments, exclusions, routing
from casework.cases.models import CaseKind
from casework.db import db
from casework.errors import Forbidden
from tests.factories import CALM, VIOLENT, make_assessment, make_case, norr_answers, staff


def _violent_couple(team):
    manager = staff(team, "manager")
    case = make_case(manager, kind=CaseKind.COUPLE)
    make_assessment(manager, case, VIOLENT)
    return manager, case


def test_couples_therapy_after_disclosed_violence_is_refused_with_the_reason(
    app: Flask, team
) -> None:
    with app.app_context():
        manager, case = _violent_couple(team)
        for client_id in case.client_ids:
            with pytest.raises(
                exclusions.ServiceExcluded, match="Violence was disclosed"
            ) as refused:
                enrolments.enrol(
                    manager,
                    case.id,
                    client_id=client_id,
                    service_code="couples_therapy",
                    practitioner_id=team["therapist"],
                )
            assert refused.value.status == 409
            assert refused.value.exclusion.reason["uk"].startswith("Розкрито насильство")
        assert enrolments.enrolments_of_case(manager, case.id) == []


def test_a_case_manager_cannot_override_an_exclusion(app: Flask, team) -> None:
    with app.app_context():
        manager, case = _violent_couple(team)
        with pytest.raises(Forbidden, match="supervisor"):
            enrolments.enrol(
                manager,
                case.id,
                client_id=case.client_ids[0],
                service_code="couples_therapy",
                practitioner_id=team["therapist"],
                override_reason="The client insists",
            )


def test_a_supervisor_overrides_with_a_written_reason_kept_on_the_case(app: Flask, team) -> None:
    with app.app_context():
        manager, case = _violent_couple(team)
        supervisor = staff(team, "supervisor")
        before = db.session.scalar(
            select(func.count()).where(AuditEvent.action == "exclusion.override")
        )
        enrolment = enrolments.enrol(
            supervisor,
            case.id,
            client_id=case.client_ids[0],
            service_code="couples_therapy",
            practitioner_id=team["therapist"],
            override_reason="Violence ended two years ago; agreed with the safety team",
        )
        [override] = exclusions.overrides_of_case(manager, case)
        assert override.enrolment_id == enrolment.id
        assert override.supervisor_id == supervisor.id
        assert override.rule_id == "no_joint_sessions_with_violence"
        assert override.reason == "Violence ended two years ago; agreed with the safety team"
        after = db.session.scalar(
            select(func.count()).where(AuditEvent.action == "exclusion.override")
        )
        assert after == before + 1


def test_a_supervisor_without_a_reason_is_refused_too(app: Flask, team) -> None:
    with app.app_context():
        _manager, case = _violent_couple(team)
        with pytest.raises(exclusions.ServiceExcluded):
            enrolments.enrol(
                staff(team, "supervisor"),
                case.id,
                client_id=case.client_ids[0],
                service_code="couples_therapy",
                practitioner_id=team["therapist"],
                override_reason="   ",
            )


def test_services_not_ruled_out_enrol_as_before(app: Flask, team) -> None:
    with app.app_context():
        manager, case = _violent_couple(team)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=team["therapist"],
        )
        assert enrolment.service_code == "individual_counselling"
        assert exclusions.overrides_of_case(manager, case) == []


def test_a_newer_calm_assessment_lifts_the_exclusion(app: Flask, team) -> None:
    with app.app_context():
        manager, case = _violent_couple(team)
        make_assessment(manager, case, CALM)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[1],
            service_code="couples_therapy",
            practitioner_id=team["therapist"],
        )
        assert enrolment.service_code == "couples_therapy"


def test_one_partners_individual_disclosure_rules_joint_therapy_out_for_both_neutrally(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        alone = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=second, is_individual=True
        )
        assessments.save_answers(
            manager, alone.id, norr_answers(VIOLENT), expected_version=alone.version
        )
        assessments.complete_assessment(manager, alone.id, expected_version=alone.version)
        with pytest.raises(exclusions.ServiceExcluded) as refused:
            enrolments.enrol(
                manager,
                case.id,
                client_id=first,
                service_code="couples_therapy",
                practitioner_id=team["therapist"],
            )
        assert refused.value.exclusion.reason == routing.WITHHELD_REASON
        shown = exclusions.excluded_services(case)
        assert shown["couples_therapy"] == routing.WITHHELD_REASON
