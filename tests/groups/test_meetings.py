"""Meetings of a run and their attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.db import utcnow
from casework.errors import ValidationError
from casework.groups.models import MeetingPresence
from casework.groups.services import enrolments, meetings
from tests.factories import make_consenting_client, staff


def test_attendance_is_for_seated_people_at_meetings_that_began(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=1)
        seated, waiting = (
            enrolments.enrol(facilitator, run.id, client_id=make_consenting_client(facilitator).id)
            for _ in range(2)
        )
        past = meetings.schedule_meeting(
            facilitator,
            run.id,
            starts_at=utcnow() - timedelta(hours=3),
            ends_at=utcnow() - timedelta(hours=1),
        )
        future = meetings.schedule_meeting(
            facilitator,
            run.id,
            starts_at=utcnow() + timedelta(days=1),
            ends_at=utcnow() + timedelta(days=1, hours=2),
        )
        rows = meetings.record_attendance(
            facilitator, past.id, [meetings.Presence(seated.id, MeetingPresence.PRESENT)]
        )
        assert [(r.enrolment_id, r.presence) for r in rows] == [(seated.id, "present")]
        rows = meetings.record_attendance(
            facilitator, past.id, [meetings.Presence(seated.id, MeetingPresence.EXCUSED)]
        )
        assert [r.presence for r in rows] == ["excused"]
        with pytest.raises(ValidationError, match="waitlist"):
            meetings.record_attendance(
                facilitator, past.id, [meetings.Presence(waiting.id, MeetingPresence.PRESENT)]
            )
        with pytest.raises(ValidationError, match="has started"):
            meetings.record_attendance(
                facilitator, future.id, [meetings.Presence(seated.id, MeetingPresence.PRESENT)]
            )
        schedule = meetings.list_meetings(staff(team, "manager"), run.id)
        assert [m.id for m in schedule.items] == [past.id, future.id]
