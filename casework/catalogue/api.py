"""REST routes for the service catalogue and the instruments."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from casework.api.schemas import current_staff
from casework.catalogue import services
from casework.catalogue.library import library
from casework.catalogue.models import CAPACITY_CEILING, ServiceKind

blp = Blueprint("catalogue", __name__, url_prefix="/api/v1", description="Services and instruments")


class ServiceSchema(ma.Schema):
    code = fields.String()
    kind = fields.Enum(ServiceKind, by_value=True)
    name = fields.Dict(keys=fields.String(), values=fields.String())
    is_active = fields.Boolean()
    completion_attendance_percent = fields.Integer(allow_none=True)
    max_capacity = fields.Integer(allow_none=True)
    default_capacity = fields.Integer(allow_none=True)


class GroupSettingsSchema(ma.Schema):
    """All three are set together; null: no automatic completion, the centre-wide limit, none."""

    completion_attendance_percent = fields.Integer(
        required=True, allow_none=True, validate=validate.Range(1, 100)
    )
    max_capacity = fields.Integer(
        required=True, allow_none=True, validate=validate.Range(1, CAPACITY_CEILING)
    )
    default_capacity = fields.Integer(
        required=True, allow_none=True, validate=validate.Range(1, CAPACITY_CEILING)
    )


class InstrumentSchema(ma.Schema):
    id = fields.String()
    version = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    languages = fields.List(fields.String())


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
