"""The group-run pages through the test client: my runs, roster and waitlist, the attendance
sheet, enrolling a case participant from the case page, and "waitlists I run" on my work."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, Role, User
from casework.db import db, utcnow
from casework.groups.models import GroupEnrolment, MeetingAttendance
from casework.groups.services import enrolments, meetings, runs
from tests.factories import make_case, make_consenting_client, make_team, make_user, staff
from tests.pages import csrf_token, sign_in

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: A withdraw button: the enrolment in its action, the version the page showed in a hidden field.
WITHDRAW = re.compile(
    rf'action="/groups/enrolments/({UUID})/withdraw".*?name="version" value="(\d+)"', re.S
)


@pytest.fixture
def centre(app: Flask) -> dict:
    """A run of capacity 2 with 3 people (Anna, Borys seated; Celina waiting), a past meeting,
    a case of the manager with one participant (Dorota), and a second, empty run."""
    ids = make_team(app, "Group pages team")
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.id.in_(ids.values()))):
            user.preferred_language = Language.EN
        facilitator = staff(ids, "facilitator")
        run = runs.create_run(
            facilitator,
            name="Parents' club (pages)",
            service_code="support_group_fathers",
            capacity=2,
            starts_on=utcnow().date() - timedelta(days=7),
            facilitator_ids=[facilitator.id],
        )
        for given in ("Anna", "Borys", "Celina"):
            client = make_consenting_client(facilitator, given_name=given, family_name="Test")
            enrolments.enrol(facilitator, run.id, client_id=client.id)
        meeting = meetings.schedule_meeting(
            facilitator,
            run.id,
            starts_at=utcnow() - timedelta(days=1),
            ends_at=utcnow() - timedelta(days=1) + timedelta(hours=2),
            place="Room 5",
        )
        other = runs.create_run(
            staff(ids, "facilitator2"),
            name="Open evening (pages)",
            service_code="support_group_fathers",
            capacity=5,
            starts_on=utcnow().date(),
        )
        manager = staff(ids, "manager")
        dorota = make_consenting_client(manager, given_name="Dorota", family_name="Case")
        case = make_case(manager, clients=[dorota])
        db.session.commit()
        emails = {
            name: db.session.get(User, user_id).email  # type: ignore[union-attr]
            for name, user_id in ids.items()
        }
        return {
            **emails,
            "run": str(run.id),
            "other": str(other.id),
            "meeting": str(meeting.id),
            "case": str(case.id),
            "dorota": str(dorota.id),
        }


def _as(client: FlaskClient, email: str) -> None:
    assert sign_in(client, email).status_code == 302


def test_my_group_runs_and_all_runs(client: FlaskClient, centre: dict) -> None:
    _as(client, centre["facilitator"])
    response = client.get("/groups")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Parents&#39; club (pages)" in page and "Open evening (pages)" not in page
    assert "2 / 2" in page
    everything = client.get("/groups?all=1").get_data(as_text=True)
    assert "Open evening (pages)" in everything


def test_the_run_page_shows_roster_and_waitlist_in_order(client: FlaskClient, centre: dict) -> None:
    _as(client, centre["facilitator"])
    response = client.get(f"/groups/{centre['run']}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anna Test" in page and "Borys Test" in page
    waitlist = page[page.index("data-waitlist") :]
    assert "Celina Test" in waitlist and "Anna Test" not in waitlist
    assert f"/groups/meetings/{centre['meeting']}" in page
    assert "Anna" not in page[: page.index("</title>")]  # no client data in the title


def test_withdrawing_promotes_the_first_person_waiting(
    app: Flask, client: FlaskClient, centre: dict
) -> None:
    _as(client, centre["facilitator"])
    page = client.get(f"/groups/{centre['run']}").get_data(as_text=True)
    first = WITHDRAW.search(page)
    assert first
    token = csrf_token(client, f"/groups/{centre['run']}")
    response = client.post(
        f"/groups/enrolments/{first.group(1)}/withdraw",
        data={"csrf_token": token, "version": first.group(2)},
    )
    assert response.headers["Location"] == f"/groups/{centre['run']}"
    page = client.get(f"/groups/{centre['run']}").get_data(as_text=True)
    assert "a freed seat went to the first person waiting" in page
    assert "Nobody is waiting." in page and "Celina Test" in page


def test_schedule_a_meeting(client: FlaskClient, centre: dict) -> None:
    _as(client, centre["facilitator"])
    path = f"/groups/{centre['run']}"
    token = csrf_token(client, path)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "day": "2030-03-04",
            "starts": "17:00",
            "minutes": "90",
            "place": "Room 7",
            "topic": "Boundaries",
        },
    )
    assert response.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "The meeting is scheduled." in page and "Boundaries" in page
    assert client.post(path, data={"day": "2030-03-04"}).status_code == 400  # CSRF


def test_the_attendance_sheet_records_a_row_per_participant(
    app: Flask, client: FlaskClient, centre: dict
) -> None:
    _as(client, centre["facilitator"])
    path = f"/groups/meetings/{centre['meeting']}"
    page = client.get(path).get_data(as_text=True)
    names = re.findall(rf'name="(p-{UUID})" type="radio" value="present"', page)
    assert len(names) == 2 and "Celina" not in page  # the waitlisted have no seat
    token = csrf_token(client, path)
    response = client.post(
        path, data={"csrf_token": token, names[0]: "present", names[1]: "excused"}
    )
    assert response.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "The attendance is recorded." in page
    assert re.search(r'checked[^>]*value="excused"|value="excused"[^>]*checked', page)
    with app.app_context():
        marked = {row.presence.value for row in db.session.scalars(select(MeetingAttendance))}
        assert marked == {"present", "excused"}


def test_a_case_manager_enrols_a_case_participant_from_the_case_page(
    app: Flask, client: FlaskClient, centre: dict
) -> None:
    _as(client, centre["manager"])
    case_page = client.get(f"/cases/{centre['case']}").get_data(as_text=True)
    path = f"/cases/{centre['case']}/group-runs"
    assert path in case_page
    page = client.get(path).get_data(as_text=True)
    assert "Dorota Case" in page and "Open evening (pages)" in page
    token = csrf_token(client, path)
    response = client.post(
        path, data={"csrf_token": token, "client": centre["dorota"], "run": centre["run"]}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(centre["case"])
    page = client.get(f"/cases/{centre['case']}").get_data(as_text=True)
    assert "number 2 on its waitlist" in page
    with app.app_context():
        enrolment = db.session.scalars(
            select(GroupEnrolment).where(GroupEnrolment.case_id == uuid.UUID(centre["case"]))
        ).one()
        assert enrolment.waitlist_position == 2
    response = client.post(
        path, data={"csrf_token": token, "client": centre["dorota"], "run": centre["run"]}
    )
    assert "already enrolled or waiting" in response.get_data(as_text=True)
    assert (
        client.post(path, data={"client": centre["dorota"], "run": centre["other"]}).status_code
        == 400
    )


def test_the_case_manager_sees_runs_but_not_rosters(client: FlaskClient, centre: dict) -> None:
    _as(client, centre["manager"])
    page = client.get(f"/groups/{centre['run']}").get_data(as_text=True)
    assert "Anna Test" not in page and "Seats taken" in page
    # A meeting's register is its run's managers': to anyone else it answers like a missing one.
    assert client.get(f"/groups/meetings/{centre['meeting']}").status_code == 404


@pytest.mark.parametrize("who", ["consultant", "admin"])
def test_non_clinical_staff_do_not_see_group_pages(client: FlaskClient, centre: dict, who) -> None:
    _as(client, centre[who])
    assert client.get("/groups").status_code == 404
    assert client.get(f"/groups/{centre['run']}").status_code == 404
    assert client.get(f"/groups/meetings/{centre['meeting']}").status_code == 404


def test_another_teams_case_manager_cannot_open_the_case_enrolment(
    app: Flask, client: FlaskClient, centre: dict
) -> None:
    with app.app_context():
        outsider = make_user(roles=(Role.CASE_MANAGER,), preferred_language=Language.EN)
        db.session.commit()
        email = outsider.email
    _as(client, email)
    assert client.get(f"/cases/{centre['case']}/group-runs").status_code == 404


def test_waitlists_i_run_on_my_work(client: FlaskClient, centre: dict) -> None:
    _as(client, centre["facilitator"])
    page = client.get("/").get_data(as_text=True)
    slot = page[page.index('data-slot="waitlists"') :]
    assert "Parents&#39; club (pages)" in slot and "2 of 2 seats taken, 1 waiting" in slot
    assert 'href="/groups"' in page  # the navigation


def test_a_refused_withdrawal_is_a_message_on_my_runs(client: FlaskClient, centre: dict) -> None:
    _as(client, centre["facilitator"])
    page = client.get(f"/groups/{centre['run']}").get_data(as_text=True)
    first = WITHDRAW.search(page)
    assert first
    path = f"/groups/enrolments/{first.group(1)}/withdraw"
    token = csrf_token(client, f"/groups/{centre['run']}")
    elsewhere = {"Referer": "https://elsewhere.example/"}
    for version in (None, "", "²", "-1"):  # the version is required, in ASCII digits
        data = {"csrf_token": token} | ({"version": version} if version is not None else {})
        response = client.post(path, data=data, headers=elsewhere)
        assert response.status_code == 302 and response.headers["Location"] == "/groups"
        assert "out of date" in client.get("/groups").get_data(as_text=True)
    response = client.post(
        path, data={"csrf_token": token, "version": first.group(2)}, headers=elsewhere
    )
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/groups/{centre['run']}"
    )
    response = client.post(
        path, data={"csrf_token": token, "version": first.group(2)}, headers=elsewhere
    )
    assert response.status_code == 302 and response.headers["Location"] == "/groups"
    assert "flash flash-error" in client.get("/groups").get_data(as_text=True)  # changed since
