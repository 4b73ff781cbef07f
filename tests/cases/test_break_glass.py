"""Breaking the glass: a reason, a time limit, the supervisor's log, and no more than reading."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.cases.models import CaseState
from casework.cases.services import break_glass, cases
from casework.clients.models import Client
from casework.clients.services import clients
from casework.db import db
from casework.errors import NotFound, ValidationError
from tests.factories import make_case, staff


def test_breaking_the_glass_opens_a_case_with_a_reason_shown_to_the_supervisor(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        cases.move_case(manager, case.id, CaseState.ASSESSMENT, expected_version=case.version)
        outsider = staff(team, "other_manager")
        with pytest.raises(NotFound):
            cases.get_case(outsider, case.id)
        with pytest.raises(ValidationError):
            break_glass.break_glass(outsider, case.id, reason="need")
        break_glass.break_glass(outsider, case.id, reason="Client called in crisis; manager away")
        assert cases.get_case(outsider, case.id) is case
        log = break_glass.break_glass_page(staff(team, "supervisor")).items
        assert [(entry.user_id, entry.reason) for entry in log] == [
            (outsider.id, "Client called in crisis; manager away")
        ]
        with pytest.raises(NotFound):
            break_glass.break_glass(
                staff(team, "admin"), case.id, reason="Administrators see no clinical data"
            )


def test_breaking_the_glass_never_lets_one_attach_the_client_elsewhere(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        outsider = staff(team, "other_manager")
        break_glass.break_glass(outsider, case.id, reason="Client called in crisis; manager away")
        assert clients.read_client(outsider, case.client_ids[0])  # reading is what the glass is for
        with pytest.raises(NotFound):
            make_case(outsider, clients=[db.session.get(Client, case.client_ids[0])])
