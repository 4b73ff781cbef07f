"""Personal API tokens expire (issue 16, finding 8), record their last use at most once a minute,
are listed without their secret, and cannot make more tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import ApiToken, Language, Role
from casework.auth.tokens import create_api_token
from casework.db import db, utcnow
from casework.errors import ValidationError
from tests.factories import make_user
from tests.pages import csrf_token, post_form


def _token(app: Flask, **options: object) -> tuple[uuid.UUID, str]:
    """A committed token of a new case manager: (its id, its plaintext)."""
    with app.app_context():
        token, plaintext = create_api_token(make_user(), name="script", **options)  # type: ignore[arg-type]
        db.session.commit()
        return token.id, plaintext


def _shift(app: Flask, token_id: uuid.UUID, **times: timedelta) -> None:
    """Move the token's timestamps by the deltas given (its clock, not ours)."""
    with app.app_context():
        token = db.session.get(ApiToken, token_id)
        assert token is not None
        for column, delta in times.items():
            setattr(token, column, getattr(token, column) + delta)
        db.session.commit()


def test_an_expired_token_is_refused_with_a_clear_problem(app: Flask) -> None:
    token_id, plaintext = _token(app)
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {plaintext}"}
    assert api.get("/api/v1/cases", headers=bearer).status_code == 200
    _shift(app, token_id, expires_at=-timedelta(days=91))
    refused = api.get("/api/v1/cases", headers=bearer)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert "expired" in refused.get_json()["detail"]
    forged = api.get("/api/v1/cases", headers={"Authorization": "Bearer cwk_forged"})
    assert forged.status_code == 401 and "expired" not in forged.get_json()["detail"]


def test_the_lifetime_defaults_to_the_configured_maximum_and_never_exceeds_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASEWORK_API_TOKEN_MAX_DAYS", 30)
    with app.app_context():
        user = make_user()
        default, _ = create_api_token(user, name="default")
        assert timedelta(days=29) < default.expires_at - utcnow() <= timedelta(days=30)
        short, _ = create_api_token(user, name="short", days=7)
        assert short.expires_at - short.created_at == timedelta(days=7)
        for days in (31, 0):
            with pytest.raises(ValidationError, match="from 1 to 30 days"):
                create_api_token(user, name="too long", days=days)


def test_the_last_use_is_written_at_most_once_a_minute(app: Flask) -> None:
    token_id, plaintext = _token(app)
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {plaintext}"}

    def last_used() -> object:
        with app.app_context():
            token = db.session.get(ApiToken, token_id)
            assert token is not None
            return token.last_used_at

    api.get("/api/v1/tokens", headers=bearer)
    first = last_used()
    assert first is not None
    api.get("/api/v1/tokens", headers=bearer)
    assert last_used() == first
    _shift(app, token_id, last_used_at=-timedelta(minutes=2))
    api.get("/api/v1/tokens", headers=bearer)
    assert last_used() > first  # type: ignore[operator]


def test_the_list_shows_expiry_and_last_use_never_the_secret(app: Flask) -> None:
    _, plaintext = _token(app, days=10)
    listed = app.test_client().get(
        "/api/v1/tokens", headers={"Authorization": f"Bearer {plaintext}"}
    )
    (item,) = listed.get_json()["items"]
    assert {"name", "created_at", "expires_at", "last_used_at", "revoked_at"} <= set(item)
    assert plaintext not in listed.get_data(as_text=True)
    assert not {"token", "token_hash"} & set(item)


def test_a_token_cannot_make_tokens_but_a_signed_in_session_can(
    app: Flask, client: FlaskClient, login_as
) -> None:
    _, plaintext = _token(app)
    refused = app.test_client().post(
        "/api/v1/tokens", json={"name": "longer"}, headers={"Authorization": f"Bearer {plaintext}"}
    )
    # refused by the fresh sign-in rule first (a token is never fresh), or by the token rule
    assert refused.status_code == 403 and "cannot" in refused.get_json()["detail"]

    login_as(Role.THERAPIST)
    made = client.post(
        "/api/v1/tokens",
        json={"name": "laptop", "expires_in_days": 5},
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["token"].startswith("cwk_") and made.get_json()["expires_at"]
    too_long = client.post(
        "/api/v1/tokens",
        json={"name": "laptop", "expires_in_days": 500},
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert too_long.status_code == 422


def test_the_account_page_creates_a_short_token_and_lists_its_expiry(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.THERAPIST, preferred_language=Language.EN)
    page = post_form(
        client, "/account/tokens", {"name": "reports", "expires_in_days": 3}, form_on="/account"
    ).get_data(as_text=True)
    assert "cwk_" in page and "Expires" in page
    with app.app_context():
        (token,) = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
        assert token.expires_at - token.created_at == timedelta(days=3)
    refused = post_form(
        client, "/account/tokens", {"name": "forever", "expires_in_days": 400}, form_on="/account"
    )
    assert refused.status_code == 200
    assert "from 1 to 90 days" in refused.get_data(as_text=True)
