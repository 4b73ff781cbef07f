"""Role and team changes: granting access to clinical content takes two people.

An administrator alone could otherwise make a supervisor account in any team, sign in as it and
read private notes (issue 16, finding 7). So adding a role in `TWO_PERSON_ROLES`, or moving a user
who will hold a clinical role into another team (it changes which cases they see), is a
*proposal*: it takes effect only when a second person approves it, either another administrator
or a supervisor of the team the change is about; the proposer and the user concerned never
approve it. Administration itself is in the set too: otherwise one administrator could make an
accomplice administrator directly and approve their own proposals through them. Supervisors do
not approve administration (it is not about their team).

Removing roles, and roles that open no client data (consultant, coordinator), apply at once.
Every change, applied, proposed, approved or rejected, is a `RoleChange` row and an audit event.
The operator's command line and the demo apply roles directly (`apply_directly`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, cast, false, or_, select, true
from sqlalchemy.orm import selectinload

from casework.audit import services as audit
from casework.auth.models import (
    Role,
    RoleChange,
    RoleChangeState,
    Team,
    User,
    UserRole,
    team_supervisors,
)
from casework.db import db, utcnow
from casework.errors import Conflict, NotFound
from casework.pagination import Page, paginate

#: Roles whose holders see clients' cases, notes or answers (as `policy.CLINICAL_ROLES`).
CLINICAL_ROLES = frozenset({Role.CASE_MANAGER, Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR})
#: Roles that a second person must approve before they take effect.
TWO_PERSON_ROLES = CLINICAL_ROLES | {Role.ADMIN}


def apply_directly(
    user: User,
    *,
    added: Iterable[Role] = (),
    removed: Iterable[Role] = (),
    team: Team | None = None,
    moves_team: bool = False,
    actor: User | None,
) -> RoleChange | None:
    """Apply and record a change that needs nobody else (None when nothing changes)."""
    added, removed = sorted(set(added) - user.roles), sorted(set(removed) & user.roles)
    moves_team = moves_team and (team.id if team else None) != user.team_id
    if not (added or removed or moves_team):
        return None
    now = utcnow()
    change = RoleChange(
        user=user,
        added_roles=[role.value for role in added],
        removed_roles=[role.value for role in removed],
        changes_team=moves_team,
        team_id=team.id if moves_team and team else user.team_id if not moves_team else None,
        state=RoleChangeState.APPLIED,
        proposed_by_id=actor.id if actor else None,
        proposed_at=now,
        decided_by_id=actor.id if actor else None,
        decided_at=now,
    )
    db.session.add(change)
    _apply(change)
    db.session.flush()
    audit.record_change("role_change.apply", change, actor=actor, fields=_fields(change))
    return change


def may_approve_any(user: User) -> bool:
    """Whether `user` approves role changes at all: administrators, and supervisors for their
    teams."""
    return user.has_role(Role.ADMIN, Role.SUPERVISOR)


def propose(
    actor: User,
    user: User,
    *,
    added: Iterable[Role],
    team: Team | None,
    moves_team: bool,
) -> RoleChange:
    """Record a change that waits for a second person; one pending change per user at a time."""
    if pending_for_user(user.id) is not None:
        raise Conflict(
            "this user already has a role change waiting for approval; "
            "have it approved or rejected first"
        )
    change = RoleChange(
        user=user,
        added_roles=sorted(role.value for role in set(added) - user.roles),
        removed_roles=[],
        changes_team=moves_team,
        team_id=team.id if team is not None else None,
        state=RoleChangeState.PENDING,
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    audit.record_change("role_change.propose", change, actor=actor, fields=_fields(change))
    return change


def _supervised_teams(actor: User) -> list[uuid.UUID]:
    if not actor.has_role(Role.SUPERVISOR):
        return []
    return list(
        db.session.scalars(
            select(team_supervisors.c.team_id).where(team_supervisors.c.user_id == actor.id)
        )
    )


def _visible_changes(actor: User) -> ColumnElement[bool]:
    """Pending changes `actor` may see: all for an administrator, their teams' for a supervisor
    (never a change that adds administration)."""
    if actor.has_role(Role.ADMIN):
        return true()
    teams = _supervised_teams(actor)
    if not teams:
        return false()
    adds_admin = cast(RoleChange.added_roles, String).like(f'%"{Role.ADMIN.value}"%')
    return RoleChange.team_id.in_(teams) & ~adds_admin


def may_decide(
    actor: User, change: RoleChange, *, supervised: list[uuid.UUID] | None = None
) -> bool:
    """Approving: anyone who sees the change (`_visible_changes`), but neither the person who
    proposed it nor the person it is about. `supervised`: the actor's teams, when known."""
    if change.state != RoleChangeState.PENDING or not actor.is_enabled:
        return False
    if actor.id in (change.proposed_by_id, change.user_id):
        return False
    if actor.has_role(Role.ADMIN):
        return True
    if Role.ADMIN in change.added:
        return False
    teams = _supervised_teams(actor) if supervised is None else supervised
    return change.team_id is not None and change.team_id in teams


def pending_changes(actor: User, *, cursor: str | None = None, limit: int = 50) -> Page[RoleChange]:
    """Pending changes for the approvals list, oldest first, a page at a time (the people
    named loaded with them)."""
    query = (
        select(RoleChange)
        .where(RoleChange.state == RoleChangeState.PENDING, _visible_changes(actor))
        .options(selectinload(RoleChange.user), selectinload(RoleChange.proposed_by))
    )
    return paginate(
        query, [RoleChange.proposed_at, RoleChange.id], cursor=cursor, limit=limit, descending=False
    )


def decidable(actor: User, changes: list[RoleChange]) -> set[uuid.UUID]:
    """The ids of `changes` that `actor` may approve or reject (the actor's teams read once)."""
    supervised = _supervised_teams(actor)
    return {change.id for change in changes if may_decide(actor, change, supervised=supervised)}


def pending_for_user(user_id: uuid.UUID) -> RoleChange | None:
    """The change of `user_id`'s roles or team that waits for approval, if any."""
    return db.session.scalar(
        select(RoleChange).where(
            RoleChange.user_id == user_id, RoleChange.state == RoleChangeState.PENDING
        )
    )


def _pending(actor: User, change_id: uuid.UUID) -> RoleChange:
    """A pending change `actor` may see, locked for the decision; anything else is missing."""
    change = db.session.scalar(
        select(RoleChange)
        .where(
            RoleChange.id == change_id,
            RoleChange.state == RoleChangeState.PENDING,
            or_(_visible_changes(actor), RoleChange.proposed_by_id == actor.id),
        )
        .with_for_update()
    )
    if change is None:
        raise NotFound("no such role change")
    return change


def approve(actor: User, change_id: uuid.UUID) -> RoleChange:
    """The second person approves: the change takes effect now."""
    change = _pending(actor, change_id)
    if not may_decide(actor, change):
        raise Conflict(
            "a role change needs a second person: neither its proposer nor the user it is "
            "about may approve it"
        )
    if not change.changes_team and change.team_id != change.user.team_id:
        raise Conflict(
            "the user's team has changed since this was proposed; reject it and propose again"
        )
    change.state = RoleChangeState.APPROVED
    change.decided_by_id, change.decided_at = actor.id, utcnow()
    _apply(change)
    db.session.flush()
    audit.record_change("role_change.approve", change, actor=actor, fields=_fields(change))
    return change


def reject(actor: User, change_id: uuid.UUID) -> RoleChange:
    """An approver refuses the change, or its proposer withdraws it; nothing is applied."""
    change = _pending(actor, change_id)
    if not (may_decide(actor, change) or change.proposed_by_id == actor.id):
        raise NotFound("no such role change")
    change.state = RoleChangeState.REJECTED
    change.decided_by_id, change.decided_at = actor.id, utcnow()
    db.session.flush()
    audit.record_change("role_change.reject", change, actor=actor, fields=_fields(change))
    return change


def _apply(change: RoleChange) -> None:
    """Make the user's roles, team and supervised teams what `change` says."""
    user = change.user
    removed, added = set(change.removed), set(change.added) - user.roles
    if removed:
        user.role_rows = [row for row in user.role_rows if row.role not in removed]
    user.role_rows.extend(UserRole(role=role) for role in sorted(added))
    old_team = user.team
    if change.changes_team:
        user.team = db.session.get(Team, change.team_id) if change.team_id else None
    _keep_supervision_in_step(user, old_team, dropped_supervisor=Role.SUPERVISOR in removed)


def _keep_supervision_in_step(
    user: User, old_team: Team | None, *, dropped_supervisor: bool
) -> None:
    """A supervisor supervises their own team: moving them moves that, and a supervisor who
    loses the role supervises no team any more."""
    if dropped_supervisor:
        for team in db.session.scalars(
            select(Team).join(team_supervisors).where(team_supervisors.c.user_id == user.id)
        ):
            team.supervisors.remove(user)
        return
    if Role.SUPERVISOR not in user.roles:
        return
    if old_team is not None and old_team is not user.team and user in old_team.supervisors:
        old_team.supervisors.remove(user)
    if user.team is not None and user not in user.team.supervisors:
        user.team.supervisors.append(user)


def _fields(change: RoleChange) -> list[str]:
    """What the audit event says changed: role names and "team" (no personal data)."""
    names = [f"role_added.{role}" for role in change.added_roles]
    names += [f"role_removed.{role}" for role in change.removed_roles]
    return names + (["team"] if change.changes_team else [])
