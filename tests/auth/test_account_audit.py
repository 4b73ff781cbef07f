"""Account administration is audited (issue 16, finding 7): each step writes one event naming its
actor and its target, and never a password, a token or a hash."""

from __future__ import annotations

import uuid

from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth import accounts, grants, sessions, tokens
from casework.auth.models import Language, Role, User
from casework.auth.services import change_password, start_session
from casework.db import db
from tests.factories import PASSWORD, make_user, staff


def _events_since(seq: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    )


def _last_seq() -> int:
    return max(db.session.scalars(select(AuditEvent.seq)).all(), default=0)


def _one(seq: int, action: str, actor: User | None, target: object) -> None:
    """Exactly one new event since `seq`, the one expected."""
    (event,) = _events_since(seq)
    assert (event.action, event.actor_id, event.object_id) == (
        action,
        actor.id if actor else None,
        str(target),
    )


def test_each_administration_step_writes_one_event_with_actor_and_target(app: Flask, team) -> None:
    with app.app_context():
        admin, supervisor = staff(team, "admin"), staff(team, "supervisor")
        team_row = supervisor.team
        assert team_row is not None

        seq = _last_seq()
        created = accounts.admin_create_user(
            admin,
            "audited@example.test",
            display_name="Audited",
            roles=[Role.CONSULTANT, Role.THERAPIST],
            password="a secret password 1",
            team_id=team_row.id,
            language=Language.EN,
        )
        creation = _events_since(seq)
        assert [event.action for event in creation] == [
            "user.create",
            "role_change.apply",
            "role_change.propose",
        ]
        assert all(event.actor_id == admin.id for event in creation)
        assert creation[0].object_id == str(created.id)
        proposal = grants.pending_for_user(created.id)
        assert proposal is not None and creation[2].object_id == str(proposal.id)
        assert creation[2].fields == ["role_added.therapist"]

        seq = _last_seq()
        grants.approve(supervisor, proposal.id)
        _one(seq, "role_change.approve", supervisor, proposal.id)

        seq = _last_seq()
        outcome = accounts.change_roles_and_team(
            admin, created.id, roles=[Role.THERAPIST], team_id=team_row.id
        )
        assert outcome.applied is not None
        _one(seq, "role_change.apply", admin, outcome.applied.id)

        seq = _last_seq()
        outcome = accounts.change_roles_and_team(
            admin, created.id, roles=[Role.THERAPIST, Role.SUPERVISOR], team_id=team_row.id
        )
        assert outcome.proposed is not None
        _one(seq, "role_change.propose", admin, outcome.proposed.id)
        seq = _last_seq()
        grants.reject(admin, outcome.proposed.id)  # the proposer withdraws it
        _one(seq, "role_change.reject", admin, outcome.proposed.id)

        seq = _last_seq()
        accounts.admin_set_enabled(admin, created.id, enabled=False)
        _one(seq, "user.disable", admin, created.id)
        seq = _last_seq()
        accounts.admin_set_enabled(admin, created.id, enabled=True)
        _one(seq, "user.enable", admin, created.id)

        seq = _last_seq()
        new_team = accounts.admin_create_team(admin, "Audited team")
        _one(seq, "team.create", admin, new_team.id)


def test_own_account_steps_are_audited_without_secrets(app: Flask) -> None:
    with app.app_context():
        user = make_user()
        seq = _last_seq()
        token, plaintext = tokens.create_api_token(user, name="script")
        _one(seq, "api_token.create", user, token.id)
        seq = _last_seq()
        tokens.revoke_api_token(user, token.id)
        _one(seq, "api_token.revoke", user, token.id)

        session_token = start_session(user)
        start_session(user)
        other = next(
            row
            for row in sessions.live_sessions(user, current_token=session_token)
            if not row.is_current
        )
        seq = _last_seq()
        sessions.end_one_session(user, other.id)
        _one(seq, "session.end", user, other.id)
        seq = _last_seq()
        sessions.end_other_sessions(user, current_token=session_token)
        _one(seq, "session.end_others", user, user.id)

        seq = _last_seq()
        change_password(user, current_password=PASSWORD, new_password="another long password")
        _one(seq, "user.password_change", user, user.id)

        trail = " ".join(
            f"{event.fields} {event.reason} {event.object_id}"
            for event in db.session.scalars(select(AuditEvent))
        )
        for secret in (plaintext, token.token_hash, session_token, "another long password"):
            assert secret not in trail


def test_the_operators_command_line_is_audited_as_the_system(app: Flask) -> None:
    runner = app.test_cli_runner()
    email = f"operator-{uuid.uuid4().hex[:8]}@example.test"
    with app.app_context():
        seq = _last_seq()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            email,
            "--role",
            "supervisor",
            "--team",
            "Ops team",
            "--generate-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["users", "disable", email]).exit_code == 0
    with app.app_context():
        events = _events_since(seq)
        assert [event.action for event in events] == [
            "user.create",
            "role_change.apply",
            "user.disable",
        ]
        assert all(event.actor_id is None and event.actor_role == "system" for event in events)
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None and user.roles == frozenset({Role.SUPERVISOR})
        assert user.team is not None and user in user.team.supervisors


def test_the_operator_grants_roles_at_once_and_an_unknown_address_is_one_line(
    app: Flask,
) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        user = make_user(roles=(Role.CONSULTANT,))
        db.session.commit()
        email, seq = user.email, _last_seq()
    result = runner.invoke(args=["users", "grant", email, "--role", "admin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        (event,) = _events_since(seq)
        assert event.action == "role_change.apply" and event.actor_id is None
        assert event.fields == ["role_added.admin"]
        granted = db.session.scalar(select(User).where(User.email == email))
        assert granted is not None and granted.roles == {Role.ADMIN, Role.CONSULTANT}
    missing = runner.invoke(args=["users", "grant", "nobody@example.test", "--role", "admin"])
    assert missing.exit_code != 0 and "no user with the e-mail" in missing.output
