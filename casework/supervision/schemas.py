"""Supervision record and agreed action shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema, text


class ActionInSchema(ma.Schema):
    description = text(2000, required=True)
    due_on = fields.Date(required=True)


class ActionSchema(ma.Schema):
    id = fields.UUID()
    record_id = fields.UUID()
    description = fields.String(allow_none=True)
    due_on = fields.Date()
    done_at = fields.DateTime(allow_none=True)


class ActionSummarySchema(ma.Schema):
    """An action in a list: due date and state, not its text (read the record for that)."""

    id = fields.UUID()
    due_on = fields.Date()
    done_at = fields.DateTime(allow_none=True)


class SupervisionInSchema(ma.Schema):
    practitioner_id = fields.UUID(required=True)
    held_on = fields.Date(required=True)
    notes = text(50_000, required=True)
    case_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=100))
    actions = fields.List(
        fields.Nested(ActionInSchema), load_default=list, validate=validate.Length(max=50)
    )


class SupervisionSummarySchema(ma.Schema):
    id = fields.UUID()
    supervisor_id = fields.UUID()
    practitioner_id = fields.UUID()
    held_on = fields.Date()
    case_ids = fields.List(fields.UUID())
    actions = fields.List(fields.Nested(ActionSummarySchema))
    created_at = fields.DateTime()
    version = fields.Integer()


class SupervisionSchema(SupervisionSummarySchema):
    notes = fields.String(allow_none=True)
    actions = fields.List(fields.Nested(ActionSchema))


class SupervisionArgsSchema(PageArgsSchema):
    practitioner_id = fields.UUID()
    held_from = fields.Date()
    held_to = fields.Date()
