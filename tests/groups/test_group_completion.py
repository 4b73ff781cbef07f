"""The group participation lifecycle: completion by hand and from attendance, history kept,
per-person counts, capacity limits per service."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.auth.models import Language
from casework.catalogue.models import Service
from casework.catalogue.services import set_group_settings
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, MeetingPresence
from casework.groups.services import completion
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import meetings as group_meetings
from casework.groups.services import runs as group_runs
from tests.factories import make_consenting_client, make_team, staff
from tests.pages import csrf_token, sign_in

SERVICE = "support_group_mothers"


@pytest.fixture
def team(app: Flask) -> dict:
    return make_team(app)


def _run(ids: dict, *, capacity: int | None = 2, name: str = "Mothers, autumn", days_ago: int = 0):
    return group_runs.create_run(
        staff(ids, "facilitator"),
        name=name,
        service_code=SERVICE,
        capacity=capacity,
        starts_on=utcnow().date() - timedelta(days=days_ago),
    )


def _threshold(ids: dict, percent: int | None) -> None:
    set_group_settings(
        staff(ids, "admin"),
        SERVICE,
        completion_attendance_percent=percent,
        max_capacity=None,
        default_capacity=None,
    )


def test_facilitator_completes_a_participant_and_the_seat_goes_to_the_first_waiting(
    app: Flask, team
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=1)
        first, second = (make_consenting_client(facilitator) for _ in range(2))
        seated = group_enrolments.enrol(facilitator, run.id, client_id=first.id)
        waiting = group_enrolments.enrol(facilitator, run.id, client_id=second.id)
        done = completion.complete(facilitator, seated.id, expected_version=seated.version)
        assert done.status == GroupEnrolmentStatus.COMPLETED and done.ended_at is not None
        assert db.session.get(GroupEnrolment, waiting.id).status == GroupEnrolmentStatus.ACTIVE
        counts = completion.participation_counts([run.id])[run.id]
        assert (counts.took_part, counts.completed, counts.active, counts.waiting) == (2, 1, 1, 0)


def test_only_a_seated_participant_can_complete(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=1)
        first, second = (make_consenting_client(facilitator) for _ in range(2))
        group_enrolments.enrol(facilitator, run.id, client_id=first.id)
        waiting = group_enrolments.enrol(facilitator, run.id, client_id=second.id)
        with pytest.raises(Conflict, match="waitlisted"):
            completion.complete(facilitator, waiting.id, expected_version=waiting.version)


def test_a_facilitator_of_another_run_cannot_complete_its_participants(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team)
        seated = group_enrolments.enrol(
            facilitator, run.id, client_id=make_consenting_client(facilitator).id
        )
        with pytest.raises(NotFound):
            completion.complete(
                staff(team, "facilitator2"), seated.id, expected_version=seated.version
            )
        assert db.session.get(GroupEnrolment, seated.id).status == GroupEnrolmentStatus.ACTIVE


def test_history_is_kept_and_people_are_counted_once_per_run(app: Flask, team) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team, capacity=5)
        other_run = _run(team, capacity=5, name="Mothers, second group")
        person, other = (make_consenting_client(facilitator) for _ in range(2))
        first = group_enrolments.enrol(facilitator, run.id, client_id=person.id)
        group_enrolments.withdraw(facilitator, first.id, expected_version=first.version)
        again = group_enrolments.enrol(facilitator, run.id, client_id=person.id)
        completion.complete(facilitator, again.id, expected_version=again.version)
        group_enrolments.enrol(facilitator, run.id, client_id=other.id)
        group_enrolments.enrol(facilitator, other_run.id, client_id=person.id)
        rows = db.session.scalar(select(func.count()).where(GroupEnrolment.client_id == person.id))
        assert rows == 3  # the withdrawal, the completion and the other run: nothing deleted
        counts = completion.participation_counts([run.id, other_run.id])
        assert counts[run.id].took_part == 2  # the person who came back counts once
        assert (counts[run.id].completed, counts[run.id].withdrew) == (1, 1)
        assert counts[other_run.id].took_part == 1


def _ended_run_with_meetings(team: dict, meetings: int = 4):
    """A run that started 40 days ago, held `meetings` meetings, and ended yesterday."""
    facilitator = staff(team, "facilitator")
    run = _run(team, capacity=10, days_ago=40)
    start = datetime.combine(run.starts_on, time(17), UTC)
    held = [
        group_meetings.schedule_meeting(
            facilitator,
            run.id,
            starts_at=start + timedelta(days=7 * n),
            ends_at=start + timedelta(days=7 * n, hours=2),
        )
        for n in range(meetings)
    ]
    return facilitator, run, held


def _attend(facilitator, meetings, enrolment, present: int) -> None:
    for number, meeting in enumerate(meetings):
        presence = MeetingPresence.PRESENT if number < present else MeetingPresence.ABSENT
        group_meetings.record_attendance(
            facilitator, meeting.id, [group_meetings.Presence(enrolment.id, presence)]
        )


def test_ended_runs_complete_participants_who_met_the_attendance_threshold(
    app: Flask, team
) -> None:
    with app.app_context():
        _threshold(team, 75)
        facilitator, run, meetings = _ended_run_with_meetings(team)
        regular, irregular = (
            group_enrolments.enrol(
                facilitator, run.id, client_id=make_consenting_client(facilitator).id
            )
            for _ in range(2)
        )
        _attend(facilitator, meetings, regular, present=3)  # 75%
        _attend(facilitator, meetings, irregular, present=2)  # 50%
        yesterday = utcnow().date() - timedelta(days=1)
        group_runs.update_run(facilitator, run.id, expected_version=run.version, ends_on=yesterday)

        assert completion.complete_ended_runs() == {run.id: 1}
        assert completion.complete_ended_runs() == {}  # idempotent
        completed = db.session.get(GroupEnrolment, regular.id)
        assert completed.status == GroupEnrolmentStatus.COMPLETED
        assert completed.ended_at == datetime.combine(yesterday, time(), UTC)
        assert db.session.get(GroupEnrolment, irregular.id).status == GroupEnrolmentStatus.ACTIVE


def test_runs_still_going_or_without_a_threshold_are_not_completed_automatically(
    app: Flask, team
) -> None:
    with app.app_context():
        facilitator, run, meetings = _ended_run_with_meetings(team, meetings=2)
        enrolment = group_enrolments.enrol(
            facilitator, run.id, client_id=make_consenting_client(facilitator).id
        )
        _attend(facilitator, meetings, enrolment, present=2)
        yesterday = utcnow().date() - timedelta(days=1)
        group_runs.update_run(facilitator, run.id, expected_version=run.version, ends_on=yesterday)
        assert completion.complete_ended_runs() == {}  # the service declares no threshold
        with pytest.raises(Conflict, match="no attendance threshold"):
            completion.complete_run_from_attendance(facilitator, run.id)
        _threshold(team, 50)
        assert completion.complete_run_from_attendance(facilitator, run.id) == 1


def test_a_members_club_of_600_fits_when_its_service_allows_it(app: Flask, team) -> None:
    with app.app_context():
        with pytest.raises(ValidationError, match="between 1 and 500"):
            _run(team, capacity=600)
        set_group_settings(
            staff(team, "admin"),
            SERVICE,
            completion_attendance_percent=None,
            max_capacity=800,
            default_capacity=600,
        )
        run = _run(team, capacity=None, name="Members' club")
        assert run.capacity == 600
        with pytest.raises(ValidationError, match="between 1 and 800"):
            group_runs.update_run(
                staff(team, "facilitator"), run.id, expected_version=run.version, capacity=801
            )


def test_only_an_administrator_sets_a_services_group_settings(app: Flask, team) -> None:
    with app.app_context():
        with pytest.raises(Forbidden):
            set_group_settings(
                staff(team, "supervisor"),
                SERVICE,
                completion_attendance_percent=80,
                max_capacity=None,
                default_capacity=None,
            )
        with pytest.raises(ValidationError, match="cannot exceed"):
            set_group_settings(
                staff(team, "admin"),
                SERVICE,
                completion_attendance_percent=80,
                max_capacity=10,
                default_capacity=20,
            )
        assert db.session.get(Service, SERVICE).completion_attendance_percent is None


def test_the_command_completes_ended_runs(app: Flask, team) -> None:
    with app.app_context():
        _threshold(team, 50)
        facilitator, run, meetings = _ended_run_with_meetings(team, meetings=2)
        enrolment = group_enrolments.enrol(
            facilitator, run.id, client_id=make_consenting_client(facilitator).id
        )
        _attend(facilitator, meetings, enrolment, present=1)
        group_runs.update_run(
            facilitator,
            run.id,
            expected_version=run.version,
            ends_on=utcnow().date() - timedelta(days=1),
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["groups", "complete-runs"])
    assert result.exit_code == 0, result.output
    assert "1 participations completed in 1 ended runs" in result.output
    with app.app_context():
        assert db.session.get(GroupEnrolment, enrolment.id).status == "completed"


def test_the_api_records_a_completion_and_gives_counts_by_person(
    app: Flask, client: FlaskClient, team
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team)
        seated = group_enrolments.enrol(
            facilitator, run.id, client_id=make_consenting_client(facilitator).id
        )
        email = facilitator.email
        db.session.commit()
        run_id, enrolment_id, version = run.id, seated.id, seated.version
    sign_in(client, email)
    token = csrf_token(client, "/")
    answer = client.post(
        f"/api/v1/group-enrolments/{enrolment_id}/completion",
        json={"version": version},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "completed"
    again = client.post(
        f"/api/v1/group-enrolments/{enrolment_id}/completion",
        json={"version": answer.get_json()["version"]},
        headers={"X-CSRFToken": token},
    )
    assert again.status_code == 409
    counts = client.get(f"/api/v1/group-runs/{run_id}/participation").get_json()
    assert counts == {"took_part": 1, "completed": 1, "withdrew": 0, "active": 0, "waiting": 0}


def test_the_run_page_marks_completion_and_lists_past_participants(
    app: Flask, client: FlaskClient, team
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = _run(team)
        facilitator.preferred_language = Language.EN
        person = make_consenting_client(facilitator, family_name="Zielińska")
        seated = group_enrolments.enrol(facilitator, run.id, client_id=person.id)
        email = facilitator.email
        db.session.commit()
        run_id, enrolment_id, version = run.id, seated.id, seated.version
    sign_in(client, email)
    page = client.get(f"/groups/{run_id}").get_data(as_text=True)
    assert "Mark completed" in page
    answer = client.post(
        f"/groups/enrolments/{enrolment_id}/complete",
        data={"version": version, "csrf_token": csrf_token(client, f"/groups/{run_id}")},
    )
    assert answer.status_code == 302
    page = client.get(f"/groups/{run_id}").get_data(as_text=True)
    assert "Past participants" in page and "Zielińska" in page
    assert "The participation is recorded as completed." in page
