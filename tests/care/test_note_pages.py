"""Session notes through the test client: write, sign, amend."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD
from tests.pages import (
    csrf_token,
    enrol_and_schedule,
    intake,
    open_case,
    post_form,
    sign_in,
    user_id,
)


def test_therapist_writes_signs_and_amends_a_note(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    client_id = intake(client, "Marta", "Zielińska")
    case_id = open_case(client)
    appointment_id = enrol_and_schedule(
        client, case_id, client_id, user_id(app, team_emails["therapist"])
    )
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, team_emails["therapist"], PASSWORD)
    assert "Marta" in client.get("/my-clients").get_data(as_text=True)
    path = f"/appointments/{appointment_id}"
    response = post_form(client, path, {"kind": "progress", "body": "First session."})
    note_path = response.headers["Location"]
    assert "Drafts to finish" in client.get("/").get_data(as_text=True)
    response = post_form(
        client, note_path, {"action": "sign", "version": "1", "body": "First session, signed."}
    )
    assert response.status_code == 302
    page = client.get(note_path).get_data(as_text=True)
    assert "First session, signed." in page and "Add an addendum" in page
    response = post_form(
        client, note_path, {"action": "addendum", "body": "Correction: 55 minutes."}
    )
    page = client.get(note_path).get_data(as_text=True)
    assert "Correction: 55 minutes." in page and "First session, signed." in page
