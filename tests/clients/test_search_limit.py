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
from tests.factories import make_case, make_consenting_client, make_team, staff
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


def test_clients_others_see_share_the_surname_but_neither_show_nor_cut_the_list(
    app: Flask, team, monkeypatch
) -> None:
    """The blind-index lookup is a subquery of the policy-limited query: matches elsewhere in
    the centre are neither shown nor counted towards the limit."""
    monkeypatch.setattr(clients, "SEARCH_LIMIT", 2)
    other_team = make_team(app, "Another team")
    with app.app_context():
        manager = staff(team, "manager")
        elsewhere = staff(other_team, "manager")
        mine = make_consenting_client(manager, family_name="Wiśniewska", birth_year=1985)
        make_case(manager, clients=[mine])
        theirs = []
        for _ in range(3):
            other = make_consenting_client(elsewhere, family_name="Wiśniewska", birth_year=1985)
            make_case(elsewhere, clients=[other])
            theirs.append(other.id)
        for client_id in (mine.id, *theirs):
            set_blind_indexes(client_id, Identifiers(surname="Wiśniewska", birth_year=1985))
        db.session.flush()
        wanted = Identifiers(surname="Wiśniewska", birth_year=1985)
        result = clients.search_clients(manager, wanted)
        assert [found.id for found in result.clients] == [mine.id] and not result.is_cut
        result = clients.search_clients(elsewhere, wanted)
        assert {found.id for found in result.clients} <= set(theirs) and result.is_cut
        assert len(result.clients) == 2
        db.session.rollback()
