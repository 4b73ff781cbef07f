"""REST routes for one's personal API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import PageArgsSchema, current_staff, page_of, page_response
from casework.auth import tokens
from casework.auth.fresh import require_fresh_sign_in
from casework.auth.schemas import NewTokenSchema, TokenInSchema, TokenSchema

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="Personal API tokens")

_TOKEN_FIELDS = (
    "id",
    "name",
    "prefix",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(TokenSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Your tokens, newest first: name, created, expires, last used (never their values)."""
        return page_response(tokens.list_api_tokens(current_staff(), **args))

    @require_fresh_sign_in
    @blp.arguments(TokenInSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a token; its value is in this response only. Needs a signed-in session:
        a token cannot make tokens."""
        token, plaintext = tokens.create_api_token(
            current_staff(),
            name=data["name"],
            days=data["expires_in_days"],
            by_token=bool(g.get("authenticated_by_token")),
        )
        return {**{name: getattr(token, name) for name in _TOKEN_FIELDS}, "token": plaintext}


@blp.route("/tokens/<uuid:token_id>")
class TokenById(MethodView):
    @blp.response(200, TokenSchema)
    def delete(self, token_id: uuid.UUID) -> Any:
        """Revoke one of your tokens."""
        return tokens.revoke_api_token(current_staff(), token_id)
