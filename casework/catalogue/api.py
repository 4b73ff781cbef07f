"""REST routes for the service catalogue and the instruments."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from casework.catalogue import services
from casework.catalogue.library import library
from casework.catalogue.models import ServiceKind

blp = Blueprint("catalogue", __name__, url_prefix="/api/v1", description="Services and instruments")


class ServiceSchema(ma.Schema):
    code = fields.String()
    kind = fields.Enum(ServiceKind, by_value=True)
    name = fields.Dict(keys=fields.String(), values=fields.String())
    is_active = fields.Boolean()


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


@blp.route("/instruments")
class Instruments(MethodView):
    @blp.response(200, InstrumentSchema(many=True))
    def get(self) -> Any:
        """The newest version of each instrument."""
        return library().newest()
