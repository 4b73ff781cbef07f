"""Account administration: users, teams, roles, enabling. Administrators only; every change is
audited, and roles that open clinical content wait for a second person (`casework.auth.grants`).
Services flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from casework.audit import services as audit
from casework.auth import grants
from casework.auth.models import Language, Role, RoleChange, Team, User
from casework.auth.services import end_all_sessions, new_account, revoke_all_api_tokens
from casework.db import db
from casework.errors import Conflict, NotFound, ValidationError
from casework.pagination import Page, paginate


def _require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise NotFound("no such page")


def list_users(actor: User, *, cursor: str | None = None, limit: int = 50) -> Page[User]:
    """Staff accounts for the administrator's list, by name, a page at a time."""
    _require_admin(actor)
    return paginate(
        select(User), [User.display_name, User.id], cursor=cursor, limit=limit, descending=False
    )


def list_teams(actor: User) -> list[Team]:
    _require_admin(actor)
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def user_to_edit(actor: User, user_id: uuid.UUID) -> User:
    """A staff account for the administrator's edit page."""
    _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def _team(team_id: uuid.UUID | None) -> Team | None:
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        raise ValidationError("no such team", fields={"team": ["unknown"]})
    return team


@dataclass(frozen=True)
class RoleChangeOutcome:
    """What an edit did: the part applied at once and the part waiting for approval."""

    applied: RoleChange | None
    proposed: RoleChange | None


def admin_create_user(
    actor: User,
    email: str,
    *,
    display_name: str,
    roles: Iterable[Role],
    password: str,
    team_id: uuid.UUID | None,
    language: Language,
) -> User:
    """An administrator creates a staff account. Roles that need a second person are proposed,
    not given: the account starts without them."""
    _require_admin(actor)
    roles = set(roles)
    if not roles:
        raise ValidationError("a user needs at least one role", fields={"roles": ["required"]})
    team = _team(team_id)
    user = new_account(
        email, display_name=display_name, password=password, team=team, language=language
    )
    audit.record("user.create", actor=actor, object_type="user", object_id=user.id)
    grants.apply_directly(user, added=roles - grants.TWO_PERSON_ROLES, actor=actor)
    gated = roles & grants.TWO_PERSON_ROLES
    if gated:
        grants.propose(actor, user, added=gated, team=team, moves_team=False)
    return user


def change_roles_and_team(
    actor: User, user_id: uuid.UUID, *, roles: Iterable[Role], team_id: uuid.UUID | None
) -> RoleChangeOutcome:
    """Make `roles` and the team those of the user: removals and roles without client data
    apply now; added clinical or administrator roles, and moving someone who will hold a
    clinical role, wait for a second person."""
    user = user_to_edit(actor, user_id)
    wanted = set(roles)
    if not wanted:
        raise ValidationError("a user needs at least one role", fields={"roles": ["required"]})
    if user.id == actor.id and Role.ADMIN not in wanted:
        raise Conflict("you cannot take the administrator role from yourself")
    team = _team(team_id)
    moves_team = (team.id if team else None) != user.team_id
    added, removed = wanted - user.roles, user.roles - wanted
    gated = added & grants.TWO_PERSON_ROLES
    team_waits = moves_team and bool(wanted & grants.CLINICAL_ROLES)
    proposed = None
    if gated or team_waits:
        proposed = grants.propose(actor, user, added=gated, team=team, moves_team=team_waits)
    applied = grants.apply_directly(
        user,
        added=added - gated,
        removed=removed,
        team=team,
        moves_team=moves_team and not team_waits,
        actor=actor,
    )
    return RoleChangeOutcome(applied=applied, proposed=proposed)


def admin_create_team(actor: User, name: str) -> Team:
    """An administrator creates a team with a new name."""
    _require_admin(actor)
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationError("a team needs a name of 1 to 120 characters", fields={"name": ["?"]})
    if db.session.scalar(select(Team).where(Team.name == name)) is not None:
        raise Conflict("a team named %(name)s already exists", name=name)
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    audit.record("team.create", actor=actor, object_type="team", object_id=team.id)
    return team


def admin_set_enabled(actor: User, user_id: uuid.UUID, *, enabled: bool) -> User:
    """Enable or disable an account; disabling ends its sessions and API tokens."""
    user = user_to_edit(actor, user_id)
    if user.id == actor.id and not enabled:
        raise Conflict("you cannot disable your own account")
    if user.is_enabled == enabled:
        return user
    user.is_enabled = enabled
    if not enabled:
        end_all_sessions(user)
        revoke_all_api_tokens(user)
    db.session.flush()
    action = "user.enable" if enabled else "user.disable"
    audit.record(action, actor=actor, object_type="user", object_id=user.id)
    return user
