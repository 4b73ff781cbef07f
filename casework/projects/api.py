"""REST routes for projects: the list, one project, its targets and what is attributed to it."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.projects import services
from casework.projects.schemas import (
    AttributedCountSchema,
    AttributionInSchema,
    ConsultationPeriodInSchema,
    ProjectArgsSchema,
    ProjectDetailSchema,
    ProjectInSchema,
    ProjectSchema,
    ProjectUpdateSchema,
    TargetsInSchema,
)

blp = Blueprint(
    "projects", __name__, url_prefix="/api/v1", description="Projects, targets and attribution"
)


@blp.route("/projects")
class Projects(MethodView):
    @blp.arguments(ProjectArgsSchema, location="query")
    @blp.response(200, page_of(ProjectSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Projects, the latest to start first (administrators, coordinators, supervisors)."""
        return page_response(services.list_projects(current_staff(), **args))

    @blp.arguments(ProjectInSchema)
    @blp.response(201, ProjectDetailSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """A new project (administrators and coordinators)."""
        user = current_staff()
        project = services.create_project(user, **data)
        return services.get_project(user, project.id)


@blp.route("/projects/<uuid:project_id>")
class ProjectById(MethodView):
    @blp.response(200, ProjectDetailSchema)
    def get(self, project_id: uuid.UUID) -> Any:
        return services.get_project(current_staff(), project_id)

    @blp.arguments(ProjectUpdateSchema)
    @blp.response(200, ProjectDetailSchema)
    def patch(self, data: dict[str, Any], project_id: uuid.UUID) -> Any:
        """Change facts; omitted ones stay, null clears an optional one."""
        user = current_staff()
        version = data.pop("version")
        services.update_project(user, project_id, expected_version=version, **data)
        return services.get_project(user, project_id)


@blp.route("/projects/<uuid:project_id>/targets")
class ProjectTargets(MethodView):
    @blp.arguments(TargetsInSchema)
    @blp.response(200, ProjectDetailSchema)
    def put(self, data: dict[str, Any], project_id: uuid.UUID) -> Any:
        """Set targets per indicator ('<report>.<indicator>'); a null value removes one."""
        user = current_staff()
        targets = {t["indicator_key"]: t["target_value"] for t in data["targets"]}
        services.set_targets(user, project_id, targets)
        return services.get_project(user, project_id)


@blp.route("/projects/<uuid:project_id>/attribution")
class ProjectAttribution(MethodView):
    @blp.arguments(AttributionInSchema)
    @blp.response(200, ProjectDetailSchema)
    def post(self, data: dict[str, Any], project_id: uuid.UUID) -> Any:
        """Attribute services, group runs, events, trainings or consultations, or take them off."""
        return services.attribute(current_staff(), project_id, **data)


@blp.route("/projects/<uuid:project_id>/consultations")
class ProjectConsultations(MethodView):
    @blp.arguments(ConsultationPeriodInSchema)
    @blp.response(200, AttributedCountSchema)
    def post(self, data: dict[str, Any], project_id: uuid.UUID) -> Any:
        """Attribute every information consultation held in the dates (both included)."""
        added = services.attribute_consultations_between(current_staff(), project_id, **data)
        return {"added": added}
