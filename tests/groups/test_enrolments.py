"""Enrolments: seats to capacity, the ordered waitlist, promotion on withdrawal, who enrols whom."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.db import db
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus
from casework.groups.services import enrolments, runs
from tests.factories import make_case, make_client, make_consenting_client, staff


def test_seats_fill_to_capacity_and_the_rest_wait_in_order(
    app: Flask, team, make_run, waitlist
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=2)
        people = [make_consenting_client(facilitator) for _ in range(5)]
        made = [enrolments.enrol(facilitator, run.id, client_id=p.id) for p in people]
        assert [e.status for e in made] == ["active"] * 2 + ["waitlisted"] * 3
        assert waitlist(run.id) == [(1, people[2].id), (2, people[3].id), (3, people[4].id)]
        figures = runs.get_run(facilitator, run.id)
        assert (figures.active_count, figures.waitlist_count) == (2, 3)
        assert figures.facilitator_ids == [facilitator.id]


def test_withdrawing_a_seat_promotes_the_first_waiting_at_once(
    app: Flask, team, make_run, waitlist
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=2)
        people = [make_consenting_client(facilitator) for _ in range(5)]
        made = [enrolments.enrol(facilitator, run.id, client_id=p.id) for p in people]
        enrolments.withdraw(facilitator, made[0].id, expected_version=made[0].version)
        promoted = db.session.get(GroupEnrolment, made[2].id)
        assert promoted.status == GroupEnrolmentStatus.ACTIVE
        assert promoted.waitlist_position is None and promoted.activated_at is not None
        assert waitlist(run.id) == [(1, people[3].id), (2, people[4].id)]


def test_leaving_the_waitlist_closes_the_gap(app: Flask, team, make_run, waitlist) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(4)]
        made = [enrolments.enrol(facilitator, run.id, client_id=p.id) for p in people]
        enrolments.withdraw(facilitator, made[2].id, expected_version=made[2].version)
        assert waitlist(run.id) == [(1, people[1].id), (2, people[3].id)]
        assert db.session.get(GroupEnrolment, made[0].id).status == GroupEnrolmentStatus.ACTIVE
        with pytest.raises(Conflict, match="already ended"):
            enrolments.withdraw(facilitator, made[2].id, expected_version=made[2].version)


def test_a_withdrawal_based_on_a_stale_copy_is_refused(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=1)
        first, second = (
            enrolments.enrol(facilitator, run.id, client_id=make_consenting_client(facilitator).id)
            for _ in range(2)
        )
        seen = second.version
        enrolments.withdraw(facilitator, first.id, expected_version=first.version)  # promotes
        assert second.version != seen
        with pytest.raises(Conflict, match="changed by someone else"):
            enrolments.withdraw(facilitator, second.id, expected_version=seen)


def test_a_person_is_enrolled_once_per_run(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run()
        person = make_consenting_client(facilitator)
        enrolments.enrol(facilitator, run.id, client_id=person.id)
        with pytest.raises(Conflict, match="already enrolled"):
            enrolments.enrol(facilitator, run.id, client_id=person.id)


def test_case_clients_are_enrolled_by_their_case_manager(app: Flask, team, make_run) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        run = make_run()
        enrolment = enrolments.enrol(manager, run.id, client_id=case.client_ids[0], case_id=case.id)
        assert enrolment.case_id == case.id and enrolment.status == GroupEnrolmentStatus.ACTIVE
        stranger = make_consenting_client(manager)
        with pytest.raises(ValidationError, match="participant of the case"):
            enrolments.enrol(manager, run.id, client_id=stranger.id, case_id=case.id)
        with pytest.raises(NotFound):
            enrolments.enrol(
                staff(team, "other_manager"), run.id, client_id=case.client_ids[0], case_id=case.id
            )
        # Direct enrolment (no case) is the run's facilitators' and supervisors' job.
        with pytest.raises(Forbidden):
            enrolments.enrol(manager, run.id, client_id=stranger.id)
        # The case manager may withdraw their client from the run.
        enrolments.withdraw(manager, enrolment.id, expected_version=enrolment.version)


def test_people_without_a_case_join_clubs_directly(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run()
        person = make_consenting_client(facilitator)
        enrolment = enrolments.enrol(facilitator, run.id, client_id=person.id)
        assert enrolment.case_id is None
        without_consent = make_client(created_by_id=facilitator.id)
        with pytest.raises(Conflict):
            enrolments.enrol(facilitator, run.id, client_id=without_consent.id)


def test_withdrawing_a_client_everywhere_frees_their_seats_for_the_first_waiting(
    app: Flask, team, make_run, waitlist
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(3)]
        made = [enrolments.enrol(facilitator, run.id, client_id=p.id) for p in people]
        other = make_run(capacity=1, name="Mothers, autumn")
        enrolments.enrol(facilitator, other.id, client_id=people[0].id)
        assert enrolments.withdraw_client_everywhere(facilitator, people[0].id) == 2
        assert db.session.get(GroupEnrolment, made[0].id).status == GroupEnrolmentStatus.WITHDRAWN
        assert db.session.get(GroupEnrolment, made[1].id).status == GroupEnrolmentStatus.ACTIVE
        assert waitlist(run.id) == [(1, people[2].id)]
        assert runs.get_run(facilitator, other.id).active_count == 0


def test_erasing_a_seated_client_frees_the_seat_for_the_first_waiting(
    app: Flask, team, make_run, waitlist
) -> None:
    from casework.privacy.services import erase_client

    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(3)]
        made = [enrolments.enrol(facilitator, run.id, client_id=p.id) for p in people]
        erase_client(staff(team, "supervisor"), people[0].id, reason="GDPR art. 17 request")
        assert db.session.get(GroupEnrolment, made[0].id).status == GroupEnrolmentStatus.WITHDRAWN
        assert db.session.get(GroupEnrolment, made[1].id).status == GroupEnrolmentStatus.ACTIVE
        assert waitlist(run.id) == [(1, people[2].id)]
