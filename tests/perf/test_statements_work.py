"""The work lists send the same number of SQL statements whatever the size of the data: each
page is counted through the whole Flask stack at a small centre and at three times its size."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection

from casework.auth.models import Role, User
from casework.auth.services import create_api_token, get_or_create_team
from casework.care.models import AppointmentMode, Attendance
from casework.care.services import appointments, enrolments
from casework.clock import centre_midnight
from casework.crypto.services import Identifiers, set_blind_indexes
from casework.db import db, utcnow
from casework.supervision import services as supervision
from casework.tasks.models import TaskKind
from casework.tasks.services import plan
from tests.counting import counted
from tests.factories import (
    PASSWORD,
    VIOLENT,
    make_assessment,
    make_case,
    make_consenting_client,
    make_user,
)
from tests.pages import csrf_token, sign_in

SURNAME = "Wiśniewska"
BIRTH_YEAR = 1979


def _grow(people: dict[str, User], units: int) -> None:
    """`units` more of everything the work lists show: per unit a case of the manager, assessed
    very high (so a pending recommendation and safety tasks), enrolled with the therapist, an
    appointment today and an attended one 60 days ago, a task of the therapist's overdue, a
    supervision record, the client found by the same surname and birth year; and a case of the
    other team."""
    manager, therapist = people["manager"], people["therapist"]
    for _ in range(units):
        found = make_consenting_client(manager, family_name=SURNAME, birth_year=BIRTH_YEAR)
        set_blind_indexes(found.id, Identifiers(surname=SURNAME, birth_year=BIRTH_YEAR))
        case = make_case(manager, clients=[found])
        make_assessment(manager, case, VIOLENT)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        for start in (centre_midnight() + timedelta(hours=10), utcnow() - timedelta(days=60)):
            appointment = appointments.schedule_appointment(
                therapist,
                enrolment.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                mode=AppointmentMode.IN_PERSON,
            )
        appointments.record_attendance(
            therapist,
            appointment.id,
            attendance=Attendance.ATTENDED,
            expected_version=appointment.version,
        )
        case.opened_at = utcnow() - timedelta(days=120)
        task = plan.add_task(
            manager,
            case.id,
            kind=TaskKind.STEP,
            title="Call back",
            owner_id=therapist.id,
            due_on=utcnow().date() + timedelta(days=2),
        )
        task.due_on = utcnow().date() - timedelta(days=2)  # overdue
        supervision.create_record(
            people["supervisor"],
            practitioner_id=therapist.id,
            held_on=utcnow().date() - timedelta(days=1),
            notes="Talked it through.",
            case_ids=[case.id],
        )
        elsewhere = make_case(people["outsider"])
        make_assessment(people["outsider"], elsewhere, VIOLENT)


@pytest.fixture
def centre(app: Flask) -> dict[str, Any]:
    with app.app_context():
        team = get_or_create_team("Flat team")
        other = get_or_create_team("Flat team (other)")
        people = {
            "manager": make_user(roles=(Role.CASE_MANAGER,), team=team),
            "therapist": make_user(roles=(Role.THERAPIST,), team=team),
            "supervisor": make_user(roles=(Role.SUPERVISOR,), team=team),
            "outsider": make_user(roles=(Role.CASE_MANAGER,), team=other),
        }
        tokens = {
            name: "Bearer " + create_api_token(user, name="perf")[1]
            for name, user in people.items()
        }
        db.session.commit()
        return {"ids": {name: user.id for name, user in people.items()}, "tokens": tokens}


def _grow_by(app: Flask, centre: dict[str, Any], units: int) -> None:
    with app.app_context():
        people = {name: db.session.get(User, user_id) for name, user_id in centre["ids"].items()}
        _grow(people, units)  # type: ignore[arg-type]
        db.session.commit()


#: (who, method, url, form or None, the most statements the page may send)
PAGES = (
    ("manager", "GET", "/", None, 40),
    ("manager", "POST", "/clients/search", {"family_name": SURNAME, "birth_year": BIRTH_YEAR}, 30),
    ("therapist", "GET", "/", None, 40),
    ("therapist", "GET", "/agenda", None, 30),
    ("therapist", "GET", "/my-clients", None, 30),
    ("therapist", "GET", "/api/v1/tasks/mine", None, 20),
    ("supervisor", "GET", "/", None, 40),
    ("supervisor", "GET", "/caseload", None, 40),
    ("supervisor", "GET", "/caseload/cases?level=very_high", None, 30),
    ("supervisor", "GET", "/caseload/cases?figure=without_contact", None, 30),
    ("supervisor", "GET", "/api/v1/caseload-review", None, 25),
    ("supervisor", "GET", "/api/v1/caseload-review/cases?figure=overdue", None, 20),
    ("supervisor", "GET", "/supervision", None, 20),
    ("supervisor", "GET", "/api/v1/supervision-records", None, 20),
)


def _statements(
    app: Flask,
    connection: Connection,
    centre: dict[str, Any],
    page: tuple[Any, ...],
    *,
    expected_hits: int,
) -> int:
    who, method, url, form, _bound = page
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    headers = {}
    if url.startswith("/api/"):
        headers["Authorization"] = centre["tokens"][who]
    else:
        with app.app_context():
            email = db.session.get(User, centre["ids"][who]).email  # type: ignore[union-attr]
        assert sign_in(client, email, PASSWORD).status_code == 302
    if method == "POST":
        data = {**form, "csrf_token": csrf_token(client, url)}
        with counted(connection) as statements:
            response = client.post(url, data=data, headers=headers)
    else:
        with counted(connection) as statements:
            response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    if method == "POST":
        assert response.get_data(as_text=True).count("data-hit") == expected_hits
    return len(statements)


def test_every_work_list_sends_the_same_statements_at_three_times_the_data(
    app: Flask, db_connection: Connection, centre: dict[str, Any]
) -> None:
    _grow_by(app, centre, 2)
    for page in PAGES:  # once first: what a process loads once (keys, catalogue) is not counted
        _statements(app, db_connection, centre, page, expected_hits=2)
    small = {
        page[2] + page[0]: _statements(app, db_connection, centre, page, expected_hits=2)
        for page in PAGES
    }
    _grow_by(app, centre, 4)
    large = {
        page[2] + page[0]: _statements(app, db_connection, centre, page, expected_hits=6)
        for page in PAGES
    }
    assert large == small
    bounds = {page[2] + page[0]: page[4] for page in PAGES}
    assert {key: n for key, n in large.items() if n > bounds[key]} == {}
