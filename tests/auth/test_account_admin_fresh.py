"""Creating an account grants roles (consultant and coordinator at once, the others as a proposal):
like every other role change it needs a fresh sign-in (issue 16, "fresh sign-in ... role
changes"). A session left open on an administrator's desk must not mint accounts."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from casework.auth.models import Language, Role, User, UserSession
from casework.db import db, utcnow
from tests.factories import PASSWORD
from tests.pages import csrf_token, post_form

NEW_USER = {
    "email": "new.consultant@example.test",
    "display_name": "New Consultant",
    "roles": ["consultant"],
    "password": "a long enough password",
    "team": "",
    "language": "en",
}


def _created(app: Flask) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == NEW_USER["email"]))


def test_a_stale_session_cannot_create_an_account(
    app: Flask, client: FlaskClient, login_as
) -> None:
    admin = login_as(Role.ADMIN, preferred_language=Language.EN)
    token = csrf_token(client, "/admin/users")
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == admin.id)
            .values(authenticated_at=utcnow() - timedelta(minutes=10))
        )
        db.session.commit()
    refused = client.post(
        "/admin/users",
        data={**NEW_USER, "csrf_token": token},
        headers={"Referer": "http://localhost/admin/users"},
    )
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/confirm?next=/admin/users"
    assert _created(app) is None
    assert client.get("/admin/users").status_code == 200  # the list itself stays readable
    confirmed = post_form(client, "/confirm?next=/admin/users", {"password": PASSWORD})
    assert confirmed.headers["Location"] == "/admin/users"
    created = post_form(client, "/admin/users", NEW_USER)
    assert created.status_code == 302
    user = _created(app)
    assert user is not None and user.roles == frozenset({Role.CONSULTANT})
