"""The case page's change forms carry the version of the case they showed; without it the
change is refused with a message, and nothing changes."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role, User
from casework.cases.models import Case, CaseState
from casework.db import db
from tests.factories import make_case


def test_a_move_posted_without_the_version_is_refused_with_a_message(
    app: Flask, client: FlaskClient, login_as
) -> None:
    manager = login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    with app.app_context():
        case_id = make_case(db.session.get(User, manager.id)).id
        db.session.commit()
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/cases/{case_id}/move", data={"to_state": "assessment", "csrf_token": token}
    )
    assert response.status_code == 302
    assert "This page is out of date; reload it and try again." in client.get(
        f"/cases/{case_id}"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Case, case_id).state == CaseState.INTAKE
