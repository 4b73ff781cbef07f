"""REST routes for the service catalogue and the instruments."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff
from casework.catalogue import services
from casework.catalogue.library import library
from casework.catalogue.schemas import GroupSettingsSchema, InstrumentSchema, ServiceSchema

blp = Blueprint("catalogue", __name__, url_prefix="/api/v1", description="Services and instruments")


@blp.route("/services")
class Services(MethodView):
    @blp.response(200, ServiceSchema(many=True))
    def get(self) -> Any:
        """The services the centre offers."""
        return services.list_services()


@blp.route("/services/<code>/group-settings")
class ServiceGroupSettings(MethodView):
    @blp.arguments(GroupSettingsSchema)
    @blp.response(200, ServiceSchema)
    def put(self, data: dict[str, Any], code: str) -> Any:
        """Attendance threshold for completion and seat limits of a group service (admins)."""
        return services.set_group_settings(current_staff(), code, **data)


@blp.route("/instruments")
class Instruments(MethodView):
    @blp.response(200, InstrumentSchema(many=True))
    def get(self) -> Any:
        """The newest version of each instrument."""
        return library().newest()
