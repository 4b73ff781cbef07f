"""The caseload review against a hand-counted team (see the table in `centre`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.auth.models import Role
from casework.auth.services import get_or_create_team
from casework.care import services as care
from casework.care.models import AppointmentMode, Attendance
from casework.case_assessments import services as assessing
from casework.caseload import services as caseload
from casework.cases.models import CaseState
from casework.db import db, utcnow
from casework.errors import Forbidden, NotFound
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import runs as group_runs
from tests.cases.test_case_workflow import CALM, VIOLENT, norr_answers
from tests.factories import make_case, make_consenting_client, make_user


def _assess(manager, case, vector: str, *, days_ago: int = 0):
    assessment = assessing.start_assessment(
        manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
    )
    assessing.save_answers(manager, assessment.id, norr_answers(vector), expected_version=None)
    done = assessing.complete_assessment(manager, assessment.id, expected_version=None)
    done.completed_at = utcnow() - timedelta(days=days_ago)
    return done


def _contact(manager, therapist, case, *, days_ago: int) -> None:
    enrolment = care.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    start = utcnow() - timedelta(days=days_ago)
    appointment = care.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode=AppointmentMode.IN_PERSON,
    )
    care.record_attendance(
        therapist, appointment.id, attendance=Attendance.ATTENDED, expected_version=None
    )


@pytest.fixture
def centre(app: Flask) -> dict:
    """case  manager  state       level      last contact  assessed   practitioner
    c1    m1       active      very_high  none          today      -
    c2    m1       active      very_high  5 days ago    today      t1
    c3    m1       active      low        60 days ago   100 days   t1
    c4    m2       assessment  -          none          draft      -
    c5    m2       closed      very_high  none          today      -     (never counted)
    c6    m2       on_hold     very_high  40 days ago   today      t1
    c7    m1       intake      -          none          -          -
    elsewhere: a very_high active case of another team without contact (never counted)
    group runs: ours capacity 1 with 3 people (1 seated, 2 waiting); another team's run.
    """
    with app.app_context():
        team = get_or_create_team("Review team")
        other = get_or_create_team("Review team (other)")
        m1, m2 = (make_user(roles=(Role.CASE_MANAGER,), team=team) for _ in range(2))
        t1 = make_user(roles=(Role.THERAPIST,), team=team)
        supervisor = make_user(roles=(Role.SUPERVISOR,), team=team)
        facilitator = make_user(roles=(Role.FACILITATOR,), team=team)
        outsider = make_user(roles=(Role.CASE_MANAGER,), team=other)
        outside_supervisor = make_user(roles=(Role.SUPERVISOR,), team=other)
        c = {
            name: make_case(m1 if name in ("c1", "c2", "c3", "c7") else m2)
            for name in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")
        }
        for name in ("c1", "c2", "c5", "c6"):
            _assess(m1 if name in ("c1", "c2") else m2, c[name], VIOLENT)
        _assess(m1, c["c3"], CALM, days_ago=100)
        assessing.start_assessment(
            m2, c["c4"].id, instrument_id="norr", client_id=c["c4"].client_ids[0]
        )
        _contact(m1, t1, c["c2"], days_ago=5)
        _contact(m1, t1, c["c3"], days_ago=60)
        _contact(m2, t1, c["c6"], days_ago=40)
        elsewhere = make_case(outsider)
        _assess(outsider, elsewhere, VIOLENT)
        for name, state in (
            ("c1", "active"),
            ("c2", "active"),
            ("c3", "active"),
            ("c5", "closed"),
            ("c6", "on_hold"),
        ):
            c[name].state = CaseState(state)
        elsewhere.state = CaseState.ACTIVE
        run = group_runs.create_run(
            facilitator,
            name="Fathers (review)",
            service_code="support_group_fathers",
            capacity=1,
            starts_on=utcnow().date(),
        )
        for _ in range(3):
            group_enrolments.enrol(
                facilitator, run.id, client_id=make_consenting_client(facilitator).id
            )
        group_runs.create_run(
            make_user(roles=(Role.FACILITATOR,), team=other),
            name="Elsewhere (review)",
            service_code="support_group_fathers",
            capacity=3,
            starts_on=utcnow().date(),
        )
        admin = make_user(roles=(Role.ADMIN,))
        db.session.commit()
        return {
            "supervisor": supervisor.id,
            "outside_supervisor": outside_supervisor.id,
            "m1": m1.id,
            "m2": m2.id,
            "t1": t1.id,
            "team": team.id,
            "run": run.id,
            "admin": admin.id,
            **{name: case.reference for name, case in c.items()},
        }


def _review(centre, name="supervisor", **settings):
    from casework.auth.models import User

    user = db.session.get(User, centre[name])
    return caseload.review(user, settings=caseload.ReviewSettings(**settings))


def test_open_cases_by_case_manager_state_and_level(app: Flask, centre) -> None:
    with app.app_context():
        figures = _review(centre)
        rows = {
            (r["case_manager_id"], r["state"].value, r["level"]): r["cases"]
            for r in figures["by_case_manager"]
        }
        assert rows == {
            (centre["m1"], "active", "very_high"): 2,
            (centre["m1"], "active", "low"): 1,
            (centre["m1"], "intake", "unassessed"): 1,
            (centre["m2"], "assessment", "unassessed"): 1,
            (centre["m2"], "on_hold", "very_high"): 1,
        }


def test_open_cases_by_practitioner(app: Flask, centre) -> None:
    with app.app_context():
        rows = {
            (r["practitioner_id"], r["state"].value, r["level"]): r["cases"]
            for r in _review(centre)["by_practitioner"]
        }
        assert rows == {
            (centre["t1"], "active", "very_high"): 1,
            (centre["t1"], "active", "low"): 1,
            (centre["t1"], "on_hold", "very_high"): 1,
        }


def test_high_risk_cases_without_recent_contact(app: Flask, centre) -> None:
    with app.app_context():
        within_30 = [r["reference"] for r in _review(centre)["high_risk_without_contact"]]
        assert within_30 == sorted([centre["c1"], centre["c6"]])
        within_60 = _review(centre, no_contact_days=60)["high_risk_without_contact"]
        assert [r["reference"] for r in within_60] == [centre["c1"]]
        assert within_60[0]["last_contact_at"] is None


def test_overdue_reassessments(app: Flask, centre) -> None:
    with app.app_context():
        overdue = _review(centre)["overdue_reassessments"]
        assert [r["reference"] for r in overdue] == [centre["c3"]]
        assert _review(centre, reassessment_days=120)["overdue_reassessments"] == []


def test_waitlist_lengths_per_run_of_the_team(app: Flask, centre) -> None:
    with app.app_context():
        assert _review(centre)["waitlists"] == [
            {
                "group_run_id": centre["run"],
                "name": "Fathers (review)",
                "capacity": 1,
                "active": 1,
                "waitlisted": 2,
            }
        ]


def test_the_review_is_for_supervisors_of_their_own_teams(app: Flask, centre) -> None:
    with app.app_context():
        from casework.auth.models import User

        outside = _review(centre, "outside_supervisor")
        assert outside["overdue_reassessments"] == []
        assert [r["name"] for r in outside["waitlists"]] == ["Elsewhere (review)"]
        assert [r["cases"] for r in outside["by_case_manager"]] == [1]
        with pytest.raises(NotFound):
            caseload.review(
                db.session.get(User, centre["outside_supervisor"]), team_id=centre["team"]
            )
        for name in ("m1", "t1", "admin"):
            with pytest.raises(Forbidden):
                _review(centre, name)
