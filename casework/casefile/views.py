"""The case page with its timeline and action forms, enrolling (prefilled from an accepted
recommendation; an exclusion refused unless a supervisor overrides it), the printable summary,
and closing."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.care.services import enrolments
from casework.case_assessments.couple_pages import couple_page
from casework.case_assessments.services.exclusions import ServiceExcluded
from casework.casefile.closing import closing_page
from casework.casefile.forms import PrefillArgs, action_forms, enrol_form
from casework.casefile.pages import case_page, enrol_page
from casework.casefile.services import CaseSearch, find_cases
from casework.casefile.summary import summary_page
from casework.cases.forms import CloseForm
from casework.cases.models import CaseState, ClosureOutcome
from casework.cases.services import cases
from casework.errors import DomainError
from casework.web.errors import show_on_form
from casework.web.filters import localised
from casework.web.paging import page_cursor

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
    page = find_cases(current_staff(), search, cursor=page_cursor(), limit=50)
    return render_template(
        "casefile/index.html", page=page, search=search, state=search.state, states=list(CaseState)
    )


@bp.route("/cases/<uuid:case_id>")
@login_required
def show(case_id: uuid.UUID) -> str:
    joint = request.args.get("view") == "joint"
    earlier = (request.args.get("earlier") or "")[:200] or None
    page = case_page(current_staff(), case_id, joint=joint, earlier=earlier)
    return render_template("casefile/show.html", page=page, **action_forms(page))


@bp.route("/cases/<uuid:case_id>/enrol", methods=["GET", "POST"])
@login_required
def enrol(case_id: uuid.UUID) -> str | Response:
    """Enrol a participant (prefilled from an accepted recommendation); a service the latest
    routing ruled out is refused with its reason unless a supervisor gives theirs."""
    page = enrol_page(current_staff(), case_id, PrefillArgs(request.args).recommendation_id)
    form = enrol_form(
        page.case,
        page.actions,
        client=str(page.client_id or ""),
        service=page.service_code,
        practitioner=str(page.practitioner_id or ""),
    )
    if form.validate_on_submit():
        try:
            enrolments.enrol(
                current_staff(),
                case_id,
                client_id=uuid.UUID(form.client.data),
                service_code=form.service.data,
                practitioner_id=uuid.UUID(form.practitioner.data)
                if form.practitioner.data
                else None,
                override_reason=form.override_reason.data,
            )
        except ServiceExcluded as error:
            form.service.errors = [
                _(
                    "The latest assessment rules this service out: %(reason)s Only a supervisor "
                    "may enrol despite it, with a written reason.",
                    reason=localised(error.exclusion.reason),
                )
            ]
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The client is enrolled."), "info")
            return redirect(url_for("casefile_pages.show", case_id=case_id))
    return render_template("casefile/enrol.html", page=page, form=form)


@bp.route("/cases/<uuid:case_id>/summary")
@login_required
def summary(case_id: uuid.UUID) -> str:
    """The printable case summary for the case conference (joint context: no disclosures)."""
    printout = summary_page(current_staff(), case_id)
    return render_template(
        "casefile/summary.html", page=printout.page, changes=printout.changes, printout=printout
    )


@bp.route("/cases/<uuid:case_id>/couple")
@login_required
def couple(case_id: uuid.UUID) -> str:
    """The partners' joint results side by side with their combined result (no disclosures)."""
    page = couple_page(current_staff(), case_id)
    return render_template("casefile/couple.html", page=page)


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
    closing = closing_page(current_staff(), case_id, joint=False)
    return render_template(
        "casefile/close.html", page=closing.page, form=form, changes=closing.changes
    )
