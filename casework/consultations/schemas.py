"""Information consultation and topic shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema
from casework.clients.models import Gender, MigrationReason
from casework.consultations.models import AgeGroup, Channel
from casework.consultations.services import MAX_DURATION_MINUTES

LANGUAGE = validate.Regexp(r"^[a-zA-Z]{2,3}$", error="an ISO 639-1 code such as pl, uk or en")
COUNTRY = validate.Regexp(r"^[a-zA-Z]{2}$", error="an ISO 3166-1 alpha-2 code such as UA")
CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$", error="lower-case letters, digits and _")


class ConsultationInSchema(ma.Schema):
    consulted_on = fields.Date(required=True)
    channel = fields.Enum(Channel, by_value=True, required=True)
    language = fields.String(required=True, validate=LANGUAGE)
    topic_codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        required=True,
        validate=validate.Length(min=1, max=11),
    )
    duration_minutes = fields.Integer(
        required=True, validate=validate.Range(1, MAX_DURATION_MINUTES)
    )
    client_id = fields.UUID(allow_none=True)
    gender = fields.Enum(Gender, by_value=True, allow_none=True)
    age_group = fields.Enum(AgeGroup, by_value=True, allow_none=True)
    nationality = fields.String(allow_none=True, validate=COUNTRY)
    migration_reason = fields.Enum(MigrationReason, by_value=True, allow_none=True)
    visitor_document = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Hashed with a key into the visitor token; never stored"},
    )
    visitor_phone = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "Hashed with a key into the visitor token; never stored"},
    )


class ConsultationSchema(ma.Schema):
    id = fields.UUID()
    consulted_on = fields.Date()
    channel = fields.Enum(Channel, by_value=True)
    language = fields.String()
    topic_codes = fields.List(fields.String())
    duration_minutes = fields.Integer()
    consultant_id = fields.UUID()
    client_id = fields.UUID(allow_none=True)
    gender = fields.Enum(Gender, by_value=True, allow_none=True)
    age_group = fields.Enum(AgeGroup, by_value=True, allow_none=True)
    nationality = fields.String(allow_none=True)
    migration_reason = fields.Enum(MigrationReason, by_value=True, allow_none=True)
    #: Whether a returning-visitor token was recorded; the token itself is not shown.
    has_visitor_token = fields.Boolean(attribute="is_returning_visitor_known")
    created_at = fields.DateTime()


class ConsultationFilterSchema(ma.Schema):
    consulted_from = fields.Date()
    consulted_to = fields.Date()
    channel = fields.Enum(Channel, by_value=True)
    language = fields.String(validate=LANGUAGE)
    topic_code = fields.String(validate=validate.Length(max=60))
    consultant_id = fields.UUID()
    linked = fields.Boolean()


class ConsultationListArgsSchema(ConsultationFilterSchema, PageArgsSchema):
    pass


class ConsultationSummarySchema(ma.Schema):
    total = fields.Integer()
    linked_to_client = fields.Integer()
    anonymous = fields.Integer()
    distinct_visitor_tokens = fields.Integer()
    returning_visitors = fields.Integer()
    minutes = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_language = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_topic = fields.Dict(keys=fields.String(), values=fields.Integer())


class TopicSchema(ma.Schema):
    code = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())
    position = fields.Integer()
    is_active = fields.Boolean()


class TopicInSchema(ma.Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.Dict(
        keys=fields.String(validate=LANGUAGE),
        values=fields.String(validate=validate.Length(min=1, max=120)),
        required=True,
    )
    position = fields.Integer(load_default=0, validate=validate.Range(0, 1000))
    is_active = fields.Boolean(load_default=True)


class TopicArgsSchema(ma.Schema):
    include_retired = fields.Boolean(load_default=False)
