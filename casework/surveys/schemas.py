"""Survey response shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema

CODE = validate.Length(min=1, max=60)


class SurveyResponseInSchema(ma.Schema):
    instrument_id = fields.String(load_default="satisfaction", validate=CODE)
    service_code = fields.String(allow_none=True, validate=CODE)
    group_run_id = fields.UUID(allow_none=True)
    consultation_id = fields.UUID(allow_none=True)
    language = fields.String(required=True, validate=validate.Length(min=2, max=8))
    answers = fields.Dict(
        keys=fields.String(validate=CODE),
        values=fields.Raw(allow_none=True),
        required=True,
        validate=validate.Length(max=100),
    )


class SurveyResponseSchema(ma.Schema):
    id = fields.UUID()
    instrument_id = fields.String()
    instrument_version = fields.String()
    service_code = fields.String()
    group_run_id = fields.UUID(allow_none=True)
    channel = fields.String()
    language = fields.String()
    answers = fields.Dict()
    score = fields.Float(allow_none=True)
    level = fields.String(allow_none=True)
    submitted_at = fields.DateTime()


class SurveyLinkInSchema(ma.Schema):
    service_code = fields.String(allow_none=True, validate=CODE)
    group_run_id = fields.UUID(allow_none=True)
    language = fields.String(allow_none=True, validate=validate.Length(min=2, max=8))


class SurveyLinkSchema(ma.Schema):
    """A one-time link: shown once, only its hash is kept."""

    url = fields.String()
    service_code = fields.String()
    group_run_id = fields.UUID(allow_none=True)
    language = fields.String(allow_none=True)
    expires_at = fields.DateTime()


class SurveyWindowSchema(ma.Schema):
    instrument_id = fields.String(validate=CODE)
    submitted_from = fields.AwareDateTime()
    submitted_before = fields.AwareDateTime()


class SurveyListArgsSchema(SurveyWindowSchema, PageArgsSchema):
    service_code = fields.String(validate=CODE)


class SurveySummarySchema(ma.Schema):
    service_code = fields.String()
    responses = fields.Integer()
    mean_score = fields.Float(allow_none=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer())
    #: Per item: how many answered it, and each option's share of them in per cent.
    items = fields.Dict(keys=fields.String(), values=fields.Dict())
