"""Intake: the duplicate check, and what it never reveals."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.auth.models import Role
from casework.clients.models import Client
from casework.clients.services import clients
from casework.db import db
from tests.factories import make_case, make_user, staff


def test_intake_finds_duplicates_and_lets_the_user_confirm_a_new_client(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        details = clients.ClientDetails(
            given_name="Łukasz", family_name="Wójcik", birth_year=1985, phone="+48 600 100 200"
        )
        first = clients.intake_client(details, actor=manager)
        twin = clients.ClientDetails(given_name="LUKASZ", family_name="WOJCIK", birth_year=1985)
        with pytest.raises(clients.PossibleDuplicate) as found:
            clients.intake_client(twin, actor=manager)
        assert [(c.client.id, set(c.matched_on)) for c in found.value.candidates] == [
            (first.id, {"surname_birth_year"})
        ]
        second = clients.intake_client(twin, actor=manager, confirm_new=True)
        assert second.id != first.id


def test_intake_never_names_a_matching_client_outside_ones_caseload(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        existing = make_case(manager).client_ids[0]
        phone = "+48 799 123 456"
        client = db.session.get(Client, existing)
        clients.update_client(
            manager,
            existing,
            clients.ClientDetails(given_name="Ala", family_name="Ma", phone=phone),
            expected_version=client.version,
        )
        outsider = make_user(roles=(Role.CONSULTANT,))
        with pytest.raises(clients.PossibleDuplicate) as found:
            clients.intake_client(
                clients.ClientDetails(given_name="?", family_name="?", phone=phone), actor=outsider
            )
        assert found.value.candidates == [] and found.value.hidden_matches == 1
        assert "Ala" not in str(found.value) and "outside your caseload" in str(found.value)
