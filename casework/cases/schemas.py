"""Case request and response shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import VersionSchema, text
from casework.cases.models import (
    CaseKind,
    CaseState,
    ClosureOutcome,
    ParticipantRole,
    ReferralSource,
)


class ParticipantSchema(ma.Schema):
    client_id = fields.UUID(required=True)
    role = fields.Enum(ParticipantRole, by_value=True, required=True)


class CaseInSchema(ma.Schema):
    kind = fields.Enum(CaseKind, by_value=True, required=True)
    participants = fields.List(
        fields.Nested(ParticipantSchema), required=True, validate=validate.Length(min=1, max=12)
    )
    referral_source = fields.Enum(ReferralSource, by_value=True, required=True)
    children_in_household = fields.Boolean(load_default=False)
    case_manager_id = fields.UUID(allow_none=True)


class CaseSchema(ma.Schema):
    id = fields.UUID()
    reference = fields.String()
    kind = fields.Enum(CaseKind, by_value=True)
    state = fields.Enum(CaseState, by_value=True)
    case_manager_id = fields.UUID(allow_none=True)
    team_id = fields.UUID(allow_none=True)
    referral_source = fields.Enum(ReferralSource, by_value=True)
    primary_client_id = fields.UUID()
    children_in_household = fields.Boolean()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    closure_outcome = fields.Enum(ClosureOutcome, by_value=True, allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema))
    version = fields.Integer()


class CaseDetailSchema(CaseSchema):
    closure_reason = fields.String(allow_none=True)


class MoveSchema(VersionSchema):
    to = fields.Enum(CaseState, by_value=True, required=True)
    reason = text(2000, allow_none=True)


class ClosureSchema(VersionSchema):
    outcome = fields.Enum(ClosureOutcome, by_value=True, required=True)
    reason = text(2000, required=True)


class ReopenSchema(VersionSchema):
    reason = text(2000, required=True)


class AssignmentSchema(VersionSchema):
    case_manager_id = fields.UUID(required=True)


class NewParticipantSchema(ParticipantSchema, VersionSchema):
    pass


class BreakGlassInSchema(ma.Schema):
    reason = fields.String(required=True, validate=validate.Length(min=10, max=2000))


class BreakGlassSchema(ma.Schema):
    id = fields.UUID()
    user_id = fields.UUID()
    case_id = fields.UUID()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    reason = fields.String(allow_none=True)


class StateChangeSchema(ma.Schema):
    from_state = fields.Enum(CaseState, by_value=True, allow_none=True)
    to_state = fields.Enum(CaseState, by_value=True)
    changed_at = fields.DateTime()
    changed_by_id = fields.UUID(allow_none=True)
    reason = fields.String(allow_none=True)
