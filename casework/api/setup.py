"""Wiring the API: the smorest `Api`, the docs page, authentication and CSRF for the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import flask_smorest
import marshmallow as ma
import swagger_ui_bundle
from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
)
from flask_login import current_user
from flask_smorest import Api
from webargs.flaskparser import abort
from werkzeug.wrappers import Response

from casework.api.schemas import ProblemSchema
from casework.extensions import csrf
from casework.web.errors import problem

PREFIX = "/api/v1"


class CaseworkApi(Api):
    """flask-smorest's Api, documenting errors as RFC 7807 problem JSON."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        self.DEFAULT_RESPONSE_CONTENT_TYPE = "application/problem+json"
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = "application/json"


api = CaseworkApi()

docs = Blueprint("api_docs", __name__, url_prefix=PREFIX)


@docs.route("/docs")
def docs_page() -> str:
    """Interactive documentation, served from this host (no CDN)."""
    return render_template("api/docs.html")


@docs.route("/docs/static/<path:filename>")
def docs_static(filename: str) -> Response:
    return send_from_directory(Path(swagger_ui_bundle.swagger_ui_path), filename)


def init_api(app: Flask, blueprints: Iterable[Blueprint]) -> None:
    """The API with the features' `blueprints`, its docs page and its guard."""
    app.config.update(
        API_TITLE="casework",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Case management for family-support centres. Authenticate with the browser "
                    "session (send the CSRF token in X-CSRFToken on changes) or with a personal "
                    "token: `Authorization: Bearer <token>`. Errors are RFC 7807 problem JSON."
                )
            },
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "casework_session"},
                }
            },
            "security": [{"bearer": []}, {"session": []}],
        },
    )
    _refuse_unknown_query_parameters()
    api.init_app(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs)
    for registered in app.blueprints.values():
        if registered.url_prefix and registered.url_prefix.startswith(PREFIX):
            csrf.exempt(registered)
    app.before_request(_api_guard)


def _refuse_unknown_query_parameters() -> None:
    """Every query string is parsed strictly: an unknown parameter (a misspelt or unsupported
    filter) answers 422 naming the valid ones, instead of being ignored and the unfiltered
    collection coming back. webargs excludes unknown query parameters by default; flask-smorest
    shares one parser between all blueprints, so this is the one place to change it."""
    parser = flask_smorest.Blueprint.ARGUMENTS_PARSER
    parser.DEFAULT_UNKNOWN_BY_LOCATION = {
        **parser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }
    parser.error_handler(_invalid_arguments)


UNKNOWN_FIELD = "Unknown field."


def _invalid_arguments(
    error: ma.ValidationError,
    req: Any,
    schema: ma.Schema,
    *,
    error_status_code: int | None,
    error_headers: Mapping[str, str] | None,
) -> NoReturn:
    """422 with the field messages; an unknown parameter's message lists the valid ones."""
    valid = sorted(field.data_key or name for name, field in schema.load_fields.items())
    listing = "unknown parameter; the valid parameters are: " + (", ".join(valid) or "none")
    messages: Any = error.messages

    def explain(value: Any) -> Any:
        if isinstance(value, list) and value == [UNKNOWN_FIELD]:
            return [listing]
        if isinstance(value, dict):
            return {key: explain(item) for key, item in value.items()}
        return value

    abort(
        error_status_code or 422,
        exc=error,
        messages=explain(messages),
        schema=schema,
        headers=error_headers,
    )


def _takes_query_parameters() -> bool:
    """Whether the endpoint of this request declares query arguments (flask-smorest docs)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return True  # no such endpoint: let it answer 404
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, request.method.lower(), view) if view_class else view
    parameters = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") == "query" for parameter in parameters)


def _api_guard() -> Response | None:
    """API calls need a signed-in user; session-cookie changes also need the CSRF token."""
    if not request.path.startswith(PREFIX + "/") or _is_public(request.path):
        return None
    if not current_user.is_authenticated:
        detail = g.get("bearer_token_refusal") or (
            "sign in, or send a personal API token as a Bearer token"
        )
        return problem(401, "Unauthorized", detail)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("authenticated_by_token"):
        csrf.protect()
    if request.args and request.method == "GET" and not _takes_query_parameters():
        names = sorted(request.args)
        return problem(
            422,
            "Unprocessable Entity",
            "this endpoint takes no query parameters",
            errors={
                "query": {name: ["unknown parameter; this endpoint takes none"] for name in names}
            },
        )
    return None


def _is_public(path: str) -> bool:
    return path in (f"{PREFIX}/openapi.json",) or path.startswith(f"{PREFIX}/docs")
