"""Which activities count for a project, as SQL predicates for the report engine's aggregates.

The rule is in `casework.projects.models`: listed attributions, a group run without its own
following its service, and everything attributed nowhere counting for the default project.
Each predicate is a correlated EXISTS on the association table, so an aggregate over any
activity table stays one query:

    scope = project_scope(project_id)
    select(func.count(distinct(Enrolment.client_id))).where(scope.services(Enrolment.service_code))

For a breakdown by project, join the pairs of `attributions(kind)` (activity key, project id).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, aliased

from casework.catalogue.models import Service
from casework.consultations.models import InformationConsultation
from casework.db import db
from casework.errors import NotFound
from casework.groups.models import GroupRun
from casework.partners.models import PublicEvent, Training
from casework.projects.models import (
    Project,
    ProjectConsultation,
    ProjectEvent,
    ProjectGroupRun,
    ProjectService,
    ProjectTraining,
)

#: A column or mapped attribute naming an activity (its id or service code).
Column = ColumnElement[Any] | InstrumentedAttribute[Any]
ProjectId = uuid.UUID | Column
IsDefault = bool | Column


def _listed_or_default(
    listed: ColumnElement[bool], unlisted: ColumnElement[bool], is_default: IsDefault
) -> ColumnElement[bool]:
    if is_default is True:
        return or_(listed, unlisted)
    if is_default is False:
        return listed
    return or_(listed, and_(is_default, unlisted))


def services_in(
    project_id: ProjectId, is_default: IsDefault, service_code: Column
) -> ColumnElement[bool]:
    """The service (its enrolments, appointments) counts for the project."""
    return _listed_or_default(
        exists()
        .where(ProjectService.service_code == service_code, ProjectService.project_id == project_id)
        .correlate_except(ProjectService),
        ~exists()
        .where(ProjectService.service_code == service_code)
        .correlate_except(ProjectService),
        is_default,
    )


def group_runs_in(
    project_id: ProjectId, is_default: IsDefault, run_id: Column
) -> ColumnElement[bool]:
    """The run (its enrolments, meetings, attendance) counts for the project."""
    own = (
        exists()
        .where(ProjectGroupRun.run_id == run_id, ProjectGroupRun.project_id == project_id)
        .correlate_except(ProjectGroupRun)
    )
    # An alias, so the caller's own FROM group_runs is not correlated away.
    run = aliased(GroupRun)
    inherited = and_(
        ~exists().where(ProjectGroupRun.run_id == run_id).correlate_except(ProjectGroupRun),
        exists()
        .where(run.id == run_id, services_in(project_id, is_default, run.service_code))
        .correlate_except(run),
    )
    return or_(own, inherited)


def events_in(
    project_id: ProjectId, is_default: IsDefault, event_id: Column
) -> ColumnElement[bool]:
    return _listed_or_default(
        exists()
        .where(ProjectEvent.event_id == event_id, ProjectEvent.project_id == project_id)
        .correlate_except(ProjectEvent),
        ~exists().where(ProjectEvent.event_id == event_id).correlate_except(ProjectEvent),
        is_default,
    )


def trainings_in(
    project_id: ProjectId, is_default: IsDefault, training_id: Column
) -> ColumnElement[bool]:
    return _listed_or_default(
        exists()
        .where(ProjectTraining.training_id == training_id, ProjectTraining.project_id == project_id)
        .correlate_except(ProjectTraining),
        ~exists()
        .where(ProjectTraining.training_id == training_id)
        .correlate_except(ProjectTraining),
        is_default,
    )


def consultations_in(
    project_id: ProjectId, is_default: IsDefault, consultation_id: Column
) -> ColumnElement[bool]:
    return _listed_or_default(
        exists()
        .where(
            ProjectConsultation.consultation_id == consultation_id,
            ProjectConsultation.project_id == project_id,
        )
        .correlate_except(ProjectConsultation),
        ~exists()
        .where(ProjectConsultation.consultation_id == consultation_id)
        .correlate_except(ProjectConsultation),
        is_default,
    )


@dataclass(frozen=True)
class ProjectScope:
    """Predicates restricting each kind of activity to one project (None: no restriction)."""

    project_id: uuid.UUID | None
    is_default: bool = False

    def services(self, service_code: Column) -> ColumnElement[bool]:
        if self.project_id is None:
            return true()
        return services_in(self.project_id, self.is_default, service_code)

    def group_runs(self, run_id: Column) -> ColumnElement[bool]:
        if self.project_id is None:
            return true()
        return group_runs_in(self.project_id, self.is_default, run_id)

    def events(self, event_id: Column) -> ColumnElement[bool]:
        if self.project_id is None:
            return true()
        return events_in(self.project_id, self.is_default, event_id)

    def trainings(self, training_id: Column) -> ColumnElement[bool]:
        if self.project_id is None:
            return true()
        return trainings_in(self.project_id, self.is_default, training_id)

    def consultations(self, consultation_id: Column) -> ColumnElement[bool]:
        if self.project_id is None:
            return true()
        return consultations_in(self.project_id, self.is_default, consultation_id)


def project_scope(project_id: uuid.UUID | None) -> ProjectScope:
    """The scope of one project (NotFound if there is none), or of everything for None."""
    if project_id is None:
        return ProjectScope(None)
    is_default = db.session.scalar(select(Project.is_default).where(Project.id == project_id))
    if is_default is None:
        raise NotFound("no such project")
    return ProjectScope(project_id, bool(is_default))


class ActivityKind(enum.StrEnum):
    SERVICE = "service"
    GROUP_RUN = "group_run"
    EVENT = "event"
    TRAINING = "training"
    CONSULTATION = "consultation"


def attributions(kind: ActivityKind) -> Select[tuple[Any, uuid.UUID]]:
    """Every (activity key, project id) pair of one kind, the default project included: join
    it for a breakdown by project. Keys: service code, or the run's, event's, training's or
    consultation's id; the columns are named `key` and `project_id`."""
    table, key, predicate = _ATTRIBUTED[kind]
    return (
        select(key.label("key"), Project.id.label("project_id"))
        .select_from(table)
        .join(Project, predicate(Project.id, Project.is_default, key))
    )


_ATTRIBUTED: dict[ActivityKind, tuple[Any, Any, Any]] = {
    ActivityKind.SERVICE: (Service, Service.code, services_in),
    ActivityKind.GROUP_RUN: (GroupRun, GroupRun.id, group_runs_in),
    ActivityKind.EVENT: (PublicEvent, PublicEvent.id, events_in),
    ActivityKind.TRAINING: (Training, Training.id, trainings_in),
    ActivityKind.CONSULTATION: (
        InformationConsultation,
        InformationConsultation.id,
        consultations_in,
    ),
}


def default_project_id() -> uuid.UUID:
    """The project that counts everything attributed nowhere (created by the migration)."""
    found = db.session.scalar(select(Project.id).where(Project.is_default.is_(True)))
    if found is None:
        raise NotFound("no default project; run the migrations")
    return found


__all__ = [
    "ActivityKind",
    "ProjectScope",
    "attributions",
    "consultations_in",
    "default_project_id",
    "events_in",
    "group_runs_in",
    "project_scope",
    "services_in",
    "trainings_in",
]
