"""The account and administration pages: caching, the session ping, the interface language,
users, teams, the service catalogue and API tokens."""

from __future__ import annotations

from flask.testing import FlaskClient

from casework.auth.models import Role
from tests.pages import csrf_token, post_form


def test_signed_in_pages_are_not_cached_and_the_ping_keeps_the_session(
    client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    token = csrf_token(client, "/")
    assert client.post("/session/ping", headers={"X-CSRFToken": token}).status_code == 204
    assert client.post("/session/ping").status_code == 400  # CSRF


def test_interface_language_follows_the_user_then_the_browser(
    client: FlaskClient, login_as
) -> None:
    assert "Zaloguj" in client.get("/sign-in", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )
    assert "Увійти" in client.get("/sign-in", headers={"Accept-Language": "uk"}).get_data(
        as_text=True
    )
    login_as(Role.THERAPIST)
    post_form(client, "/account/language", {"language": "uk"}, form_on="/account")
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Моя робота" in page and 'lang="uk"' in page


def test_administrator_pages(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    response = post_form(client, "/admin/teams", {"name": "Kraków team"}, form_on="/admin/users")
    assert response.status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Kraków team" in page
    response = post_form(
        client,
        "/admin/users",
        {
            "email": "new@example.test",
            "display_name": "New Person",
            "roles": ["therapist"],
            "team": "",
            "language": "pl",
            "password": "long enough password",
        },
    )
    assert response.status_code == 302
    assert "New Person" in client.get("/admin/users").get_data(as_text=True)
    response = post_form(
        client, "/admin/services/couples_therapy/active", {"active": "0"}, form_on="/admin/services"
    )
    assert response.status_code == 302
    response = post_form(client, "/account/tokens", {"name": "reports"}, form_on="/account")
    assert "cwk_" in response.get_data(as_text=True)


def test_clinical_staff_cannot_open_the_administrator_pages(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/services").status_code == 404
