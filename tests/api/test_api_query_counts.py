"""List and detail endpoints issue a bounded number of SQL queries whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask
from sqlalchemy import Connection, event

from casework.auth.models import Role, User
from casework.auth.services import create_api_token, get_or_create_team
from casework.care import services as care
from casework.care.models import AppointmentMode, NoteKind
from casework.cases.models import CaseKind
from casework.db import db, utcnow
from tests.factories import make_case, make_user


@contextmanager
def counted(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def _centre(app: Flask, cases: int) -> tuple[dict[str, str], dict[str, str], object]:
    with app.app_context():
        team = get_or_create_team(f"Team of {cases}")
        manager = make_user(roles=(Role.CASE_MANAGER,), team=team)
        therapist = make_user(roles=(Role.THERAPIST,), team=team)
        made = [make_case(manager, kind=CaseKind.COUPLE) for _ in range(cases)]
        first = made[0]
        enrolment = care.enrol(
            manager,
            first.id,
            client_id=first.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        for number in range(cases):
            start = utcnow() + timedelta(hours=number + 1)
            appointment = care.schedule_appointment(
                therapist,
                enrolment.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                mode=AppointmentMode.REMOTE,
            )
            note = care.write_note(
                therapist,
                appointment.id,
                kind=NoteKind.PROGRESS,
                body=f"note {number}",
                is_individual=number % 2 == 0,
            )
            care.sign_note(therapist, note.id, expected_version=None)
        tokens = {
            name: {
                "Authorization": "Bearer "
                + create_api_token(db.session.get(User, user.id), name="t")[1]
            }
            for name, user in (("manager", manager), ("therapist", therapist))
        }
        db.session.commit()
        return tokens["manager"], tokens["therapist"], first.id


def _queries(app: Flask, connection: Connection, headers: dict[str, str], url: str, **query) -> int:
    client = app.test_client()
    with counted(connection) as statements:
        response = client.get(url, headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return len(statements)


def test_list_endpoints_issue_a_bounded_number_of_queries(
    app: Flask, db_connection: Connection
) -> None:
    small = _centre(app, 2)
    large = _centre(app, 12)
    window = {
        "starts_from": utcnow().isoformat(),
        "starts_before": (utcnow() + timedelta(days=2)).isoformat(),
        "limit": 50,
    }
    for role, url, query in (
        (0, "/api/v1/cases", {"limit": 50}),
        (1, "/api/v1/appointments", window),
        (0, "/api/v1/cases/{case}/notes", {"context": "individual"}),
        (1, "/api/v1/cases/{case}/notes", {}),
        (0, "/api/v1/cases/{case}/enrolments", {}),
        (0, "/api/v1/cases/{case}/recommendations", {}),
        (0, "/api/v1/cases/{case}", {}),
    ):
        counts = [
            _queries(app, db_connection, centre[role], url.format(case=centre[2]), **query)
            for centre in (small, large)
        ]
        assert counts[0] == counts[1], (
            f"{url}: {counts[0]} queries for the small centre, {counts[1]} for the large"
        )
