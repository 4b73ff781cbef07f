"""Project, target and attribution shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema, VersionSchema, text
from casework.projects.scope import ActivityKind

#: An amount with at most two decimals, sent as a string so no precision is lost in JSON.
AMOUNT = r"^\d{1,12}(\.\d{1,2})?$"


def _amount(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(AMOUNT, error="an amount like 1200 or 1200.50"), **kwargs
    )


class _Amounts(ma.Schema):
    """Turns the amount strings into Decimals after validation."""

    AMOUNT_FIELDS: tuple[str, ...] = ("budget",)

    @ma.post_load
    def _decimals(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for name in self.AMOUNT_FIELDS:
            if data.get(name) is not None:
                data[name] = Decimal(data[name])
        return data


class ProjectInSchema(_Amounts):
    name = text(200, required=True)
    funder = text(200, allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)
    budget = _amount(allow_none=True)
    notes = text(5000, allow_none=True)


class ProjectUpdateSchema(VersionSchema, _Amounts):
    name = text(200)
    funder = text(200, allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    budget = _amount(allow_none=True)
    notes = text(5000, allow_none=True)


class ProjectSchema(ma.Schema):
    id = fields.UUID()
    name = fields.String()
    funder = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    budget = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    is_default = fields.Boolean()
    version = fields.Integer()


class TargetSchema(_Amounts):
    AMOUNT_FIELDS = ("target_value",)

    indicator_key = fields.String(required=True, validate=validate.Length(min=3, max=120))
    #: null removes the target.
    target_value = _amount(required=True, allow_none=True)


class TargetsInSchema(ma.Schema):
    targets = fields.List(
        fields.Nested(TargetSchema), required=True, validate=validate.Length(min=1, max=200)
    )


class ProjectDetailSchema(ma.Schema):
    id = fields.UUID(attribute="project.id")
    name = fields.String(attribute="project.name")
    funder = fields.String(attribute="project.funder", allow_none=True)
    starts_on = fields.Date(attribute="project.starts_on")
    ends_on = fields.Date(attribute="project.ends_on", allow_none=True)
    budget = fields.String(attribute="project.budget", allow_none=True)
    notes = fields.String(attribute="project.notes", allow_none=True)
    is_default = fields.Boolean(attribute="project.is_default")
    version = fields.Integer(attribute="project.version")
    targets = fields.List(fields.Nested(TargetSchema))
    service_codes = fields.List(fields.String())
    run_ids = fields.List(fields.UUID())
    event_ids = fields.List(fields.UUID())
    training_ids = fields.List(fields.UUID())
    consultation_count = fields.Integer()


class ProjectArgsSchema(PageArgsSchema):
    active_on = fields.Date()


class AttributionInSchema(ma.Schema):
    kind = fields.Enum(ActivityKind, by_value=True, required=True)
    #: Service codes, or the ids of group runs, events, trainings or consultations.
    add = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        load_default=list,
        validate=validate.Length(max=500),
    )
    remove = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        load_default=list,
        validate=validate.Length(max=500),
    )


class ConsultationPeriodInSchema(ma.Schema):
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)


class AttributedCountSchema(ma.Schema):
    added = fields.Integer()
