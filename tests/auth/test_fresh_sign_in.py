"""Fresh sign-in: exports, erasure and new tokens need the password given in the last 5 minutes,
in a browser session; a personal API token is never enough (finding 8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from casework.audit.models import AuditEvent
from casework.auth import two_factor
from casework.auth.models import Language, Role, User, UserSession
from casework.auth.services import create_api_token
from casework.db import db, utcnow
from casework.extensions import limiter
from tests.factories import PASSWORD, make_case, staff
from tests.pages import csrf_token, post_form, sign_in


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def _age_sessions(app: Flask, user_id: object, minutes: int) -> None:
    """Make every session of the user look as if the password was given `minutes` ago."""
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(authenticated_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


@pytest.fixture
def exported_client(app: Flask, team) -> str:
    with app.app_context():
        client_id = make_case(staff(team, "manager")).client_ids[0]
        db.session.commit()
    return str(client_id)


@pytest.mark.parametrize("action", ["export", "erasure"])
def test_an_api_token_cannot_export_or_erase(
    app: Flask, client: FlaskClient, team, exported_client: str, action: str
) -> None:
    with app.app_context():
        token = create_api_token(staff(team, "supervisor"), name="script")[1]
        db.session.commit()
    response = client.post(
        f"/api/v1/clients/{exported_client}/{action}",
        json={"reason": "subject access request"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "personal API token cannot do this" in response.get_json()["detail"]


@pytest.mark.parametrize("action", ["export", "erasure"])
def test_a_stale_session_must_confirm_before_export_or_erasure(
    app: Flask, client: FlaskClient, team, team_emails, exported_client: str, action: str
) -> None:
    assert sign_in(client, team_emails["supervisor"]).status_code == 302
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    url = f"/api/v1/clients/{exported_client}/{action}"
    _age_sessions(app, team["supervisor"], minutes=6)
    refused = client.post(url, json={"reason": "request"}, headers=headers)
    assert refused.status_code == 403
    assert "confirm your password" in refused.get_json()["detail"]
    confirmed = post_form(client, "/confirm?next=/account", {"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/account"
    allowed = client.post(url, json={"reason": "request"}, headers=headers)
    assert allowed.status_code == 200


def test_a_stale_page_action_goes_to_confirmation_and_back(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.THERAPIST, preferred_language=Language.EN)
    _age_sessions(app, user.id, minutes=10)
    token = csrf_token(client, "/account")
    response = client.post(
        "/account/tokens",
        data={"name": "laptop", "csrf_token": token},
        headers={"Referer": "http://localhost/account"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/confirm?next=/account"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirm it is you" in page
    wrong = post_form(client, "/confirm?next=/account", {"password": "not it"})
    assert wrong.status_code == 401
    back = post_form(client, "/confirm?next=/account", {"password": PASSWORD})
    assert back.headers["Location"] == "/account"
    created = post_form(client, "/account/tokens", {"name": "laptop"}, form_on="/account")
    assert created.status_code == 200 and "cwk_" in created.get_data(as_text=True)
    with app.app_context():
        failed = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "sign_in_failed", AuditEvent.object_id == str(user.id)
            )
        ).all()
    assert len(failed) == 1


def test_confirmation_only_returns_to_this_site(client: FlaskClient, login_as) -> None:
    login_as(Role.THERAPIST, preferred_language=Language.EN)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = post_form(
            client, f"/confirm?next={target}", {"password": PASSWORD}, form_on="/confirm"
        )
        assert response.headers["Location"] == "/", target


def test_confirmation_asks_for_the_code_when_two_factor_is_on(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.THERAPIST, preferred_language=Language.EN)
    with app.app_context():
        me = db.session.get(User, user.id)
        secret = two_factor.begin_enrolment(me).secret or ""
        at = utcnow() - timedelta(minutes=2)
        two_factor.confirm_enrolment(me, pyotp.TOTP(secret).at(at.timestamp()), at=at)
        db.session.commit()
    _age_sessions(app, user.id, minutes=6)
    assert client.get("/account/two-factor").headers["Location"].startswith("/confirm")
    no_code = post_form(client, "/confirm", {"password": PASSWORD})
    assert no_code.status_code == 401
    code = pyotp.TOTP(secret).now()
    assert post_form(client, "/confirm", {"password": PASSWORD, "code": code}).status_code == 302
    assert client.get("/account/two-factor").status_code == 200


def test_the_confirmation_is_throttled_like_sign_in(client: FlaskClient, login_as) -> None:
    login_as(Role.THERAPIST, preferred_language=Language.EN)
    for _ in range(10):
        assert post_form(client, "/confirm", {"password": "wrong"}).status_code == 401
    throttled = post_form(client, "/confirm", {"password": PASSWORD})
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers


def test_a_new_sign_in_is_fresh_and_stamped(app: Flask, client: FlaskClient, login_as) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    with app.app_context():
        stamped = db.session.scalar(
            select(UserSession.authenticated_at).where(UserSession.user_id == user.id)
        )
    assert stamped is not None and utcnow() - stamped < timedelta(minutes=1)
    created = post_form(client, "/account/tokens", {"name": "laptop"}, form_on="/account")
    assert created.status_code == 200 and "cwk_" in created.get_data(as_text=True)
