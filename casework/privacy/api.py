"""REST routes for GDPR requests about a client: export and erasure."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import ReasonSchema, current_staff
from casework.auth.fresh import require_fresh_sign_in
from casework.clients.schemas import ClientSchema
from casework.privacy import jobs, services
from casework.privacy.schemas import ExportJobSchema, ExportSchema

blp = Blueprint(
    "privacy", __name__, url_prefix="/api/v1", description="GDPR requests: export and erasure"
)


@blp.route("/clients/<uuid:client_id>/export")
class ClientExport(MethodView):
    @require_fresh_sign_in
    @blp.arguments(ReasonSchema)
    @blp.response(200, ExportSchema)
    def post(self, data: dict[str, Any], client_id: uuid.UUID) -> Any:
        """Everything held about the client (supervisor or administrator; audited). Needs a
        browser session confirmed in the last 5 minutes: a personal API token is refused."""
        return {"data": services.export_client(current_staff(), client_id, reason=data["reason"])}


@blp.route("/clients/<uuid:client_id>/export-job")
class ClientExportJob(MethodView):
    @require_fresh_sign_in
    @blp.arguments(ReasonSchema)
    @blp.response(202, ExportJobSchema)
    def post(self, data: dict[str, Any], client_id: uuid.UUID) -> Any:
        """Start the export of everything held about the client as a background job (for a
        client with years of records); its page shows the progress, then the JSON file, kept
        encrypted under the client's key and removed after a day. Same access as the export."""
        job = jobs.start_export(current_staff(), client_id, reason=data["reason"])
        return {"job": job.id, "page": url_for("job_pages.show", job_id=job.id)}


@blp.route("/clients/<uuid:client_id>/erasure")
class ClientErasure(MethodView):
    @require_fresh_sign_in
    @blp.arguments(ReasonSchema)
    @blp.response(200, ClientSchema)
    def post(self, data: dict[str, Any], client_id: uuid.UUID) -> Any:
        """Erase the client by destroying their data key (supervisor or administrator; audited).
        Needs a browser session confirmed in the last 5 minutes: a personal API token is refused."""
        return services.erase_client(current_staff(), client_id, reason=data["reason"])
