"""Individual mentoring for the members of a cohort."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.care.models import Attendance
from casework.db import utcnow
from casework.errors import Conflict
from casework.groups.services import enrolments, mentoring
from tests.factories import make_consenting_client, staff


def test_cohort_members_get_individual_mentoring(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        cohort = make_run(cohort=True, name="Leaders' academy 2026")
        group = make_run(name="Mothers, autumn")
        member = enrolments.enrol(
            facilitator, cohort.id, client_id=make_consenting_client(facilitator).id
        )
        other = enrolments.enrol(
            facilitator, group.id, client_id=make_consenting_client(facilitator).id
        )
        start = utcnow() - timedelta(hours=2)
        session = mentoring.schedule_mentoring(
            facilitator,
            member.id,
            mentor_id=staff(team, "facilitator2").id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        with pytest.raises(Conflict, match="cohort"):
            mentoring.schedule_mentoring(
                facilitator,
                other.id,
                mentor_id=facilitator.id,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
        mentor = staff(team, "facilitator2")
        assert [s.id for s in mentoring.list_mentoring(mentor, cohort.id).items] == [session.id]
        seen = session.version
        done = mentoring.record_mentoring_attendance(
            mentor, session.id, attendance=Attendance.ATTENDED, expected_version=seen
        )
        assert done.attendance == Attendance.ATTENDED
        with pytest.raises(Conflict, match="changed by someone else"):
            mentoring.record_mentoring_attendance(
                mentor, session.id, attendance=Attendance.NO_SHOW, expected_version=seen
            )
