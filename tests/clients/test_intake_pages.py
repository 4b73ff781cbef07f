"""The client search and the intake basket through the test client."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role
from tests.factories import PASSWORD
from tests.pages import intake, post_form, sign_in


def test_client_search_is_a_post_and_finds_by_exact_phone(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    intake(client, "Iryna", "Bondarenko", phone="601 222 333")
    response = post_form(client, "/clients/search", {"phone": "601222333"})
    assert "Bondarenko" in response.get_data(as_text=True)
    response = post_form(client, "/clients/search", {"phone": "601222334"})
    assert "No client you may see matches." in response.get_data(as_text=True)


def test_a_link_cannot_empty_the_intake_basket(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    client_id = intake(client, "Basia", "Koszykowa")
    gathered = "1 participant gathered for this case."

    def basket() -> list[str]:
        with client.session_transaction() as session:
            return list(session.get("intake_participants", []))

    assert basket() == [client_id]
    # A link (a GET) changes nothing.
    assert gathered in client.get("/intake?restart=1").get_data(as_text=True)
    assert basket() == [client_id]
    assert client.post("/intake/new").status_code == 400  # no CSRF token: nothing changes
    assert basket() == [client_id]
    response = post_form(client, "/intake/new", {}, form_on="/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/intake")
    assert basket() == []
    assert gathered not in client.get("/intake").get_data(as_text=True)
