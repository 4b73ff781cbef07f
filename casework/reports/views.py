"""The report pages: choose a report, see it for a period, project and team, export or print."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.clock import centre_today
from casework.errors import DomainError, NotFound
from casework.reports import jobs, pages, services
from casework.reports.forms import ExportForm
from casework.web.errors import show_on_form
from casework.web.filters import page_language

bp = Blueprint("report_pages", __name__, template_folder="templates")

ALL = ""
#: The files a report page offers (the API and the command line also give JSON).
PAGE_FORMATS = ("xlsx", "csv")


def _form(pickers: services.Pickers) -> ExportForm:
    """The period, project and team from the query or the export form (a year up to today by
    default)."""
    today = centre_today()
    default_period = {"start": today.replace(year=today.year - 1) + timedelta(days=1), "end": today}
    if request.method == "POST":  # the export form: Flask-WTF reads the posted fields
        form = ExportForm(**default_period)
    else:
        form = ExportForm(formdata=request.args if request.args else None, **default_period)
    form.project.choices = [(ALL, _l("All projects")), *((str(i), n) for i, n in pickers.projects)]
    form.team.choices = [(ALL, _l("All my teams")), *((str(i), n) for i, n in pickers.teams)]
    return form


def _run(form: ExportForm, name: str) -> services.ReportResult | None:
    """The report for the form's choices; None (with the problems on the form) if invalid."""
    if request.args and not form.validate():
        return None
    try:
        return services.run_report(
            current_staff(),
            name,
            start=form.start.data,
            end=form.end.data,
            project_id=uuid.UUID(form.project.data) if form.project.data else None,
            team_id=uuid.UUID(form.team.data) if form.team.data else None,
            language=page_language(),
        )
    except DomainError as error:
        show_on_form(form, error)
        return None


def _arguments(form: ExportForm) -> dict[str, str]:
    """The form's choices as query arguments, for the export and print links."""
    return {
        "start": form.start.data.isoformat() if form.start.data else "",
        "end": form.end.data.isoformat() if form.end.data else "",
        "project": form.project.data or "",
        "team": form.team.data or "",
    }


def _show(form: ExportForm, name: str, page: pages.ReportPage | None) -> str:
    return render_template(
        "reports/show.html", form=form, name=name, page=page, arguments=_arguments(form)
    )


@bp.route("/reports")
@login_required
def index() -> str:
    """The reports one may run."""
    reports = pages.reports_index(current_staff(), language=page_language())
    return render_template("reports/index.html", reports=reports)


@bp.route("/reports/<name>")
@login_required
def show(name: str) -> str:
    """A report: every indicator as a table with a bar chart, against the project's targets."""
    form = _form(pages.report_choices(current_staff(), name))
    result = _run(form, name)
    return _show(form, name, pages.report_page(result, current_staff()) if result else None)


@bp.route("/reports/<name>/print")
@login_required
def print_view(name: str) -> str:
    form = _form(pages.report_choices(current_staff(), name))
    result = _run(form, name)
    if result is None:
        return _show(form, name, None)
    threshold = form.threshold.data if form.publication.data else None
    page = pages.report_page(result, current_staff(), threshold=threshold)
    return render_template("reports/print.html", page=page)


@bp.route("/reports/<name>/export.<fmt>", methods=["POST"])
@login_required
def export(name: str, fmt: str) -> Response | str:
    """Start exporting the report as XLSX or CSV (`publication` hides small counts); the job's
    page shows its progress, then the file."""
    form = _form(pages.report_choices(current_staff(), name))
    if fmt not in PAGE_FORMATS:
        raise NotFound("no such export")
    if not form.validate():
        return _show(form, name, None)
    try:
        job = jobs.start_export(
            current_staff(),
            name,
            start=form.start.data,
            end=form.end.data,
            project_id=uuid.UUID(form.project.data) if form.project.data else None,
            team_id=uuid.UUID(form.team.data) if form.team.data else None,
            language=page_language(),
            fmt=fmt,
            threshold=(form.threshold.data or 5) if form.publication.data else None,
        )
    except DomainError as error:
        show_on_form(form, error)
        return _show(form, name, None)
    return redirect(url_for("job_pages.show", job_id=job.id))
