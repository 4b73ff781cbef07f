"""REST routes for supervision records and their agreed actions."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.supervision import services
from casework.supervision.schemas import (
    ActionInSchema,
    ActionSchema,
    SupervisionArgsSchema,
    SupervisionInSchema,
    SupervisionSchema,
    SupervisionSummarySchema,
)

blp = Blueprint("supervision", __name__, url_prefix="/api/v1", description="Supervision records")


@blp.route("/supervision-records")
class SupervisionRecords(MethodView):
    @blp.arguments(SupervisionArgsSchema, location="query")
    @blp.response(200, page_of(SupervisionSummarySchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Records you wrote, are the subject of, or supervise the team of; without the notes."""
        return page_response(services.list_records(current_staff(), **args))

    @blp.arguments(SupervisionInSchema)
    @blp.response(201, SupervisionSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Record a supervision of a practitioner of your team (notes are encrypted)."""
        actions = [services.NewAction(**a) for a in data.pop("actions")]
        return services.create_record(current_staff(), actions=actions, **data)


@blp.route("/supervision-records/<uuid:record_id>")
class SupervisionRecordById(MethodView):
    @blp.response(200, SupervisionSchema)
    def get(self, record_id: uuid.UUID) -> Any:
        """One record with its notes and actions (the read is audited)."""
        return services.read_record(current_staff(), record_id)


@blp.route("/supervision-records/<uuid:record_id>/actions")
class SupervisionActions(MethodView):
    @blp.arguments(ActionInSchema)
    @blp.response(201, ActionSchema)
    def post(self, data: dict[str, Any], record_id: uuid.UUID) -> Any:
        return services.add_action(current_staff(), record_id, services.NewAction(**data))


@blp.route("/agreed-actions/<uuid:action_id>/completion")
class ActionCompletion(MethodView):
    @blp.response(200, ActionSchema)
    def post(self, action_id: uuid.UUID) -> Any:
        """Mark an agreed action done (the practitioner or a supervisor)."""
        return services.complete_action(current_staff(), action_id)
