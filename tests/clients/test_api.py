"""The clients API: an update needs the version it was based on."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.services import create_api_token
from casework.db import db
from tests.factories import make_case, staff


def test_a_client_update_without_the_version_is_refused(
    app: Flask, client: FlaskClient, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        client_id = make_case(manager).client_ids[0]
        token = create_api_token(manager, name="tests")[1]
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    details = {"given_name": "Ala", "family_name": "Nowak"}
    refused = client.patch(f"/api/v1/clients/{client_id}", json=details, headers=headers)
    assert refused.status_code == 422
    assert "version" in refused.get_json()["errors"]["json"]
    current = client.get(f"/api/v1/clients/{client_id}", headers=headers).get_json()["version"]
    updated = client.patch(
        f"/api/v1/clients/{client_id}", json={**details, "version": current}, headers=headers
    )
    assert updated.status_code == 200 and updated.get_json()["given_name"] == "Ala"
