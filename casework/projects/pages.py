"""What the project pages show: the list, and a project with what may be attributed to it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from casework import policy
from casework.auth.models import User
from casework.catalogue.models import Service
from casework.db import db
from casework.groups.models import GroupRun
from casework.pagination import Page
from casework.partners.models import PublicEvent, Training
from casework.projects import services
from casework.projects.models import Project

#: The project page lists this many of the latest runs, events and trainings; the API takes any.
OPTIONS_LIMIT = 200


@dataclass(frozen=True)
class AttributionOptions:
    """What the project page offers to attribute: (key, label, date) per kind, newest first."""

    services: list[Service]
    runs: list[tuple[uuid.UUID, str, date]]
    events: list[tuple[uuid.UUID, str, date]]
    trainings: list[tuple[uuid.UUID, str, date]]


def attribution_options(user: User) -> AttributionOptions:
    """Services, and the latest group runs, events and trainings, by name (nothing clinical)."""
    policy.require_project_manager(user)

    def latest(table: Any, label: Any, day: Any) -> list[tuple[uuid.UUID, str, date]]:
        rows = db.session.execute(
            select(table.id, label, day).order_by(day.desc(), table.id).limit(OPTIONS_LIMIT)
        )
        return [(row[0], row[1], row[2]) for row in rows]

    return AttributionOptions(
        list(db.session.scalars(select(Service).order_by(Service.code))),
        latest(GroupRun, GroupRun.name, GroupRun.starts_on),
        latest(PublicEvent, PublicEvent.title, PublicEvent.held_on),
        latest(Training, Training.title, Training.held_on),
    )


@dataclass(frozen=True)
class ProjectsPage:
    page: Page[Project]
    #: Whether the reader may create and edit projects (administrators, coordinators).
    may_manage: bool


@dataclass(frozen=True)
class ProjectPage:
    detail: services.ProjectDetail
    may_manage: bool
    #: What the attribution checklists offer; None for readers who may not change it.
    options: AttributionOptions | None


def may_manage(user: User) -> bool:
    return policy.MANAGE_PROJECTS.allows(user)


def projects_page(user: User, *, cursor: str | None) -> ProjectsPage:
    """The projects `user` may see, the latest to start first, 50 to a page."""
    return ProjectsPage(services.list_projects(user, cursor=cursor, limit=50), may_manage(user))


def project_page(user: User, project_id: uuid.UUID) -> ProjectPage:
    """A project, its targets and attribution, and for managers the activities to choose from."""
    detail = services.get_project(user, project_id)
    managing = may_manage(user)
    options = attribution_options(user) if managing else None
    return ProjectPage(detail, managing, options)
