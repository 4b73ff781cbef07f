"""Caseload review shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema
from casework.case_assessments.services.levels import SEVERITY
from casework.caseload.services import FIGURES, UNASSESSED
from casework.cases.models import CaseState


class ReviewArgsSchema(ma.Schema):
    team_id = fields.UUID()
    no_contact_days = fields.Integer(load_default=30, validate=validate.Range(1, 3650))
    reassessment_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))


class ManagerRowSchema(ma.Schema):
    case_manager_id = fields.UUID(allow_none=True)
    state = fields.Enum(CaseState, by_value=True)
    level = fields.String()
    cases = fields.Integer()


class PractitionerRowSchema(ma.Schema):
    practitioner_id = fields.UUID()
    state = fields.Enum(CaseState, by_value=True)
    level = fields.String()
    cases = fields.Integer()


class NoContactSchema(ma.Schema):
    case_id = fields.UUID()
    reference = fields.String()
    case_manager_id = fields.UUID(allow_none=True)
    practitioner_ids = fields.List(fields.UUID())
    level = fields.String()
    last_contact_at = fields.DateTime(allow_none=True)
    #: Since the last attended appointment, or since the case was opened if there was none.
    days_without_contact = fields.Integer()


class OverdueSchema(ma.Schema):
    case_id = fields.UUID()
    reference = fields.String()
    case_manager_id = fields.UUID(allow_none=True)
    last_assessed_at = fields.DateTime(allow_none=True)


class WaitlistSchema(ma.Schema):
    group_run_id = fields.UUID()
    name = fields.String()
    capacity = fields.Integer()
    active = fields.Integer()
    waitlisted = fields.Integer()


class ReviewSchema(ma.Schema):
    team_ids = fields.List(fields.UUID())
    no_contact_days = fields.Integer()
    reassessment_days = fields.Integer()
    by_case_manager = fields.List(fields.Nested(ManagerRowSchema))
    by_practitioner = fields.List(fields.Nested(PractitionerRowSchema))
    #: The first cases of the list (`/caseload-review/cases?figure=without_contact` has them all).
    high_risk_without_contact = fields.List(fields.Nested(NoContactSchema))
    high_risk_without_contact_count = fields.Integer()
    overdue_reassessments = fields.List(fields.Nested(OverdueSchema))
    overdue_reassessments_count = fields.Integer()
    waitlists = fields.List(fields.Nested(WaitlistSchema))


class FigureArgsSchema(ReviewArgsSchema, PageArgsSchema):
    """Which figure's cases: a worker's, in a state or a level, or a list of the review."""

    case_manager_id = fields.UUID()
    practitioner_id = fields.UUID()
    state = fields.Enum(CaseState, by_value=True)
    level = fields.String(validate=validate.OneOf([*SEVERITY, UNASSESSED]))
    figure = fields.String(validate=validate.OneOf(FIGURES))


class FigureCaseSchema(ma.Schema):
    case_id = fields.UUID()
    reference = fields.String()
    state = fields.Enum(CaseState, by_value=True)
    case_manager_id = fields.UUID(allow_none=True)
    practitioner_ids = fields.List(fields.UUID())
    level = fields.String()
    last_contact_at = fields.DateTime(allow_none=True)
    last_assessed_at = fields.DateTime(allow_none=True)
