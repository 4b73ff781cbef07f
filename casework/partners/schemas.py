"""Partner institution, training and event shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema, text
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType


class InstitutionInSchema(ma.Schema):
    name = text(200, required=True)
    kind = fields.Enum(InstitutionKind, by_value=True, required=True)
    city = text(120, allow_none=True)


class InstitutionSchema(ma.Schema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.Enum(InstitutionKind, by_value=True)
    city = fields.String(allow_none=True)


class InstitutionArgsSchema(PageArgsSchema):
    kind = fields.Enum(InstitutionKind, by_value=True)


class HeadcountSchema(ma.Schema):
    institution_id = fields.UUID(required=True)
    professional_type = fields.Enum(ProfessionalType, by_value=True, required=True)
    headcount = fields.Integer(required=True, validate=validate.Range(1, 10_000))


class HeadcountListSchema(ma.Schema):
    participants = fields.List(
        fields.Nested(HeadcountSchema), required=True, validate=validate.Length(min=1, max=200)
    )


class TrainingInSchema(ma.Schema):
    title = text(200, required=True)
    held_on = fields.Date(required=True)
    hours = fields.Integer(allow_none=True, validate=validate.Range(1, 1000))
    participants = fields.List(
        fields.Nested(HeadcountSchema), load_default=list, validate=validate.Length(max=200)
    )


class TrainingSchema(ma.Schema):
    id = fields.UUID()
    title = fields.String()
    held_on = fields.Date()
    hours = fields.Integer(allow_none=True)


class TrainingDetailSchema(TrainingSchema):
    participants = fields.List(fields.Nested(HeadcountSchema))


class DateRangeArgsSchema(ma.Schema):
    held_from = fields.Date()
    held_to = fields.Date()


class TrainingArgsSchema(DateRangeArgsSchema, PageArgsSchema):
    pass


class TrainedSchema(ma.Schema):
    institution_id = fields.UUID()
    institution_name = fields.String()
    professional_type = fields.Enum(ProfessionalType, by_value=True)
    professionals = fields.Integer()
    trainings = fields.Integer()


class EventInSchema(ma.Schema):
    title = text(200, required=True)
    kind = fields.Enum(EventKind, by_value=True, required=True)
    held_on = fields.Date(required=True)
    headcount = fields.Integer(required=True, validate=validate.Range(0, 1_000_000))
    place = text(120, allow_none=True)
    online = fields.Boolean(load_default=False)
    partner_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))
    reach = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,3}$")),
        values=fields.Integer(validate=validate.Range(1, 1_000_000)),
        load_default=dict,
        metadata={
            "description": "people reached per language code, where known (at most the total)"
        },
    )


class EventSchema(ma.Schema):
    id = fields.UUID()
    title = fields.String()
    kind = fields.Enum(EventKind, by_value=True)
    held_on = fields.Date()
    headcount = fields.Integer()
    place = fields.String(allow_none=True)
    online = fields.Boolean()
    partner_ids = fields.Function(lambda event: [str(p.id) for p in event.partners])
    reach = fields.Function(lambda event: {r.language: r.headcount for r in event.reach})


class EventArgsSchema(TrainingArgsSchema):
    kind = fields.Enum(EventKind, by_value=True)
