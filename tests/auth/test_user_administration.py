"""User and team administration through the services: administrators only."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask

from casework.auth import accounts as auth
from casework.auth.models import Language, Role
from casework.auth.services import display_names, staff_with_role
from casework.errors import NotFound
from tests.factories import staff


def test_user_administration_is_for_administrators_only(app: Flask, team) -> None:
    with app.app_context():
        admin, manager = staff(team, "admin"), staff(team, "manager")
        with pytest.raises(NotFound):
            auth.list_users(manager)
        created = auth.admin_create_user(
            admin,
            "someone@example.test",
            display_name="Someone",
            roles=[Role.THERAPIST],
            password="long enough password",
            team_id=None,
            language=Language.UK,
        )
        assert created in auth.list_users(admin).items
        auth.admin_set_enabled(admin, created.id, enabled=False)
        assert not created.is_enabled
        assert created not in staff_with_role(Role.THERAPIST)
        team_row = auth.admin_create_team(admin, "Second team")
        assert team_row in auth.list_teams(admin)
        assert display_names([admin.id, None]) == {admin.id: admin.display_name}
        with pytest.raises(NotFound):
            auth.admin_set_enabled(admin, uuid.uuid4(), enabled=True)
