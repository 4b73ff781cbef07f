"""Enrolments through their services: who may be enrolled where, and how access ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.care.models import EnrolmentStatus
from casework.care.services import enrolments
from casework.cases.services import cases
from casework.db import db, utcnow
from casework.errors import Conflict, NotFound, ValidationError
from tests.factories import make_case, staff


def test_a_withdrawn_practitioner_loses_access_after_the_grace_period(
    app: Flask, team, couple_in_care
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        enrolment = next(
            e
            for e in enrolments.enrolments_of_case(couple.manager, couple.case.id)
            if e.client_id == couple.first
        )
        enrolments.end_enrolment(
            couple.manager,
            enrolment.id,
            status=EnrolmentStatus.WITHDRAWN,
            expected_version=enrolment.version,
        )
        assert cases.get_case(therapist, couple.case.id)  # still there to finish their notes
        enrolment.ended_at = utcnow() - timedelta(days=31)
        db.session.flush()
        with pytest.raises(NotFound):
            cases.get_case(staff(team, "therapist"), couple.case.id)


def test_group_services_are_joined_through_group_runs_not_case_enrolments(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        with pytest.raises(ValidationError, match="through one of its group runs"):
            enrolments.enrol(
                manager, case.id, client_id=case.client_ids[0], service_code="psychoeducation_group"
            )


def test_an_enrolment_ends_once_and_only_from_its_current_version(
    app: Flask, team, couple_in_care
) -> None:
    with app.app_context():
        couple = couple_in_care()
        enrolment = enrolments.enrolments_of_case(couple.manager, couple.case.id)[0]
        seen = enrolment.version
        with pytest.raises(Conflict, match="changed by someone else"):
            enrolments.end_enrolment(
                couple.manager,
                enrolment.id,
                status=EnrolmentStatus.COMPLETED,
                expected_version=seen + 1,
            )
        enrolments.end_enrolment(
            couple.manager, enrolment.id, status=EnrolmentStatus.COMPLETED, expected_version=seen
        )
        with pytest.raises(Conflict, match="already ended"):
            enrolments.end_enrolment(
                couple.manager,
                enrolment.id,
                status=EnrolmentStatus.WITHDRAWN,
                expected_version=enrolment.version,
            )


def test_a_hidden_enrolment_reads_like_a_missing_one(app: Flask, team, couple_in_care) -> None:
    with app.app_context():
        couple = couple_in_care()
        enrolment = enrolments.enrolments_of_case(couple.manager, couple.case.id)[0]
        with pytest.raises(NotFound, match="no such enrolment"):
            enrolments.end_enrolment(
                staff(team, "other_manager"),
                enrolment.id,
                status=EnrolmentStatus.COMPLETED,
                expected_version=enrolment.version,
            )
