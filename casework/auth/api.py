"""REST routes for one's personal API tokens."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from casework.api.schemas import current_staff
from casework.auth import services

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="Personal API tokens")


class TokenInSchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class TokenSchema(ma.Schema):
    id = fields.UUID()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown this once; store it safely"})


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self) -> Any:
        """Your tokens (never their values)."""
        return services.list_api_tokens(current_staff())

    @blp.arguments(TokenInSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a token; its value is in this response only."""
        token, plaintext = services.create_api_token(current_staff(), name=data["name"])
        return {
            **{
                f: getattr(token, f)
                for f in ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
            },
            "token": plaintext,
        }


@blp.route("/tokens/<uuid:token_id>")
class TokenById(MethodView):
    @blp.response(200, TokenSchema)
    def delete(self, token_id: uuid.UUID) -> Any:
        """Revoke one of your tokens."""
        return services.revoke_api_token(current_staff(), token_id)
