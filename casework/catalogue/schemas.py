"""API shapes of the service catalogue and the instruments (parsing only)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.catalogue.models import CAPACITY_CEILING, ServiceKind


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
