"""The group-run API: versioned changes name the version they are based on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.services import create_api_token
from casework.db import db, utcnow
from casework.groups.services import enrolments, mentoring
from tests.factories import make_consenting_client, staff


@pytest.fixture
def cohort(app: Flask, team, make_run) -> dict[str, str]:
    """A cohort run with one member holding a seat and one mentoring session; the facilitator's
    API token."""
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = make_run(cohort=True, name="Leaders' academy (API)")
        member = enrolments.enrol(
            facilitator, run.id, client_id=make_consenting_client(facilitator).id
        )
        start = utcnow() - timedelta(hours=2)
        session = mentoring.schedule_mentoring(
            facilitator,
            member.id,
            mentor_id=facilitator.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        token = create_api_token(facilitator, name="tests")[1]
        db.session.commit()
        return {
            "token": token,
            "run": str(run.id),
            "enrolment": str(member.id),
            "session": str(session.id),
        }


def _changes(ids: dict[str, str]) -> list[tuple[str, str, dict]]:
    return [
        ("PATCH", f"/api/v1/group-runs/{ids['run']}", {"capacity": 3}),
        ("POST", f"/api/v1/group-enrolments/{ids['enrolment']}/withdrawal", {}),
        (
            "POST",
            f"/api/v1/mentoring-sessions/{ids['session']}/attendance",
            {"attendance": "attended"},
        ),
    ]


def test_a_versioned_change_without_its_version_is_refused(
    client: FlaskClient, cohort: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {cohort['token']}"}
    for method, url, body in _changes(cohort):
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 422, (url, response.get_json())
        assert "version" in response.get_json()["errors"]["json"]
        stale = client.open(url, method=method, json=body | {"version": 99}, headers=headers)
        assert stale.status_code == 409, url
        current = client.open(url, method=method, json=body | {"version": 1}, headers=headers)
        assert current.status_code == 200, (url, current.get_json())
