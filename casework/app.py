"""The application factory: configuration, extensions, blueprints and CLI commands."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

from casework.config import load_config

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and CLI commands. Runs no migrations."""
    instance_path = os.environ.get("CASEWORK_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.update(load_config(Path(app.instance_path), os.environ, config))

    from casework.request_context import configure_logging, init_input_guard, init_request_ids

    configure_logging(app)
    init_request_ids(app)
    init_input_guard(app)
    _init_extensions(app)
    from casework.security_headers import init_security_headers

    init_security_headers(app)
    from casework.labels import init_labels

    init_labels(app)
    _register_blueprints(app)
    _register_cli(app)

    from casework.api.setup import init_api
    from casework.errors import register_error_handlers

    init_api(app)  # before our error handlers, so they replace flask-smorest's

    register_error_handlers(app)
    _audit_integrity_failures(app)
    _commit_once_per_request(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_babel import get_locale

    from casework.auth.services import resume_session
    from casework.catalogue.library import init_library
    from casework.crypto.keystore import init_keys
    from casework.db import db
    from casework.extensions import (
        babel,
        csrf,
        login_manager,
        select_locale,
        user_from_bearer_token,
    )
    from casework.reports.services import init_reports

    db.init_app(app)
    init_keys(app)
    init_library(app)
    init_reports(app)
    login_manager.init_app(app)
    login_manager.user_loader(resume_session)
    login_manager.request_loader(user_from_bearer_token)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale


def _register_blueprints(app: Flask) -> None:
    from casework.auth.views import bp as auth_bp
    from casework.care.views import bp as care_bp
    from casework.case_assessments.views import bp as case_assessments_bp
    from casework.cases.views import bp as cases_bp
    from casework.catalogue.views import bp as catalogue_bp
    from casework.clients.views import bp as clients_bp
    from casework.consultations.views import bp as consultations_bp
    from casework.groups.views import bp as groups_bp
    from casework.health import bp as health_bp
    from casework.home.views import bp as home_bp
    from casework.projects.views import bp as projects_bp
    from casework.reports.views import bp as reports_bp
    from casework.supervision.views import bp as supervision_bp

    for blueprint in (
        auth_bp,
        home_bp,
        clients_bp,
        cases_bp,
        case_assessments_bp,
        care_bp,
        consultations_bp,
        groups_bp,
        supervision_bp,
        projects_bp,
        catalogue_bp,
        health_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from casework.cli import register_commands

    register_commands(app)


def _commit_once_per_request(app: Flask) -> None:
    """The one commit point of a request: commit what succeeded, roll back what did not."""
    from casework.db import db

    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response


def _audit_integrity_failures(app: Flask) -> None:
    """A ciphertext that fails to open is answered generically and leaves an audit event."""
    from flask_login import current_user

    from casework.audit.services import record_integrity_failure
    from casework.crypto.fields import StoredDataIntegrityError
    from casework.errors import handle_domain_error

    @app.errorhandler(StoredDataIntegrityError)
    def _integrity_failure(error: StoredDataIntegrityError) -> Response | tuple[str, int]:
        owner = error.owner_id.removeprefix("client:") if error.owner_id != "staff" else None
        record_integrity_failure(
            actor=current_user._get_current_object() if current_user.is_authenticated else None,
            table=error.table,
            column=error.column,
            row_id=error.row_id,
            client_id=owner,
        )
        return handle_domain_error(error)
