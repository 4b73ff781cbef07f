"""API shapes of personal API tokens (parsing only)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


class TokenInSchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    expires_in_days = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Lifetime in days; default and at most the configured maximum"},
    )


class TokenSchema(ma.Schema):
    id = fields.UUID()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown this once; store it safely"})
