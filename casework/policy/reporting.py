"""Projects and the funders' reports: figures, never a case, client, answer or note."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, true

from casework.auth.models import Role, User
from casework.errors import Forbidden
from casework.policy.gates import MANAGE_PROJECTS
from casework.policy.staff import supervised_team_ids


def require_project_manager(user: User) -> None:
    """Projects, their targets and what is attributed to them: administrators and coordinators."""
    MANAGE_PROJECTS.require(user)


def may_see_projects(user: User) -> bool:
    """Project names, funders, periods and targets are not clinical: reporting staff see them."""
    return user.has_role(Role.ADMIN, Role.COORDINATOR, Role.SUPERVISOR)


def visible_projects(user: User) -> ColumnElement[bool]:
    return true() if may_see_projects(user) else false()


def report_scope(user: User) -> list[uuid.UUID] | None:
    """The teams whose aggregate figures `user` may see: None for the whole centre (a
    coordinator), a supervisor's own teams; anyone else is refused.

    Figures only: a coordinator sees no case, client, answer or note (`visible_cases` is false).
    """
    if user.has_role(Role.COORDINATOR):
        return None
    teams = supervised_team_ids(user)
    if teams:
        return teams
    raise Forbidden("reports are for coordinators and for supervisors of a team")
