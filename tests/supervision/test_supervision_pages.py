"""Supervision records through the test client: create with actions, list, read, add an action,
mark done; who sees them."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.pages import csrf_token, sign_in

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _as(client: FlaskClient, email: str) -> None:
    assert sign_in(client, email).status_code == 302


def _record(client: FlaskClient, team_emails: dict, **extra: str) -> str:
    token = csrf_token(client, "/supervision/new")
    response = client.post(
        "/supervision/new",
        data={
            "csrf_token": token,
            "practitioner": team_emails["therapist_id"],
            "held_on": "2026-01-10",
            "notes": "Talked about boundaries with a very demanding family.",
            "actions-0-text": "Read the safety-plan guidance",
            "actions-0-due_on": "2026-02-01",
            **extra,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(rf"/supervision/({UUID})", response.headers["Location"])
    assert match
    return match.group(1)


def test_a_supervisor_records_a_supervision_with_an_action(
    client: FlaskClient, team_emails: dict
) -> None:
    _as(client, team_emails["supervisor"])
    form = client.get("/supervision/new")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    page = form.get_data(as_text=True)
    assert f'value="{team_emails["therapist_id"]}"' in page
    assert f'value="{team_emails["outside_supervisor_id"]}"' not in page
    record_id = _record(client, team_emails)
    page = client.get(f"/supervision/{record_id}").get_data(as_text=True)
    assert "The supervision record is saved." in page and "very demanding family" in page
    assert "Read the safety-plan guidance" in page and "Overdue" in page
    assert "demanding" not in page[: page.index("</title>")]
    listing = client.get("/supervision").get_data(as_text=True)
    assert f"/supervision/{record_id}" in listing and "demanding" not in listing
    # another action, then done
    token = csrf_token(client, f"/supervision/{record_id}")
    response = client.post(
        f"/supervision/{record_id}",
        data={"csrf_token": token, "description": "Bring a case", "due_on": "2026-03-01"},
    )
    assert response.status_code == 302
    page = client.get(f"/supervision/{record_id}").get_data(as_text=True)
    assert "The action is added." in page and "Bring a case" in page


def test_an_action_needs_its_due_date(client: FlaskClient, team_emails: dict) -> None:
    _as(client, team_emails["supervisor"])
    token = csrf_token(client, "/supervision/new")
    response = client.post(
        "/supervision/new",
        data={
            "csrf_token": token,
            "practitioner": team_emails["therapist_id"],
            "held_on": "2026-01-10",
            "notes": "Notes",
            "actions-0-text": "Something",
        },
    )
    assert response.status_code == 200
    assert "An agreed action needs a description and a due date." in response.get_data(as_text=True)
    response = client.post(
        "/supervision/new",
        data={
            "csrf_token": token,
            "practitioner": team_emails["therapist_id"],
            "held_on": "2026-01-10",
            "notes": "Notes",
            "actions-0-text": "Something",
            "actions-0-due_on": "2026-01-01",
        },
    )
    assert "an action cannot be due before the supervision" in response.get_data(as_text=True)


def test_the_practitioner_reads_the_record_and_marks_an_action_done(
    client: FlaskClient, team_emails: dict
) -> None:
    _as(client, team_emails["supervisor"])
    record_id = _record(client, team_emails)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    _as(client, team_emails["therapist"])
    assert "Supervision records" in client.get("/").get_data(as_text=True)  # navigation
    assert f"/supervision/{record_id}" in client.get("/supervision").get_data(as_text=True)
    page = client.get(f"/supervision/{record_id}").get_data(as_text=True)
    action = re.search(rf'action="/supervision/actions/({UUID})/done"', page)
    assert action and "Add an agreed action" not in page
    assert client.get("/supervision/new").status_code == 404
    token = csrf_token(client, f"/supervision/{record_id}")
    response = client.post(
        f"/supervision/actions/{action.group(1)}/done", data={"csrf_token": token}
    )
    assert response.status_code == 302
    page = client.get(f"/supervision/{record_id}").get_data(as_text=True)
    assert "The action is marked done." in page and "Done on" in page
    assert client.post(f"/supervision/actions/{action.group(1)}/done").status_code == 400  # CSRF


@pytest.mark.parametrize("who", ["facilitator", "outside_supervisor", "consultant", "admin"])
def test_others_do_not_see_the_record(client: FlaskClient, team_emails: dict, who: str) -> None:
    _as(client, team_emails["supervisor"])
    record_id = _record(client, team_emails)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    _as(client, team_emails[who])
    assert client.get(f"/supervision/{record_id}").status_code == 404
    if who in ("consultant", "admin"):
        assert client.get("/supervision").status_code == 404
    else:
        assert record_id not in client.get("/supervision").get_data(as_text=True)
