"""Use cases for projects: create and edit, targets per indicator, attribution of activities."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Uuid, delete, func, insert, literal, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.catalogue.models import Service
from casework.consultations.models import InformationConsultation
from casework.db import db
from casework.errors import N_, Conflict, NotFound, ValidationError, check_version
from casework.groups.models import GroupRun
from casework.pagination import Page, paginate
from casework.partners.models import PublicEvent, Training
from casework.projects.models import (
    Project,
    ProjectConsultation,
    ProjectEvent,
    ProjectGroupRun,
    ProjectService,
    ProjectTarget,
    ProjectTraining,
)
from casework.projects.scope import ActivityKind

#: Who may create and edit projects (the policy module decides; the pages show their buttons).
#: "<report>.<indicator>", as the report files name them.
INDICATOR_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
MAX_BUDGET = Decimal("999999999999.99")

#: Per kind of activity: its association model, the column naming the activity, and the
#: activity's own table and key (to check that what is attributed exists).
_ATTRIBUTION: dict[ActivityKind, tuple[Any, Any, Any]] = {
    ActivityKind.SERVICE: (ProjectService, ProjectService.service_code, Service.code),
    ActivityKind.GROUP_RUN: (ProjectGroupRun, ProjectGroupRun.run_id, GroupRun.id),
    ActivityKind.EVENT: (ProjectEvent, ProjectEvent.event_id, PublicEvent.id),
    ActivityKind.TRAINING: (ProjectTraining, ProjectTraining.training_id, Training.id),
    ActivityKind.CONSULTATION: (
        ProjectConsultation,
        ProjectConsultation.consultation_id,
        InformationConsultation.id,
    ),
}


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(
            "a project cannot end before it starts", fields={"ends_on": ["early"]}
        )


def _check_budget(budget: Decimal | None) -> None:
    if budget is not None and not Decimal(0) <= budget <= MAX_BUDGET:
        raise ValidationError(
            "the budget must be between 0 and %(most)s",
            fields={"budget": ["out of range"]},
            most=MAX_BUDGET,
        )


def _require_unique_name(name: str, project_id: uuid.UUID | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("a project needs a name", fields={"name": ["required"]})
    query = select(Project.id).where(Project.name == name)
    if project_id is not None:
        query = query.where(Project.id != project_id)
    if db.session.scalar(query):
        raise Conflict("a project named %(name)s exists; choose another name", name=name)
    return name


def create_project(
    user: User,
    *,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    funder: str | None = None,
    budget: Decimal | None = None,
    notes: str | None = None,
) -> Project:
    """A new grant or funding stream; nothing is attributed to it yet."""
    policy.require_project_manager(user)
    _check_period(starts_on, ends_on)
    _check_budget(budget)
    project = Project(
        name=_require_unique_name(name),
        funder=_clean(funder),
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        notes=_clean(notes),
        created_by_id=user.id,
    )
    db.session.add(project)
    audit.record_change(
        "project.create",
        project,
        actor=user,
        fields=["name", "funder", "starts_on", "ends_on", "budget", "notes"],
    )
    db.session.flush()
    return project


_UNSET: Any = object()


def update_project(
    user: User,
    project_id: uuid.UUID,
    *,
    expected_version: int,
    name: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = _UNSET,
    funder: str | None = _UNSET,
    budget: Decimal | None = _UNSET,
    notes: str | None = _UNSET,
) -> Project:
    """Change a project's facts; omitted ones stay, `None` clears an optional one."""
    policy.require_project_manager(user)
    project = _require(user, project_id)
    check_version(project, expected_version, N_("project"))
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _require_unique_name(name, project.id)
    if starts_on is not None:
        changes["starts_on"] = starts_on
    if ends_on is not _UNSET:
        changes["ends_on"] = ends_on
    _check_period(
        changes.get("starts_on", project.starts_on), changes.get("ends_on", project.ends_on)
    )
    if funder is not _UNSET:
        changes["funder"] = _clean(funder)
    if budget is not _UNSET:
        _check_budget(budget)
        changes["budget"] = budget
    if notes is not _UNSET:
        changes["notes"] = _clean(notes)
    for field, value in changes.items():
        setattr(project, field, value)
    audit.record_change("project.update", project, actor=user, fields=sorted(changes))
    db.session.flush()
    return project


def _require(user: User, project_id: uuid.UUID) -> Project:
    """The project, if `user` may see projects at all; else NotFound, like a missing one."""
    return policy.require_visible(user, Project, project_id, what="project")


def list_projects(
    user: User,
    *,
    active_on: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Project]:
    """Projects, the latest to start first; `active_on` keeps those running on that day."""
    if not policy.may_see_projects(user):
        raise NotFound("no such page")
    query = select(Project)
    if active_on is not None:
        query = query.where(
            Project.starts_on <= active_on,
            (Project.ends_on.is_(None)) | (Project.ends_on >= active_on),
        )
    return paginate(query, [Project.starts_on, Project.id], cursor=cursor, limit=limit)


@dataclass(frozen=True)
class ProjectDetail:
    """A project with its targets and what is attributed to it by name."""

    project: Project
    targets: list[ProjectTarget]
    service_codes: list[str]
    run_ids: list[uuid.UUID]
    event_ids: list[uuid.UUID]
    training_ids: list[uuid.UUID]
    consultation_count: int


def get_project(user: User, project_id: uuid.UUID) -> ProjectDetail:
    project = _require(user, project_id)
    targets = list(
        db.session.scalars(
            select(ProjectTarget)
            .where(ProjectTarget.project_id == project.id)
            .order_by(ProjectTarget.indicator_key)
        )
    )

    def listed(kind: ActivityKind) -> list[Any]:
        model, column, _ = _ATTRIBUTION[kind]
        return list(
            db.session.scalars(
                select(column).where(model.project_id == project.id).order_by(column)
            )
        )

    consultations = db.session.scalar(
        select(func.count()).where(ProjectConsultation.project_id == project.id)
    )
    return ProjectDetail(
        project,
        targets,
        listed(ActivityKind.SERVICE),
        listed(ActivityKind.GROUP_RUN),
        listed(ActivityKind.EVENT),
        listed(ActivityKind.TRAINING),
        consultations or 0,
    )


def set_targets(
    user: User, project_id: uuid.UUID, targets: Mapping[str, Decimal | None]
) -> list[ProjectTarget]:
    """Set (or, with None, remove) the project's target value for each named indicator."""
    policy.require_project_manager(user)
    project = _require(user, project_id)
    bad = [key for key in targets if not INDICATOR_KEY.match(key)]
    if bad:
        raise ValidationError(
            "an indicator is named '<report>.<indicator>' in lower case, e.g. "
            "'krakow.people_diagnosed'",
            fields={"targets": [f"not an indicator name: {key[:120]}" for key in bad]},
        )
    negative = [key for key, value in targets.items() if value is not None and value < 0]
    if negative:
        raise ValidationError(
            "a target cannot be negative",
            fields={"targets": [f"negative: {key}" for key in negative]},
        )
    existing = {
        t.indicator_key: t
        for t in db.session.scalars(
            select(ProjectTarget).where(ProjectTarget.project_id == project.id)
        )
    }
    for key, value in targets.items():
        row = existing.get(key)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                ProjectTarget(project_id=project.id, indicator_key=key, target_value=value)
            )
        else:
            row.target_value = value
    audit.record_change("project.targets", project, actor=user, fields=sorted(targets))
    db.session.flush()
    return get_project(user, project.id).targets


def _keys(kind: ActivityKind, raw: Sequence[str]) -> list[Any]:
    if kind == ActivityKind.SERVICE:
        return list(dict.fromkeys(key.strip() for key in raw))
    try:
        return list(dict.fromkeys(uuid.UUID(str(key)) for key in raw))
    except ValueError:
        raise ValidationError(
            "each %(kind)s is named by its id (a UUID)",
            fields={"keys": ["not a UUID"]},
            kind=kind,
        ) from None


def attribute(
    user: User,
    project_id: uuid.UUID,
    *,
    kind: ActivityKind,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> ProjectDetail:
    """Attribute activities of one kind to the project (`add`) or take them off (`remove`).

    An activity may count for several projects; adding one already listed changes nothing."""
    policy.require_project_manager(user)
    project = _require(user, project_id)
    model, column, target = _ATTRIBUTION[kind]
    adding, removing = _keys(kind, add), _keys(kind, remove)
    if set(adding) & set(removing):
        raise ValidationError(
            "an activity cannot be added and removed at once", fields={"keys": ["both"]}
        )
    if adding:
        known = set(db.session.scalars(select(target).where(target.in_(adding))))
        unknown = [str(key) for key in adding if key not in known]
        if unknown:
            raise ValidationError(
                "no such %(kind)s: %(ids)s",
                fields={"add": [f"unknown: {key}" for key in unknown[:20]]},
                kind=kind,
                ids=", ".join(unknown[:5]),
            )
        listed = set(
            db.session.scalars(
                select(column).where(model.project_id == project.id, column.in_(adding))
            )
        )
        db.session.add_all(
            model(project_id=project.id, **{column.key: key}) for key in adding if key not in listed
        )
    if removing:
        db.session.execute(
            delete(model).where(model.project_id == project.id, column.in_(removing))
        )
    audit.record_change("project.attribute", project, actor=user, fields=[kind.value])
    db.session.flush()
    return get_project(user, project.id)


def replace_attribution(
    user: User,
    project_id: uuid.UUID,
    choices: Mapping[ActivityKind, tuple[Sequence[str], Sequence[str]]],
) -> ProjectDetail:
    """Per kind, (chosen, offered): of the activities offered, exactly the chosen ones count."""
    for kind, (chosen, offered) in choices.items():
        picked = set(chosen)
        attribute(
            user, project_id, kind=kind, add=sorted(picked), remove=sorted(set(offered) - picked)
        )
    return get_project(user, project_id)


def attribute_consultations_between(
    user: User, project_id: uuid.UUID, *, date_from: date, date_to: date
) -> int:
    """Attribute every information consultation held in the dates (both included) that is not
    yet listed for the project, in one statement; returns how many were added."""
    policy.require_project_manager(user)
    project = _require(user, project_id)
    if date_to < date_from:
        raise ValidationError("the period ends before it starts", fields={"date_to": ["early"]})
    new = select(literal(project.id, Uuid()).label("project_id"), InformationConsultation.id).where(
        InformationConsultation.consulted_on.between(date_from, date_to),
        ~InformationConsultation.id.in_(
            select(ProjectConsultation.consultation_id).where(
                ProjectConsultation.project_id == project.id
            )
        ),
    )
    # rowcount of INSERT ... SELECT is not reported by every driver: count the rows first.
    added = db.session.scalar(select(func.count()).select_from(new.subquery())) or 0
    db.session.execute(
        insert(ProjectConsultation).from_select(["project_id", "consultation_id"], new)
    )
    audit.record_change(
        "project.attribute", project, actor=user, fields=[ActivityKind.CONSULTATION.value]
    )
    db.session.flush()
    return added
