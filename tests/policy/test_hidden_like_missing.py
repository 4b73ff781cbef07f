"""Every object one may not see answers exactly like one that does not exist, also where an id is
input to a write (issue 16, finding 2): the same status, message and field for an id of a hidden
object as for a random one, so answers tell nothing about which ids exist."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.auth.services import create_api_token
from casework.consultations.models import InformationConsultation
from casework.db import db, utcnow
from casework.groups.models import GroupEnrolment
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import meetings, runs
from casework.supervision import services as supervision
from tests.factories import make_case, make_consenting_client, staff

Ask = Callable[..., Any]


@pytest.fixture
def world(app: Flask, team: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    """A run of the facilitator's, a meeting of it, a supervision record with an agreed action,
    and a consenting client in a case of another case manager (hidden from the facilitator and
    the consultant)."""
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = runs.create_run(
            facilitator,
            name="Mothers, autumn",
            service_code="support_group_mothers",
            capacity=4,
            starts_on=utcnow().date(),
        )
        meeting = meetings.schedule_meeting(
            facilitator,
            run.id,
            starts_at=utcnow() + timedelta(days=1),
            ends_at=utcnow() + timedelta(days=1, hours=2),
            place="Sala 1",
        )
        record = supervision.create_record(
            staff(team, "supervisor"),
            practitioner_id=team["therapist"],
            held_on=utcnow().date(),
            notes="Boundaries with a family in crisis.",
            actions=[supervision.NewAction("Read the protocol", utcnow().date())],
        )
        hidden_client = make_case(staff(team, "other_manager")).client_ids[0]
        member = make_consenting_client(facilitator)
        enrolment = group_enrolments.enrol(facilitator, run.id, client_id=member.id)
        ids = {
            "enrolment": enrolment.id,
            "run": run.id,
            "meeting": meeting.id,
            "action": record.actions[0].id,
            "hidden_client": hidden_client,
        }
        db.session.commit()
        return ids


@pytest.fixture
def ask(app: Flask, client: FlaskClient, team: dict[str, uuid.UUID]) -> Ask:
    """Call the API as a team member; the answer's status and body."""
    tokens: dict[str, str] = {}

    def call(who: str, method: str, path: str, json: object = None) -> tuple[int, Any]:
        if who not in tokens:
            with app.app_context():
                tokens[who] = create_api_token(staff(team, who), name="probe")[1]
                db.session.commit()
        response = client.open(
            f"/api/v1{path}",
            method=method,
            json=json,
            headers={"Authorization": f"Bearer {tokens[who]}", "Accept-Language": "en"},
        )
        body = response.get_json() or {}
        body.pop("request_id", None)  # different for every request, by design
        return response.status_code, body

    return call


def _the_id(world: dict[str, uuid.UUID], which: str, hidden: str) -> uuid.UUID:
    return world[hidden] if which == "hidden" else uuid.uuid4()


def _count(app: Flask, model: type[Any], **where: object) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(db.session.scalar(query) or 0)


def test_a_facilitator_cannot_enrol_a_hidden_client_and_learns_nothing(
    app: Flask, world: dict[str, uuid.UUID], ask: Ask
) -> None:
    answers = {
        which: ask(
            "facilitator",
            "POST",
            f"/group-runs/{world['run']}/enrolments",
            {"client_id": str(_the_id(world, which, "hidden_client"))},
        )
        for which in ("missing", "hidden")
    }
    assert answers["hidden"] == answers["missing"]
    status, body = answers["hidden"]
    assert status == 422 and body["detail"] == "no such client"
    assert _count(app, GroupEnrolment, client_id=world["hidden_client"]) == 0


def test_a_consultant_cannot_link_a_consultation_to_a_hidden_client(
    app: Flask, world: dict[str, uuid.UUID], ask: Ask
) -> None:
    def log(client_id: uuid.UUID) -> tuple[int, Any]:
        body = {
            "consulted_on": date.today().isoformat(),
            "channel": "phone",
            "language": "uk",
            "topic_codes": ["pesel"],
            "duration_minutes": 10,
            "client_id": str(client_id),
        }
        return ask("consultant", "POST", "/consultations", body)

    hidden, missing = log(world["hidden_client"]), log(uuid.uuid4())
    assert hidden == missing
    assert hidden[0] == 422 and hidden[1]["detail"] == "no such client"
    linked = _count(app, InformationConsultation, client_id=world["hidden_client"])
    assert linked == 0


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "hidden"),
    [
        # an agreed action of a record about someone else, seen by another therapist
        ("therapist2", "POST", "/agreed-actions/{}/completion", None, "action"),
        # a meeting's register, asked for by a facilitator of another run
        ("facilitator2", "GET", "/group-meetings/{}/attendance", None, "meeting"),
        # a club member's enrolment, withdrawn by a facilitator of another run
        ("facilitator2", "POST", "/group-enrolments/{}/withdrawal", {"version": 1}, "enrolment"),
    ],
    ids=["agreed action", "meeting register", "group enrolment"],
)
def test_a_hidden_object_answers_like_a_missing_one(
    world: dict[str, uuid.UUID],
    ask: Ask,
    who: str,
    method: str,
    path: str,
    body: object,
    hidden: str,
) -> None:
    answers = {
        which: ask(who, method, path.format(_the_id(world, which, hidden)), body)
        for which in ("missing", "hidden")
    }
    assert answers["hidden"] == answers["missing"]
    assert answers["hidden"][0] == 404
