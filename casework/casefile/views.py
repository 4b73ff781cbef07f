"""The case page with its timeline and action forms, the printable summary, and closing."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.casefile.forms import action_forms
from casework.casefile.pages import case_page
from casework.casefile.services import CaseSearch, find_cases
from casework.cases.forms import CloseForm
from casework.cases.models import CaseState, ClosureOutcome
from casework.cases.services import cases
from casework.errors import DomainError
from casework.web.errors import show_on_form

bp = Blueprint("casefile_pages", __name__, template_folder="templates")


@bp.route("/cases")
@login_required
def index() -> str:
    """The cases one may see, by state; the reports page links its figures here, narrowed to a
    service or an assessment level."""
    state = request.args.get("state")
    search = CaseSearch(
        state=CaseState(state) if state in set(CaseState) else None,
        service_code=(request.args.get("service_code") or "")[:60] or None,
        level=(request.args.get("level") or "")[:30] or None,
    )
    page = find_cases(current_staff(), search, cursor=request.args.get("cursor"), limit=50)
    return render_template(
        "casefile/index.html", page=page, search=search, state=search.state, states=list(CaseState)
    )


@bp.route("/cases/<uuid:case_id>")
@login_required
def show(case_id: uuid.UUID) -> str:
    joint = request.args.get("view") == "joint"
    page = case_page(current_staff(), case_id, joint=joint)
    return render_template("casefile/show.html", page=page, **action_forms(page))


@bp.route("/cases/<uuid:case_id>/summary")
@login_required
def summary(case_id: uuid.UUID) -> str:
    """The printable case summary for the case conference (joint context: no disclosures)."""
    page = case_page(current_staff(), case_id, joint=True, with_actions=False)
    return render_template("casefile/summary.html", page=page)


@bp.route("/cases/<uuid:case_id>/close", methods=["GET", "POST"])
@login_required
def close(case_id: uuid.UUID) -> str | Response:
    """Closing: the outcome, a summary, and the closing reassessment compared with the first."""
    form = CloseForm()
    if form.validate_on_submit():
        try:
            cases.close_case(
                current_staff(),
                case_id,
                outcome=ClosureOutcome(form.outcome.data),
                reason=form.reason.data or "",
                expected_version=form.expected_version,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The case is closed."), "info")
            return redirect(url_for("casefile_pages.show", case_id=case_id))
    page = case_page(current_staff(), case_id, joint=False, with_actions=False)
    return render_template("casefile/close.html", page=page, form=form)
