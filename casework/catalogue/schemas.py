"""API shapes of the service catalogue and the instruments (parsing only)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from casework.catalogue.models import ServiceKind


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
