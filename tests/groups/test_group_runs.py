"""Group runs: capacity, the ordered waitlist, automatic promotion, attendance, mentoring."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from casework.care.models import Attendance
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.groups import services as groups
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, MeetingPresence
from tests.factories import make_case, make_client, make_consenting_client
from tests.programmes import make_team, staff


@pytest.fixture
def team(app: Flask) -> dict:
    return make_team(app)


def _run(ids: dict, *, capacity: int = 2, cohort: bool = False, name: str = "Mothers, spring"):
    return groups.create_run(
        staff(ids, "facilitator"),
        name=name,
        service_code="support_group_mothers",
        capacity=capacity,
        starts_on=utcnow().date(),
        is_cohort=cohort,
    )


def _waitlist(run_id) -> list[tuple[int | None, object]]:
    return list(
        db.session.execute(
            select(GroupEnrolment.waitlist_position, GroupEnrolment.client_id)
            .where(
                GroupEnrolment.run_id == run_id,
                GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED,
            )
            .order_by(GroupEnrolment.waitlist_position)
        )
    )


def test_seats_fill_to_capacity_and_the_rest_wait_in_order(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=2)
        people = [make_consenting_client(facilitator) for _ in range(5)]
        made = [groups.enrol(facilitator, run.id, client_id=p.id) for p in people]
        assert [e.status for e in made] == ["active"] * 2 + ["waitlisted"] * 3
        assert _waitlist(run.id) == [(1, people[2].id), (2, people[3].id), (3, people[4].id)]
        figures = groups.get_run(facilitator, run.id)
        assert (figures.active_count, figures.waitlist_count) == (2, 3)
        assert figures.facilitator_ids == [facilitator.id]


def test_withdrawing_a_seat_promotes_the_first_waiting_at_once(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=2)
        people = [make_consenting_client(facilitator) for _ in range(5)]
        made = [groups.enrol(facilitator, run.id, client_id=p.id) for p in people]
        groups.withdraw(facilitator, made[0].id, expected_version=made[0].version)
        promoted = db.session.get(GroupEnrolment, made[2].id)
        assert promoted.status == GroupEnrolmentStatus.ACTIVE
        assert promoted.waitlist_position is None and promoted.activated_at is not None
        assert _waitlist(run.id) == [(1, people[3].id), (2, people[4].id)]


def test_leaving_the_waitlist_closes_the_gap(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(4)]
        made = [groups.enrol(facilitator, run.id, client_id=p.id) for p in people]
        groups.withdraw(facilitator, made[2].id, expected_version=None)
        assert _waitlist(run.id) == [(1, people[1].id), (2, people[3].id)]
        assert db.session.get(GroupEnrolment, made[0].id).status == GroupEnrolmentStatus.ACTIVE
        with pytest.raises(Conflict, match="already ended"):
            groups.withdraw(facilitator, made[2].id, expected_version=None)


def test_a_person_is_enrolled_once_per_run(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team)
        person = make_consenting_client(facilitator)
        groups.enrol(facilitator, run.id, client_id=person.id)
        with pytest.raises(Conflict, match="already enrolled"):
            groups.enrol(facilitator, run.id, client_id=person.id)


def test_case_clients_are_enrolled_by_their_case_manager(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        run = _run(team)
        enrolment = groups.enrol(manager, run.id, client_id=case.client_ids[0], case_id=case.id)
        assert enrolment.case_id == case.id and enrolment.status == GroupEnrolmentStatus.ACTIVE
        stranger = make_consenting_client(manager)
        with pytest.raises(ValidationError, match="participant of the case"):
            groups.enrol(manager, run.id, client_id=stranger.id, case_id=case.id)
        with pytest.raises(NotFound):
            groups.enrol(
                staff(team, "other_manager"), run.id, client_id=case.client_ids[0], case_id=case.id
            )
        # Direct enrolment (no case) is the run's facilitators' and supervisors' job.
        with pytest.raises(Forbidden):
            groups.enrol(manager, run.id, client_id=stranger.id)
        # The case manager may withdraw their client from the run.
        groups.withdraw(manager, enrolment.id, expected_version=None)


def test_people_without_a_case_join_clubs_directly(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team)
        person = make_consenting_client(facilitator)
        enrolment = groups.enrol(facilitator, run.id, client_id=person.id)
        assert enrolment.case_id is None
        without_consent = make_client()
        with pytest.raises(Conflict):
            groups.enrol(facilitator, run.id, client_id=without_consent.id)


def test_only_facilitators_and_team_supervisors_manage_a_run(app: Flask, team) -> None:
    with app.app_context():
        run = _run(team)
        person = make_consenting_client(staff(team, "facilitator"))
        with pytest.raises(Forbidden):
            groups.enrol(staff(team, "facilitator2"), run.id, client_id=person.id)
        with pytest.raises(Forbidden):
            groups.roster(staff(team, "outside_supervisor"), run.id)
        with pytest.raises(NotFound):
            groups.get_run(staff(team, "consultant"), run.id)
        with pytest.raises(NotFound):
            groups.get_run(staff(team, "admin"), run.id)
        groups.enrol(staff(team, "supervisor"), run.id, client_id=person.id)
        page = groups.roster(staff(team, "supervisor"), run.id)
        assert [e.client_id for e in page.items] == [person.id]


def test_attendance_is_for_seated_people_at_meetings_that_began(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=1)
        seated, waiting = (
            groups.enrol(facilitator, run.id, client_id=make_consenting_client(facilitator).id)
            for _ in range(2)
        )
        past = groups.schedule_meeting(
            facilitator,
            run.id,
            starts_at=utcnow() - timedelta(hours=3),
            ends_at=utcnow() - timedelta(hours=1),
        )
        future = groups.schedule_meeting(
            facilitator,
            run.id,
            starts_at=utcnow() + timedelta(days=1),
            ends_at=utcnow() + timedelta(days=1, hours=2),
        )
        rows = groups.record_attendance(
            facilitator, past.id, [groups.Presence(seated.id, MeetingPresence.PRESENT)]
        )
        assert [(r.enrolment_id, r.presence) for r in rows] == [(seated.id, "present")]
        rows = groups.record_attendance(
            facilitator, past.id, [groups.Presence(seated.id, MeetingPresence.EXCUSED)]
        )
        assert [r.presence for r in rows] == ["excused"]
        with pytest.raises(ValidationError, match="waitlist"):
            groups.record_attendance(
                facilitator, past.id, [groups.Presence(waiting.id, MeetingPresence.PRESENT)]
            )
        with pytest.raises(ValidationError, match="has started"):
            groups.record_attendance(
                facilitator, future.id, [groups.Presence(seated.id, MeetingPresence.PRESENT)]
            )
        schedule = groups.list_meetings(staff(team, "manager"), run.id)
        assert [m.id for m in schedule.items] == [past.id, future.id]


def test_cohort_members_get_individual_mentoring(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        cohort = _run(team, cohort=True, name="Leaders' academy 2026")
        group = _run(team, name="Mothers, autumn")
        member = groups.enrol(
            facilitator, cohort.id, client_id=make_consenting_client(facilitator).id
        )
        other = groups.enrol(
            facilitator, group.id, client_id=make_consenting_client(facilitator).id
        )
        start = utcnow() - timedelta(hours=2)
        session = groups.schedule_mentoring(
            facilitator,
            member.id,
            mentor_id=staff(team, "facilitator2").id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        with pytest.raises(Conflict, match="cohort"):
            groups.schedule_mentoring(
                facilitator,
                other.id,
                mentor_id=facilitator.id,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
        mentor = staff(team, "facilitator2")
        assert [s.id for s in groups.list_mentoring(mentor, cohort.id).items] == [session.id]
        done = groups.record_mentoring_attendance(
            mentor, session.id, attendance=Attendance.ATTENDED, expected_version=session.version
        )
        assert done.attendance == Attendance.ATTENDED


def test_raising_the_capacity_seats_the_first_people_waiting(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(4)]
        for person in people:
            groups.enrol(facilitator, run.id, client_id=person.id)
        groups.update_run(facilitator, run.id, capacity=3, expected_version=run.version)
        assert _waitlist(run.id) == [(1, people[3].id)]
        with pytest.raises(Conflict, match="3 people hold seats"):
            groups.update_run(facilitator, run.id, capacity=2, expected_version=None)
        with pytest.raises(Conflict, match="changed by someone else"):
            groups.update_run(facilitator, run.id, capacity=4, expected_version=1)
        with pytest.raises(Forbidden):
            groups.update_run(staff(team, "manager"), run.id, capacity=4, expected_version=None)


def test_erasing_a_seated_client_frees_the_seat_for_the_first_waiting(app: Flask, team) -> None:
    from casework.privacy.services import erase_client

    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(3)]
        made = [groups.enrol(facilitator, run.id, client_id=p.id) for p in people]
        erase_client(staff(team, "supervisor"), people[0].id, reason="GDPR art. 17 request")
        assert db.session.get(GroupEnrolment, made[0].id).status == GroupEnrolmentStatus.WITHDRAWN
        assert db.session.get(GroupEnrolment, made[1].id).status == GroupEnrolmentStatus.ACTIVE
        assert _waitlist(run.id) == [(1, people[2].id)]
