"""Moving and reassigning a case through the test client."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Role
from casework.auth.services import find_user
from casework.db import db
from tests.factories import PASSWORD, make_user
from tests.pages import csrf_token, intake, open_case, post_form, sign_in


def test_a_refused_decline_without_reason_is_a_message_not_an_error(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    intake(client, "Olena", "Shevchenko")
    case_id = open_case(client)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = post_form(
        client,
        f"/cases/{case_id}/move",
        {"to_state": "on_hold", "reason": "", "version": version},
        form_on=f"/cases/{case_id}",
    )
    assert response.status_code == 302
    assert "say why the case is put on hold" in client.get(f"/cases/{case_id}").get_data(
        as_text=True
    )


def test_supervisor_reassigns_a_case_of_the_team(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    intake(client, "Oksana", "Melnyk")
    case_id = open_case(client)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        supervisor = find_user(team_emails["supervisor"])
        other = make_user(
            roles=(Role.CASE_MANAGER,), team=supervisor.team, display_name="Second Manager"
        )
        db.session.commit()
        other_id = str(other.id)
    sign_in(client, team_emails["supervisor"], PASSWORD)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Reassign the case" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = post_form(
        client,
        f"/cases/{case_id}/assign",
        {"case_manager": other_id, "version": version},
        form_on=f"/cases/{case_id}",
    )
    assert response.status_code == 302
    assert "Second Manager" in client.get(f"/cases/{case_id}").get_data(as_text=True)
