"""Case search request shape."""

from __future__ import annotations

from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema
from casework.cases.models import CaseState


class CaseSearchSchema(PageArgsSchema):
    state = fields.Enum(CaseState, by_value=True)
    case_manager_id = fields.UUID()
    practitioner_id = fields.UUID()
    level = fields.String(validate=validate.Length(max=30))
    service_code = fields.String(validate=validate.Length(max=60))
    opened_from = fields.AwareDateTime()
    opened_to = fields.AwareDateTime()
    client_id = fields.UUID()
