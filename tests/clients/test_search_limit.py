"""A search that matches many clients shows the first of them, says so, and audits only the
clients it shows."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Language
from casework.clients.services import clients
from casework.crypto.services import Identifiers, set_blind_indexes
from casework.db import db
from tests.factories import make_case, make_consenting_client, staff
from tests.pages import post_form, sign_in


def _hits() -> int:
    return (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "client.search_hit")) or 0
    )


def test_a_search_with_too_many_matches_shows_the_first_and_audits_only_those(
    app: Flask, client: FlaskClient, team, monkeypatch
) -> None:
    monkeypatch.setattr(clients, "SEARCH_LIMIT", 2)
    with app.app_context():
        manager = staff(team, "manager")
        manager.preferred_language = Language.EN
        for _ in range(3):
            found = make_consenting_client(manager, family_name="Nowakowska", birth_year=1990)
            set_blind_indexes(found.id, Identifiers(surname="Nowakowska", birth_year=1990))
            make_case(manager, clients=[found])
        email = manager.email
        db.session.commit()
        before = _hits()
    assert sign_in(client, email).status_code == 302
    page = post_form(
        client, "/clients/search", {"family_name": "Nowakowska", "birth_year": "1990"}
    ).get_data(as_text=True)
    assert page.count("<li data-hit>") == 2
    assert "More clients match than are shown here" in page
    with app.app_context():
        assert _hits() - before == 2
    monkeypatch.setattr(clients, "SEARCH_LIMIT", 3)
    page = post_form(
        client, "/clients/search", {"family_name": "Nowakowska", "birth_year": "1990"}
    ).get_data(as_text=True)
    assert page.count("<li data-hit>") == 3 and "More clients match" not in page
