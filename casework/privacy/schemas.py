"""GDPR request and response shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


class ExportSchema(ma.Schema):
    data = fields.Dict(metadata={"description": "Everything held about the client"})


class ExportJobSchema(ma.Schema):
    job = fields.UUID(metadata={"description": "The export job"})
    page = fields.String(metadata={"description": "The job's page: progress, then the file"})
