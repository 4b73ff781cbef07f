"""Assessment and recommendation shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import VersionSchema, text
from casework.case_assessments.models import AssessmentState, Decision, RecommendationKind


class ContextArgsSchema(ma.Schema):
    context = fields.String(
        load_default="joint",
        validate=validate.OneOf(["joint", "individual"]),
        metadata={"description": "joint (default) hides participants' individual disclosures"},
    )


class AssessmentInSchema(ma.Schema):
    instrument_id = fields.String(required=True, validate=validate.Length(min=1, max=60))
    client_id = fields.UUID(required=True)
    participant_ids = fields.List(
        fields.UUID(), load_default=list, validate=validate.Length(max=12)
    )
    is_individual = fields.Boolean(load_default=False)
    is_closing = fields.Boolean(load_default=False)


class AssessmentSchema(ma.Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    client_id = fields.UUID()
    instrument_id = fields.String()
    instrument_version = fields.String()
    state = fields.Enum(AssessmentState, by_value=True)
    is_individual = fields.Boolean()
    is_closing = fields.Boolean()
    level = fields.String(allow_none=True)
    started_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class AssessmentDetailSchema(AssessmentSchema):
    facts = fields.Dict()
    answers = fields.Dict(allow_none=True)
    result = fields.Dict(allow_none=True)
    routing = fields.Dict(allow_none=True)


class AnswersSchema(VersionSchema):
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=80)),
        values=fields.Raw(allow_none=True),
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "item id -> option code, number or text; null clears an answer"},
    )


class RescoreSchema(ma.Schema):
    is_same = fields.Boolean()
    stored = fields.Dict()
    recomputed = fields.Dict()


class ComparisonArgsSchema(ma.Schema):
    instrument_id = fields.String(required=True, validate=validate.Length(min=1, max=60))
    client_id = fields.UUID(required=True)


class ScaleChangeSchema(ma.Schema):
    scale_id = fields.String()
    first = fields.Raw(allow_none=True)
    closing = fields.Raw(allow_none=True)
    first_band = fields.String(allow_none=True)
    closing_band = fields.String(allow_none=True)


class ComparisonSchema(ma.Schema):
    level_first = fields.String(allow_none=True)
    level_closing = fields.String(allow_none=True)
    scales = fields.List(fields.Nested(ScaleChangeSchema))


class RecommendationSchema(ma.Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    assessment_id = fields.UUID(allow_none=True)
    service_code = fields.String()
    kind = fields.Enum(RecommendationKind, by_value=True)
    is_individual = fields.Boolean()
    rule_id = fields.String(allow_none=True)
    priority = fields.Integer()
    rule_reason = fields.Dict(keys=fields.String(), values=fields.String())
    decision = fields.Enum(Decision, by_value=True)
    decision_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    confirmed_by_id = fields.UUID(allow_none=True)
    version = fields.Integer()


class RecommendationInSchema(ma.Schema):
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=60))
    reason = text(2000, required=True)


class DecisionSchema(VersionSchema):
    accept = fields.Boolean(required=True)
    reason = text(2000, required=True)


class ConfirmationSchema(VersionSchema):
    confirm = fields.Boolean(required=True)
    reason = text(2000, required=True)
