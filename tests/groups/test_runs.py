"""Group runs: who may open and manage one, its figures, and changing its capacity."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.groups.services import enrolments, runs
from tests.factories import make_consenting_client, staff


def test_a_facilitator_who_opens_a_run_runs_it(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=2)
        figures = runs.get_run(facilitator, run.id)
        assert figures.facilitator_ids == [facilitator.id]
        assert (figures.active_count, figures.waitlist_count) == (0, 0)
        with pytest.raises(ValidationError, match="cannot end before it starts"):
            runs.create_run(
                facilitator,
                name="Backwards",
                service_code="support_group_mothers",
                capacity=2,
                starts_on=run.starts_on,
                ends_on=run.starts_on.replace(year=run.starts_on.year - 1),
            )


def test_only_facilitators_and_team_supervisors_manage_a_run(app: Flask, team, make_run) -> None:
    with app.app_context():
        run = make_run()
        person = make_consenting_client(staff(team, "facilitator"))
        with pytest.raises(Forbidden):
            enrolments.enrol(staff(team, "facilitator2"), run.id, client_id=person.id)
        with pytest.raises(Forbidden):
            enrolments.roster(staff(team, "outside_supervisor"), run.id)
        with pytest.raises(NotFound):
            runs.get_run(staff(team, "consultant"), run.id)
        with pytest.raises(NotFound):
            runs.get_run(staff(team, "admin"), run.id)
        enrolments.enrol(staff(team, "supervisor"), run.id, client_id=person.id)
        page = enrolments.roster(staff(team, "supervisor"), run.id)
        assert [e.client_id for e in page.items] == [person.id]


def test_raising_the_capacity_seats_the_first_people_waiting(
    app: Flask, team, make_run, waitlist
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(capacity=1)
        people = [make_consenting_client(facilitator) for _ in range(4)]
        for person in people:
            enrolments.enrol(facilitator, run.id, client_id=person.id)
        runs.update_run(facilitator, run.id, capacity=3, expected_version=run.version)
        assert waitlist(run.id) == [(1, people[3].id)]
        with pytest.raises(Conflict, match="3 people hold seats"):
            runs.update_run(facilitator, run.id, capacity=2, expected_version=run.version)
        with pytest.raises(Conflict, match="changed by someone else"):
            runs.update_run(facilitator, run.id, capacity=4, expected_version=1)
        with pytest.raises(Forbidden):
            runs.update_run(
                staff(team, "manager"), run.id, capacity=4, expected_version=run.version
            )
