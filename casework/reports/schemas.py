"""Report request and response shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.suppression import DEFAULT_THRESHOLD


class ReportArgsSchema(ma.Schema):
    """The period (inclusive dates), an optional project and team, and what to show."""

    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    project = fields.UUID()
    team = fields.UUID()
    breakdown = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        metadata={"description": "Only these breakdowns (repeat the parameter); default all"},
    )
    publication = fields.Boolean(
        load_default=False,
        metadata={"description": "Suppress small cells (counts below `threshold`) for publication"},
    )
    threshold = fields.Integer(load_default=DEFAULT_THRESHOLD, validate=validate.Range(2, 100))


class ReportSummarySchema(ma.Schema):
    key = fields.String()
    title = fields.String()
    description = fields.String()
    breakdowns = fields.List(fields.String())
    indicators = fields.List(fields.String())


class ReportDataSchema(ma.Schema):
    """A computed report: sections of indicators, totals and breakdowns (docs/reports.md)."""

    report = fields.String()
    title = fields.String()
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    project = fields.String(allow_none=True)
    project_name = fields.String(allow_none=True)
    teams = fields.List(fields.String())
    suppression_threshold = fields.Integer(allow_none=True)
    sections = fields.List(fields.Dict())
