from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth import services
from casework.auth.models import Language, Role, User, UserSession
from casework.db import db
from tests.factories import PASSWORD
from tests.pages import csrf_token, sign_in


def _sign_out(client: FlaskClient):
    token = csrf_token(client, "/")
    return client.post("/sign-out", data={"csrf_token": token})


def test_sign_in_page_is_served(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert 'name="password"' in response.get_data(as_text=True)


def test_home_requires_sign_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_staff_member_signs_in_and_sees_home(client: FlaskClient, login_as) -> None:
    user = login_as(Role.THERAPIST, display_name="Jadwiga Testowa")
    page = client.get("/")
    assert page.status_code == 200
    assert "Jadwiga Testowa" in page.get_data(as_text=True)
    assert user.email


def test_wrong_password_and_unknown_account_get_the_same_answer(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER)
    _sign_out(client)
    wrong = sign_in(client, user.email, "not the password")
    unknown = sign_in(client, "nobody@example.test", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_disabled_user_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = services.create_user(
            "off@example.test", display_name="Off", roles=[Role.THERAPIST], password=PASSWORD
        )
        services.disable_user(user.email)
        db.session.commit()
    assert sign_in(client, "off@example.test").status_code == 401


def test_post_without_csrf_token_is_rejected(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CASE_MANAGER)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200  # still signed in


def test_session_cookie_flags(app: Flask, client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    cookie = client.get_cookie("casework_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # testing mode; production sets Secure (tested in test_app)


def test_replayed_cookie_after_sign_out_is_refused(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER)
    stolen = client.get_cookie("casework_session").value
    replay = app.test_client()
    replay.set_cookie("casework_session", stolen)
    assert replay.get("/").status_code == 200  # the copy works while the session lives
    response = _sign_out(client)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    refused = replay.get("/")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/sign-in")
    assert replay.get("/account").headers["Location"].startswith("/sign-in")
    with app.app_context():
        sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id))
        assert [row.revoked_at is not None for row in sessions] == [True]


def test_signing_out_ends_the_session_of_this_browser(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST)
    assert client.get("/").status_code == 200
    _sign_out(client)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.post("/session/ping").status_code in (302, 400)


def test_the_idle_deadline_signs_out_to_the_expired_notice(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    token = csrf_token(client, "/")
    response = client.post("/sign-out", data={"csrf_token": token, "expired": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?expired=1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after a period without activity." in page
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_disabling_a_user_ends_all_their_sessions(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.THERAPIST)
    second = app.test_client()
    assert sign_in(second, user.email).status_code == 302
    with app.app_context():
        services.disable_user(user.email)
        db.session.commit()
    assert client.get("/").status_code == 302
    assert second.get("/").status_code == 302


def test_changing_password_ends_all_sessions(app: Flask, client: FlaskClient, login_as) -> None:
    user = login_as(Role.THERAPIST)
    other_browser = app.test_client()
    sign_in(other_browser, user.email)
    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert other_browser.get("/").status_code == 302
    assert sign_in(client, user.email, "a brand new passphrase").status_code == 302


def test_wrong_current_password_changes_nothing(app: Flask, client: FlaskClient, login_as) -> None:
    user = login_as(Role.THERAPIST, preferred_language=Language.EN)
    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "a wrong password",
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
        },
    )
    assert "the current password is wrong" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200
    _sign_out(client)
    assert sign_in(client, user.email).status_code == 302


def test_idle_session_expires(app: Flask, client: FlaskClient, login_as) -> None:
    user = login_as(Role.CASE_MANAGER)
    with app.app_context():
        idle = timedelta(minutes=app.config["CASEWORK_IDLE_TIMEOUT_MINUTES"] + 1)
        for session in db.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id)
        ):
            session.last_seen_at -= idle
        db.session.commit()
    assert client.get("/").status_code == 302


def test_outdated_password_hash_is_renewed_on_sign_in(app: Flask, client: FlaskClient) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with app.app_context():
        user = services.create_user(
            "old@example.test", display_name="Old", roles=[Role.THERAPIST], password=PASSWORD
        )
        user.password_hash = weak
        db.session.commit()
    assert sign_in(client, "old@example.test").status_code == 302
    with app.app_context():
        renewed = db.session.scalar(select(User).where(User.email == "old@example.test"))
        assert renewed.password_hash != weak
        assert renewed.password_hash.startswith("$argon2id$")


def test_sign_in_ignores_an_external_next_url(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CASE_MANAGER)
    _sign_out(client)
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=//evil.example/x",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_the_session_token_is_not_stored_in_clear(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER)
    with app.app_context():
        hashes = db.session.scalars(
            select(UserSession.token_hash).where(UserSession.user_id == user.id)
        ).all()
    cookie = client.get_cookie("casework_session").value
    assert hashes and all(h not in cookie for h in hashes)
