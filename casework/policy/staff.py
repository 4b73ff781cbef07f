"""Facts about the signed-in member of staff the rules build on: roles, supervised teams."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select

from casework.auth.models import Role, User, team_supervisors
from casework.db import db
from casework.errors import Forbidden

T = TypeVar("T")

#: The roles that work with clients' cases.
CLINICAL_ROLES = (Role.CASE_MANAGER, Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR)


def memo(user: User, key: object, compute: Callable[[], T]) -> T:
    """Remember a fact about `user` for as long as this loaded User object lives (a request)."""
    facts = user.__dict__.setdefault("_policy_memo", {})
    if key not in facts:
        facts[key] = compute()
    return facts[key]


def supervised_team_ids(user: User) -> list[uuid.UUID]:
    if not user.has_role(Role.SUPERVISOR):
        return []
    return memo(
        user,
        "supervised_teams",
        lambda: list(
            db.session.scalars(
                select(team_supervisors.c.team_id).where(team_supervisors.c.user_id == user.id)
            )
        ),
    )


def supervises_user(supervisor: User, staff: User) -> bool:
    return staff.team_id is not None and staff.team_id in supervised_team_ids(supervisor)


def require_role(user: User, *roles: Role) -> None:
    if not user.has_role(*roles):
        raise Forbidden("this needs one of the roles: %(roles)s", roles=list(roles))
