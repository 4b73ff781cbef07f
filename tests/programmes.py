"""A small team for programme tests: every role, ids only (objects belong to one session)."""

from __future__ import annotations

import uuid

from flask import Flask

from casework.auth.models import Role, User
from casework.auth.services import get_or_create_team
from casework.db import db
from tests.factories import make_user

TEAM_ROLES = {
    "manager": (Role.CASE_MANAGER,),
    "other_manager": (Role.CASE_MANAGER,),
    "therapist": (Role.THERAPIST,),
    "facilitator": (Role.FACILITATOR,),
    "facilitator2": (Role.FACILITATOR,),
    "supervisor": (Role.SUPERVISOR,),
    "consultant": (Role.CONSULTANT,),
}


def make_team(app: Flask, name: str = "Programme team") -> dict[str, uuid.UUID]:
    """A team with every role, an outside supervisor and an administrator; committed."""
    with app.app_context():
        team = get_or_create_team(name)
        other = get_or_create_team(f"{name} (other)")
        ids = {role: make_user(roles=roles, team=team).id for role, roles in TEAM_ROLES.items()}
        ids["outside_supervisor"] = make_user(roles=(Role.SUPERVISOR,), team=other).id
        ids["outside_consultant"] = make_user(roles=(Role.CONSULTANT,), team=other).id
        ids["admin"] = make_user(roles=(Role.ADMIN,)).id
        db.session.commit()
        return ids


def staff(ids: dict[str, uuid.UUID], name: str) -> User:
    user = db.session.get(User, ids[name])
    assert user is not None
    return user
