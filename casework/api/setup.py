"""Wiring the API: the smorest `Api`, the docs page, authentication and CSRF for the API."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Flask, g, render_template, request, send_from_directory
from flask_login import current_user
from flask_smorest import Api
from werkzeug.wrappers import Response

from casework.api.schemas import ProblemSchema
from casework.errors import problem
from casework.extensions import csrf

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


def init_api(app: Flask) -> None:
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
    api.init_app(app)
    _register_blueprints()
    app.register_blueprint(docs)
    for blueprint in app.blueprints.values():
        if blueprint.url_prefix and blueprint.url_prefix.startswith(PREFIX):
            csrf.exempt(blueprint)
    app.before_request(_api_guard)


def _register_blueprints() -> None:
    from casework.auth.api import blp as tokens
    from casework.care.api import blp as care
    from casework.case_assessments.api import blp as assessments
    from casework.caseload.api import blp as caseload
    from casework.cases.api import blp as cases
    from casework.catalogue.api import blp as catalogue
    from casework.clients.api import blp as clients
    from casework.consultations.api import blp as consultations
    from casework.groups.api import blp as groups
    from casework.partners.api import blp as partners
    from casework.projects.api import blp as projects
    from casework.supervision.api import blp as supervision
    from casework.surveys.api import blp as surveys

    for blueprint in (
        tokens,
        clients,
        cases,
        assessments,
        care,
        catalogue,
        groups,
        consultations,
        partners,
        projects,
        surveys,
        supervision,
        caseload,
    ):
        api.register_blueprint(blueprint)


def _api_guard() -> Response | None:
    """API calls need a signed-in user; session-cookie changes also need the CSRF token."""
    if not request.path.startswith(PREFIX + "/") or _is_public(request.path):
        return None
    if not current_user.is_authenticated:
        return problem(
            401, "Unauthorized", "sign in, or send a personal API token as a Bearer token"
        )
    if request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("authenticated_by_token"):
        csrf.protect()
    return None


def _is_public(path: str) -> bool:
    return path in (f"{PREFIX}/openapi.json",) or path.startswith(f"{PREFIX}/docs")
