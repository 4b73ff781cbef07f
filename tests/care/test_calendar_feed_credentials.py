"""A calendar address is a bearer credential that outlives the session (appointment times, places
and case references, without signing in): making one needs a fresh sign-in like an API token,
and a new password ends it like the API tokens (issue 16, finding 8)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from casework.auth.models import Language, Role, UserSession
from casework.care.models import CalendarFeed
from casework.db import db, utcnow
from tests.factories import PASSWORD
from tests.pages import csrf_token, post_form


def _feeds(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CalendarFeed)) or 0


def test_a_stale_session_cannot_make_a_calendar_address(
    app: Flask, client: FlaskClient, login_as
) -> None:
    therapist = login_as(Role.THERAPIST, preferred_language=Language.EN)
    token = csrf_token(client, "/agenda/calendar")
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == therapist.id)
            .values(authenticated_at=utcnow() - timedelta(minutes=10))
        )
        db.session.commit()
    refused = client.post(
        "/agenda/calendar",
        data={"csrf_token": token},
        headers={"Referer": "http://localhost/agenda/calendar"},
    )
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/confirm?next=/agenda/calendar"
    assert _feeds(app) == 0
    assert client.get("/agenda/calendar").status_code == 200
    post_form(client, "/confirm", {"password": PASSWORD})
    made = post_form(client, "/agenda/calendar", {})
    assert made.status_code == 200 and _feeds(app) == 1


def test_a_new_password_ends_the_calendar_address(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST, preferred_language=Language.EN)
    made = post_form(client, "/agenda/calendar", {}).get_data(as_text=True)
    address = re.search(r'value="(http[^"]+\.ics)"', made).group(1)  # type: ignore[union-attr]
    path = address.split("localhost", 1)[1]
    assert app.test_client().get(path).status_code == 200
    new = "a different long password"
    changed = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert changed.status_code == 302
    assert app.test_client().get(path).status_code == 404
