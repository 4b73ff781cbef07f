"""A case's life through its services: states, versions, reassignment, who sees it."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.care.services import enrolments
from casework.cases.models import CaseKind, CaseState, ClosureOutcome
from casework.cases.services import cases
from casework.db import utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from tests.factories import make_case, staff


def test_a_case_moves_only_along_the_allowed_paths(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assert case.state == CaseState.INTAKE and case.reference.startswith(f"CR/{utcnow().year}/")
        with pytest.raises(
            Conflict,
            match="cannot move from intake to active; allowed: assessment, on_hold, closed",
        ):
            cases.move_case(manager, case.id, CaseState.ACTIVE, expected_version=case.version)
        cases.move_case(manager, case.id, CaseState.ASSESSMENT, expected_version=case.version)
        with pytest.raises(ValidationError, match="say why"):
            cases.move_case(manager, case.id, CaseState.ON_HOLD, expected_version=case.version)
        cases.move_case(
            manager, case.id, CaseState.ON_HOLD, expected_version=case.version, reason="hospital"
        )
        closed = cases.close_case(
            manager,
            case.id,
            outcome=ClosureOutcome.NO_CONTACT,
            reason="no answer to calls",
            expected_version=case.version,
        )
        assert closed.state == CaseState.CLOSED and closed.closure_reason == "no answer to calls"
        with pytest.raises(Conflict, match="a closed case cannot move; reopen it first"):
            cases.move_case(manager, case.id, CaseState.ACTIVE, expected_version=case.version)
        reopened = cases.reopen_case(
            manager, case.id, reason="client called back", expected_version=case.version
        )
        assert reopened.state == CaseState.ASSESSMENT and reopened.closure_reason is None
        history = [(c.from_state, c.to_state) for c in cases.state_history(manager, case.id)]
        assert history[0] == (None, CaseState.INTAKE) and history[-1][1] == CaseState.ASSESSMENT


def test_a_stale_version_changes_nothing(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        stale = case.version
        cases.move_case(manager, case.id, CaseState.ASSESSMENT, expected_version=stale)
        with pytest.raises(Conflict, match="changed by someone else"):
            cases.move_case(manager, case.id, CaseState.ON_HOLD, expected_version=stale, reason="x")
        assert case.state == CaseState.ASSESSMENT


def test_a_supervisor_reassigns_a_case(app: Flask, team) -> None:
    with app.app_context():
        manager, other = staff(team, "manager"), staff(team, "other_manager")
        case = make_case(manager)
        with pytest.raises(Forbidden):
            cases.assign_case(
                manager, case.id, case_manager_id=other.id, expected_version=case.version
            )
        cases.assign_case(
            staff(team, "supervisor"),
            case.id,
            case_manager_id=other.id,
            expected_version=case.version,
        )
        assert cases.get_case(other, case.id).case_manager_id == other.id
        with pytest.raises(NotFound):
            cases.get_case(manager, case.id)


def test_who_sees_a_case(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=team["therapist"],
        )
        assert cases.get_case(staff(team, "therapist"), case.id) is case
        assert cases.get_case(staff(team, "supervisor"), case.id) is case
        for outsider in ("other_manager", "admin"):
            with pytest.raises(NotFound):
                cases.get_case(staff(team, outsider), case.id)
