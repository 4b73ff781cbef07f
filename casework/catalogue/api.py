"""REST routes for the service catalogue and the instruments."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.catalogue import services
from casework.catalogue.library import library
from casework.catalogue.schemas import InstrumentSchema, ServiceSchema

blp = Blueprint("catalogue", __name__, url_prefix="/api/v1", description="Services and instruments")


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
