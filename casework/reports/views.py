"""The report pages: choose a report, see it for a period, project and team, export or print."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from casework.errors import DomainError, Forbidden, NotFound
from casework.form_errors import show_on_form
from casework.reports import services
from casework.reports.exports import MEDIA_TYPES, filename, render
from casework.reports.forms import ExportForm, ReportForm
from casework.reports.pages import report_page

bp = Blueprint("report_pages", __name__, template_folder="templates")

ALL = ""


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _language() -> str:
    return str(get_locale() or "pl")


def _pickers() -> services.Pickers:
    """Reports are for coordinators and supervisors; for anyone else the pages do not exist."""
    try:
        return services.pickers(_me())
    except Forbidden:
        raise NotFound("no such page") from None


def _form(form_type: type[ReportForm], pickers: services.Pickers) -> Any:
    today = date.today()
    form = form_type(
        formdata=request.args if request.args else None,
        start=today.replace(year=today.year - 1) + timedelta(days=1),
        end=today,
    )
    form.project.choices = [(ALL, _l("All projects")), *((str(i), n) for i, n in pickers.projects)]
    form.team.choices = [(ALL, _l("All my teams")), *((str(i), n) for i, n in pickers.teams)]
    return form


def _run(form: Any, name: str) -> services.ReportResult | None:
    """The report for the form's choices; None (with the problems on the form) if invalid."""
    if request.args and not form.validate():
        return None
    try:
        return services.run_report(
            _me(),
            name,
            start=form.start.data,
            end=form.end.data,
            project_id=uuid.UUID(form.project.data) if form.project.data else None,
            team_id=uuid.UUID(form.team.data) if form.team.data else None,
            language=_language(),
        )
    except DomainError as error:
        if error.status == 404 and not error.fields:
            raise
        show_on_form(form, error)
        return None


@bp.route("/reports")
@login_required
def index() -> str:
    """The reports one may run."""
    _pickers()
    return render_template(
        "reports/index.html", reports=services.list_reports(_me(), language=_language())
    )


@bp.route("/reports/<name>")
@login_required
def show(name: str) -> str:
    """A report: every indicator as a table with a bar chart, against the project's targets."""
    pickers = _pickers()
    services.require_report(name)
    form = _form(ExportForm, pickers)
    result = _run(form, name)
    page = report_page(result, _me()) if result else None
    return render_template(
        "reports/show.html", form=form, name=name, page=page, arguments=_arguments(form)
    )


@bp.route("/reports/<name>/print")
@login_required
def print_view(name: str) -> str:
    pickers = _pickers()
    services.require_report(name)
    form = _form(ExportForm, pickers)
    result = _run(form, name)
    if result is None:
        return render_template(
            "reports/show.html", form=form, name=name, page=None, arguments=_arguments(form)
        )
    threshold = form.threshold.data if form.publication.data else None
    return render_template(
        "reports/print.html", page=report_page(result, _me(), threshold=threshold)
    )


@bp.route("/reports/<name>/export.<fmt>")
@login_required
def export(name: str, fmt: str) -> Response | str:
    """The report as XLSX or CSV; `publication` hides small counts."""
    pickers = _pickers()
    services.require_report(name)
    if fmt not in ("xlsx", "csv"):
        raise NotFound("no such export")
    form = _form(ExportForm, pickers)
    result = _run(form, name)
    if result is None:
        return render_template(
            "reports/show.html", form=form, name=name, page=None, arguments=_arguments(form)
        )
    threshold = form.threshold.data or 5 if form.publication.data else None
    response = Response(render(result, fmt, threshold=threshold), mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(result, fmt)}"'
    return response


def _arguments(form: Any) -> dict[str, str]:
    """The form's choices as query arguments, for the export and print links."""
    return {
        "start": form.start.data.isoformat() if form.start.data else "",
        "end": form.end.data.isoformat() if form.end.data else "",
        "project": form.project.data or "",
        "team": form.team.data or "",
    }
