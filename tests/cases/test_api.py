"""The cases API: a versioned change needs the version it was based on."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.services import create_api_token
from casework.db import db
from tests.factories import make_case, staff


def test_a_move_without_the_version_is_refused_and_with_it_is_made(
    app: Flask, client: FlaskClient, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        case_id, version = case.id, case.version
        token = create_api_token(manager, name="tests")[1]
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/cases/{case_id}/transitions"
    refused = client.post(url, json={"to": "assessment"}, headers=headers)
    assert refused.status_code == 422
    assert "version" in refused.get_json()["errors"]["json"]
    moved = client.post(url, json={"to": "assessment", "version": version}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["state"] == "assessment"
