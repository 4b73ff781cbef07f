"""The application factory: configuration, extensions, blueprints and CLI commands.

This is the top of the import order: the only module that knows every feature.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request

from casework.config import load_config

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and CLI commands. Runs no migrations."""
    instance_path = os.environ.get("CASEWORK_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.update(load_config(Path(app.instance_path), os.environ, config))

    from casework.logs import configure_logging
    from casework.metrics import init_metrics
    from casework.request_context import init_input_guard, init_request_ids
    from casework.security_headers import init_security_headers

    configure_logging(app)
    init_request_ids(app)
    if app.config["CASEWORK_ENV"] == "production":
        _refuse_debugger(app)
    init_input_guard(app)
    _init_extensions(app)
    init_metrics(app)
    init_security_headers(app)
    _init_templates(app)
    _register_blueprints(app)
    _register_cli(app)
    _init_api(app)  # before our error handlers, so they replace flask-smorest's

    from casework.web.errors import register_error_handlers

    register_error_handlers(app)
    _audit_integrity_failures(app)
    _commit_once_per_request(app)
    return app


def _init_extensions(app: Flask) -> None:
    from casework.auth.identity import select_locale, user_from_bearer_token
    from casework.auth.services import resume_session
    from casework.auth.throttle import init_throttle
    from casework.auth.two_factor import check_required_roles
    from casework.catalogue.library import init_library
    from casework.crypto.keystore import init_keys
    from casework.db import db
    from casework.extensions import babel, csrf, login_manager
    from casework.jobs.queue import init_jobs
    from casework.reports.services import init_reports

    if app.config["CASEWORK_ENV"] == "testing":
        from casework.auth.passwords import use_cheapest_hashing

        use_cheapest_hashing()
    db.init_app(app)
    init_keys(app)
    init_library(app)
    init_reports(app)
    init_jobs(app)
    _register_job_kinds()
    login_manager.init_app(app)
    init_throttle(app)
    check_required_roles(app.config["CASEWORK_TWO_FACTOR_ROLES"])
    login_manager.user_loader(resume_session)
    login_manager.request_loader(user_from_bearer_token)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)


def _register_job_kinds() -> None:
    """Every feature's background jobs, so a worker knows them all."""
    import casework.imports.jobs
    import casework.keyadmin.jobs
    import casework.privacy.jobs
    import casework.reports.jobs
    import casework.retention.jobs  # noqa: F401


def _init_templates(app: Flask) -> None:
    """Template helpers: the web layer's own, and those that read the features."""
    import casework.labels  # noqa: F401  (registers every enum's label)
    from casework.catalogue.services import service_names
    from casework.clients.names import client_display_name
    from casework.crypto.blind_index import IndexKind
    from casework.home.navigation import navigation_for
    from casework.policy import may_break_glass
    from casework.web.filters import init_filters, localised
    from casework.web.labels import label

    def service_name(code: str | None) -> str:
        """A service's name in the page's language, from one read of the catalogue a request."""
        if code is None:
            return ""
        names = service_names().get(code)
        return localised(names) if names else code

    init_filters(app)
    app.jinja_env.filters["index_kind"] = lambda value: label(IndexKind(value))
    app.jinja_env.filters["service_name"] = service_name
    app.jinja_env.filters["client_name"] = client_display_name
    app.jinja_env.globals["navigation_for"] = navigation_for
    app.jinja_env.globals["may_break_glass"] = may_break_glass


def _register_blueprints(app: Flask) -> None:
    from casework.auth.account_views import bp as accounts_bp
    from casework.auth.views import bp as auth_bp
    from casework.care.views import bp as care_bp
    from casework.case_assessments.views import bp as case_assessments_bp
    from casework.casefile.views import bp as casefile_bp
    from casework.caseload.views import bp as caseload_bp
    from casework.cases.views import bp as cases_bp
    from casework.catalogue.views import bp as catalogue_bp
    from casework.clients.views import bp as clients_bp
    from casework.consultations.views import bp as consultations_bp
    from casework.groups.leader_views import bp as leaders_bp
    from casework.groups.views import bp as groups_bp
    from casework.health import bp as health_bp
    from casework.home.job_views import bp as jobs_bp
    from casework.home.views import bp as home_bp
    from casework.imports.views import bp as imports_bp
    from casework.partners.views import bp as partners_bp
    from casework.projects.views import bp as projects_bp
    from casework.reports.views import bp as reports_bp
    from casework.supervision.views import bp as supervision_bp
    from casework.surveys.views import bp as surveys_bp
    from casework.tasks.views import bp as tasks_bp

    for blueprint in (
        auth_bp,
        accounts_bp,
        home_bp,
        clients_bp,
        cases_bp,
        case_assessments_bp,
        care_bp,
        tasks_bp,
        consultations_bp,
        groups_bp,
        leaders_bp,
        supervision_bp,
        caseload_bp,
        casefile_bp,
        projects_bp,
        catalogue_bp,
        health_bp,
        reports_bp,
        partners_bp,
        surveys_bp,
        imports_bp,
        jobs_bp,
    ):
        app.register_blueprint(blueprint)


def _init_api(app: Flask) -> None:
    from casework.api.setup import init_api
    from casework.auth.api import blp as tokens
    from casework.care.api import blp as care
    from casework.case_assessments.api import blp as assessments
    from casework.casefile.api import blp as casefile
    from casework.caseload.api import blp as caseload
    from casework.cases.api import blp as cases
    from casework.catalogue.api import blp as catalogue
    from casework.clients.api import blp as clients
    from casework.consultations.api import blp as consultations
    from casework.groups.api import blp as groups
    from casework.partners.api import blp as partners
    from casework.privacy.api import blp as privacy
    from casework.projects.api import blp as projects
    from casework.reports.api import blp as reports
    from casework.supervision.api import blp as supervision
    from casework.surveys.api import blp as surveys
    from casework.tasks.api import blp as tasks

    init_api(
        app,
        (
            tokens,
            clients,
            privacy,
            cases,
            assessments,
            care,
            tasks,
            catalogue,
            groups,
            consultations,
            partners,
            projects,
            surveys,
            supervision,
            caseload,
            casefile,
            reports,
        ),
    )


def _register_cli(app: Flask) -> None:
    from casework.audit.cli import audit_cli
    from casework.auth.cli import users_cli
    from casework.catalogue.cli import catalogue_cli
    from casework.demo.cli import demo
    from casework.groups.cli import groups_cli
    from casework.imports.cli import import_cli
    from casework.jobs.cli import jobs_cli
    from casework.keyadmin.cli import keys_cli
    from casework.migrate import db_cli
    from casework.reports.cli import reports_cli
    from casework.retention.cli import retention_cli
    from casework.tasks.cli import tasks_cli

    for command in (
        db_cli,
        users_cli,
        demo,
        keys_cli,
        audit_cli,
        catalogue_cli,
        groups_cli,
        reports_cli,
        retention_cli,
        tasks_cli,
        import_cli,
        jobs_cli,
    ):
        app.cli.add_command(command)


def _refuse_debugger(app: Flask) -> None:
    """Production serves nothing in debug mode, however it was turned on after start-up
    (`app.run(debug=True)`, `app.debug = True`, a werkzeug `DebuggedApplication` around it)."""
    import logging

    log = logging.getLogger("casework.app")

    @app.before_request
    def _no_debugger() -> None:
        if app.debug or "werkzeug.debug.preserve_context" in request.environ:
            log.error("refusing a request: production is running in debug mode")
            abort(500)


def _commit_once_per_request(app: Flask) -> None:
    """The one commit point of a request: commit what succeeded, roll back what did not.

    Read audit events wait for it too: one per object however often the request read it, and
    none when a GET only redirected (the page that shows the data records its own read).
    """
    from casework.audit.services import finish_reads, gather_reads
    from casework.db import db

    app.before_request(gather_reads)

    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code < 400:
            redirected = response.status_code >= 300 and request.method in ("GET", "HEAD")
            finish_reads(shown=not redirected)
            db.session.commit()
        else:
            db.session.rollback()
        return response


def _audit_integrity_failures(app: Flask) -> None:
    """A ciphertext that fails to open is answered generically and leaves an audit event."""
    from flask_login import current_user

    from casework.audit.services import record_integrity_failure
    from casework.crypto.columns import StoredDataIntegrityError
    from casework.web.errors import handle_domain_error

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
