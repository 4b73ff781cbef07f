"""The change-password form checks the current password: with a stolen session it is a password
oracle unless it is throttled and audited like sign-in (issue 16, finding 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import Language, Role
from casework.db import db
from casework.extensions import limiter
from tests.factories import PASSWORD
from tests.pages import post_form


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def _change(client: FlaskClient, current: str):
    return post_form(
        client,
        "/account/password",
        {
            "current_password": current,
            "new_password": "a brand new long password",
            "confirm_password": "a brand new long password",
        },
    )


def test_guessing_the_current_password_is_throttled_and_audited(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.THERAPIST, preferred_language=Language.EN)
    statuses = [_change(client, f"guess {n}").status_code for n in range(12)]
    assert set(statuses[10:]) == {429}, statuses
    right = _change(client, PASSWORD)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    with app.app_context():
        failed = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "sign_in_failed", AuditEvent.object_id == str(user.id)
            )
        ).all()
    assert len(failed) == 10
    assert client.get("/account").status_code == 200  # still signed in: nothing changed
