"""The supervisor's caseload dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.caseload.forms import FigureForm
from casework.caseload.pages import dashboard, figure_list
from casework.caseload.services import ReviewSettings
from casework.errors import ValidationError
from casework.web.errors import refuse_on_page
from casework.web.input import whole_number

bp = Blueprint("caseload_pages", __name__, template_folder="templates")


@bp.route("/caseload")
@require_role_page(*policy.SUPERVISE.roles)
def caseload() -> str:
    days = whole_number(request.args.get("days"))
    settings = ReviewSettings(no_contact_days=days) if days is not None else ReviewSettings()
    try:
        page = dashboard(current_staff(), settings)
    except ValidationError as error:
        refuse_on_page(error)
        page = dashboard(current_staff(), ReviewSettings())
    return render_template("caseload/caseload.html", **page)


@bp.route("/caseload/cases")
@require_role_page(*policy.SUPERVISE.roles)
def cases() -> str:
    """The open cases behind a figure of the dashboard."""
    form = FigureForm(request.args)
    form.validate()
    try:
        page = figure_list(current_staff(), form.filters, cursor=form.cursor)
    except ValidationError as error:  # a cursor that was tampered with: the first page
        refuse_on_page(error)
        page = figure_list(current_staff(), form.filters)
    return render_template("caseload/cases.html", cursor=form.cursor, **page)
