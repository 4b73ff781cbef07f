"""Clinical access takes two people (issue 16, finding 7): an administrator proposes, another
administrator or a supervisor of the team approves; removals and non-clinical roles apply at
once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth import accounts, grants
from casework.auth.models import Language, Role, RoleChange, RoleChangeState, Team, User
from casework.auth.services import get_or_create_team
from casework.care.models import AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.db import db, utcnow
from casework.errors import Conflict, NotFound
from tests.factories import PASSWORD, make_case, make_user, staff
from tests.pages import id_in, post_form, sign_in


def _private_note(team: dict[str, Any]) -> uuid.UUID:
    """A signed private process note of the team's therapist (author and supervisor only)."""
    manager, therapist = staff(team, "manager"), staff(team, "therapist")
    case = make_case(manager)
    enrolment = enrolments.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    appointment = appointments.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(hours=1),
        mode=AppointmentMode.REMOTE,
    )
    note = notes.write_note(
        therapist, appointment.id, kind=NoteKind.PRIVATE, body="Canary private hypothesis."
    )
    notes.sign_note(therapist, note.id, expected_version=note.version)
    return note.id


def _new_account(admin: User, email: str, roles: list[Role], team: Team | None) -> User:
    return accounts.admin_create_user(
        admin,
        email,
        display_name="New Colleague",
        roles=roles,
        password=PASSWORD,
        team_id=team.id if team else None,
        language=Language.EN,
    )


def test_an_administrator_alone_cannot_make_a_supervisor_who_reads_private_notes(
    app: Flask, client: FlaskClient, team
) -> None:
    with app.app_context():
        note_id = _private_note(team)
        team_id = staff(team, "manager").team_id
        admin_email = staff(team, "admin").email
        second_admin = make_user(roles=(Role.ADMIN,))
        db.session.commit()
        second_admin_email = second_admin.email
    assert sign_in(client, admin_email).status_code == 302
    response = post_form(
        client,
        "/admin/users",
        {
            "email": "plant@example.test",
            "display_name": "Plant",
            "roles": ["supervisor"],
            "team": str(team_id),
            "language": "en",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    client.post("/sign-out", data={"csrf_token": ""})
    plant = app.test_client()
    plant.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(plant, "plant@example.test").status_code == 302
    refused = plant.get(f"/notes/{note_id}")
    assert refused.status_code == 404
    assert "Canary" not in refused.get_data(as_text=True)

    # The second administrator approves: only now the role, and with it the note, is there.
    approver = app.test_client()
    approver.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(approver, second_admin_email).status_code == 302
    page = approver.get("/role-changes").get_data(as_text=True)
    assert "New Colleague" not in page and "Plant" in page
    with app.app_context():
        change = db.session.scalar(select(RoleChange).where(RoleChange.proposed_by_id.is_not(None)))
        assert change is not None and change.state == RoleChangeState.PENDING
        change_id = change.id
    approved = post_form(
        approver, f"/role-changes/{change_id}/approve", {}, form_on="/role-changes"
    )
    assert approved.status_code == 302
    assert "Canary private hypothesis." in plant.get(f"/notes/{note_id}").get_data(as_text=True)


def test_the_proposer_and_the_user_concerned_never_approve(app: Flask, team) -> None:
    with app.app_context():
        admin, other_admin = staff(team, "admin"), make_user(roles=(Role.ADMIN,))
        team_row = staff(team, "manager").team
        user = _new_account(admin, "new@example.test", [Role.THERAPIST], team_row)
        change = grants.pending_for_user(user.id)
        assert change is not None and user.roles == frozenset()
        with pytest.raises(Conflict, match="second person"):
            grants.approve(admin, change.id)
        assert user.roles == frozenset()

        # An administrator proposed for themselves cannot approve it either.
        accounts.change_roles_and_team(
            admin, other_admin.id, roles=[Role.ADMIN, Role.SUPERVISOR], team_id=team_row.id
        )
        own = grants.pending_for_user(other_admin.id)
        assert own is not None
        with pytest.raises(Conflict):
            grants.approve(other_admin, own.id)
        assert other_admin.roles == frozenset({Role.ADMIN})


def test_a_supervisor_approves_for_their_own_team_only(app: Flask, team) -> None:
    with app.app_context():
        admin = staff(team, "admin")
        supervisor, outsider = staff(team, "supervisor"), staff(team, "outside_supervisor")
        team_row = staff(team, "manager").team
        user = _new_account(admin, "therapist@example.test", [Role.THERAPIST], team_row)
        change = grants.pending_for_user(user.id)
        assert change is not None
        assert grants.pending_changes(outsider).items == []
        with pytest.raises(NotFound):
            grants.approve(outsider, change.id)
        with pytest.raises(NotFound):
            grants.reject(outsider, change.id)
        assert change in grants.pending_changes(supervisor).items
        grants.approve(supervisor, change.id)
        assert user.roles == frozenset({Role.THERAPIST})
        assert change.state == RoleChangeState.APPROVED and change.decided_by_id == supervisor.id
        with pytest.raises(NotFound):  # decided: no longer pending
            grants.approve(admin, change.id)


def test_supervisors_never_approve_administration(app: Flask, team) -> None:
    with app.app_context():
        admin, supervisor = staff(team, "admin"), staff(team, "supervisor")
        team_row = staff(team, "manager").team
        user = _new_account(admin, "boss@example.test", [Role.ADMIN], team_row)
        change = grants.pending_for_user(user.id)
        assert change is not None and user.roles == frozenset()
        assert grants.pending_changes(supervisor).items == []
        with pytest.raises(NotFound):
            grants.approve(supervisor, change.id)


def test_a_supervisor_grant_supervises_the_team_and_moving_moves_it(app: Flask, team) -> None:
    with app.app_context():
        admin, other_admin = staff(team, "admin"), make_user(roles=(Role.ADMIN,))
        first = staff(team, "manager").team
        second = get_or_create_team("Second team")
        db.session.flush()
        user = _new_account(admin, "lead@example.test", [Role.SUPERVISOR], first)
        assert user not in first.supervisors
        grants.approve(other_admin, grants.pending_for_user(user.id).id)  # type: ignore[union-attr]
        assert user in first.supervisors

        outcome = accounts.change_roles_and_team(
            admin, user.id, roles=[Role.SUPERVISOR], team_id=second.id
        )
        assert outcome.proposed is not None and outcome.applied is None
        assert user.team_id == first.id and user in first.supervisors  # nothing yet
        grants.approve(other_admin, outcome.proposed.id)
        assert user.team_id == second.id
        assert user in second.supervisors and user not in first.supervisors


def test_removals_and_roles_without_client_data_apply_at_once(app: Flask, team) -> None:
    with app.app_context():
        admin = staff(team, "admin")
        supervisor = staff(team, "supervisor")
        team_row = supervisor.team
        assert team_row is not None
        outcome = accounts.change_roles_and_team(
            admin, supervisor.id, roles=[Role.CONSULTANT, Role.COORDINATOR], team_id=None
        )
        assert outcome.proposed is None and outcome.applied is not None
        assert supervisor.roles == frozenset({Role.CONSULTANT, Role.COORDINATOR})
        assert supervisor.team_id is None and supervisor not in team_row.supervisors
        assert outcome.applied.state == RoleChangeState.APPLIED
        with pytest.raises(Conflict):
            accounts.change_roles_and_team(admin, admin.id, roles=[Role.CONSULTANT], team_id=None)


def test_one_pending_change_per_user_and_rejection_applies_nothing(app: Flask, team) -> None:
    with app.app_context():
        admin, other_admin = staff(team, "admin"), make_user(roles=(Role.ADMIN,))
        consultant = staff(team, "consultant")
        outcome = accounts.change_roles_and_team(
            admin,
            consultant.id,
            roles=[Role.CONSULTANT, Role.CASE_MANAGER],
            team_id=consultant.team_id,
        )
        assert outcome.proposed is not None
        with pytest.raises(Conflict, match="already has a role change"):
            accounts.change_roles_and_team(
                admin, consultant.id, roles=[Role.THERAPIST], team_id=consultant.team_id
            )
        grants.reject(other_admin, outcome.proposed.id)
        assert outcome.proposed.state == RoleChangeState.REJECTED
        assert consultant.roles == frozenset({Role.CONSULTANT})


def test_the_edit_page_proposes_and_the_approvals_page_approves(
    app: Flask, client: FlaskClient, team, login_as
) -> None:
    with app.app_context():
        consultant_id = team["consultant"]
        team_id = staff(team, "consultant").team_id
    login_as(Role.ADMIN, preferred_language=Language.EN)
    page = client.get(f"/admin/users/{consultant_id}").get_data(as_text=True)
    assert "Roles and team" in page
    response = post_form(
        client,
        f"/admin/users/{consultant_id}/roles",
        {"roles": ["consultant", "therapist"], "team": str(team_id)},
        form_on=f"/admin/users/{consultant_id}",
    )
    assert response.status_code == 302
    assert id_in(response.headers["Location"]) == str(consultant_id)
    page = client.get(f"/admin/users/{consultant_id}").get_data(as_text=True)
    assert "Waiting for approval" in page
    listing = client.get("/role-changes").get_data(as_text=True)
    assert "Waiting for a second person." in listing and "/approve" not in listing
    assert "Role changes waiting for approval" in client.get("/admin/users").get_data(as_text=True)

    supervisor = app.test_client()
    supervisor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with app.app_context():
        supervisor_email = staff(team, "supervisor").email
        change = grants.pending_for_user(consultant_id)
        assert change is not None
        change_id = change.id
    assert sign_in(supervisor, supervisor_email).status_code == 302
    assert "/approve" in supervisor.get("/role-changes").get_data(as_text=True)
    post_form(supervisor, f"/role-changes/{change_id}/approve", {}, form_on="/role-changes")
    with app.app_context():
        user = db.session.get(User, consultant_id)
        assert user is not None and user.roles == frozenset({Role.CONSULTANT, Role.THERAPIST})


def test_the_approvals_page_is_for_administrators_and_supervisors(
    client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST)
    assert client.get("/role-changes").status_code == 404
    assert client.post(f"/role-changes/{uuid.uuid4()}/approve").status_code in (400, 404)
