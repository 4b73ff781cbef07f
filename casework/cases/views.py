"""Case pages: the list of cases, opening a case from the intake, state changes, reopening,
reassignment, break the glass and its log, and a client's page with their cases.

The case page itself, with its timeline and forms, is the `casefile` feature's.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.cases import pages
from casework.cases.forms import AssignForm, BreakGlassForm, MoveForm, OpenCaseForm, ReopenForm
from casework.cases.models import CaseKind, CaseState, ParticipantRole, ReferralSource
from casework.cases.services import break_glass as glass
from casework.cases.services import cases
from casework.clients.intake import clear_intake, intake_participants
from casework.errors import DomainError
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.paging import page_cursor

bp = Blueprint("case_pages", __name__, template_folder="templates")


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Step 3 of intake: the case, its kind, participants' roles and the referral source."""
    ids = intake_participants()
    if not ids:
        return redirect(url_for("client_pages.intake"))
    form = OpenCaseForm()
    if request.method == "GET":
        form.kind.data = (CaseKind.INDIVIDUAL if len(ids) == 1 else CaseKind.COUPLE).value
        role = ParticipantRole.PARTNER if len(ids) > 1 else ParticipantRole.OTHER
        for client_id in ids:
            form.participants.append_entry({"client_id": str(client_id), "role": role.value})
    if form.validate_on_submit():
        roles = {entry.form.client_id.data: entry.form.role.data for entry in form.participants}
        try:
            case = cases.open_case(
                current_staff(),
                kind=CaseKind(form.kind.data),
                participants=[
                    cases.NewParticipant(
                        client_id, ParticipantRole(roles.get(str(client_id), "other"))
                    )
                    for client_id in ids
                ],
                referral_source=ReferralSource(form.referral_source.data),
                children_in_household=bool(form.children_in_household.data),
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            clear_intake()
            flash(_("Case %(reference)s is opened.", reference=case.reference), "info")
            return redirect(url_for("casefile_pages.show", case_id=case.id))
    people = pages.people_to_open_a_case_for(current_staff(), ids)
    return render_template(
        "cases/new.html", form=form, people={str(person.id): person for person in people}
    )


def _back(case_id: uuid.UUID) -> Response:
    return redirect(url_for("casefile_pages.show", case_id=case_id))


def _refuse_invalid(form: FlaskForm) -> None:
    """The problems of a form posted from the case page, as messages on the case page."""
    for message in form.form_errors:
        flash(str(message), "error")
    for name, problems in form.errors.items():
        if name not in ("version", None):
            for message in problems:
                flash(str(message), "error")


@bp.route("/cases/<uuid:case_id>/move", methods=["POST"])
@login_required
def move(case_id: uuid.UUID) -> Response:
    form = MoveForm()
    if not form.validate_on_submit():
        _refuse_invalid(form)
        return _back(case_id)
    try:
        cases.move_case(
            current_staff(),
            case_id,
            CaseState(form.to_state.data),
            expected_version=form.expected_version,
            reason=form.reason.data,
        )
    except DomainError as error:
        refuse_on_page(error)
    return _back(case_id)


@bp.route("/cases/<uuid:case_id>/reopen", methods=["POST"])
@login_required
def reopen(case_id: uuid.UUID) -> Response:
    form = ReopenForm()
    if not form.validate_on_submit():
        _refuse_invalid(form)
        return _back(case_id)
    try:
        cases.reopen_case(
            current_staff(),
            case_id,
            reason=form.reason.data or "",
            expected_version=form.expected_version,
        )
    except DomainError as error:
        refuse_on_page(error)
    return _back(case_id)


@bp.route("/cases/<uuid:case_id>/assign", methods=["POST"])
@login_required
def assign(case_id: uuid.UUID) -> Response:
    form = AssignForm()
    if not form.validate_on_submit():
        _refuse_invalid(form)
        return _back(case_id)
    try:
        cases.assign_case(
            current_staff(),
            case_id,
            case_manager_id=form.case_manager_id,
            expected_version=form.expected_version,
        )
    except DomainError as error:
        refuse_on_page(error)
    else:
        flash(_("The case is reassigned."), "info")
    return _back(case_id)


@bp.route("/cases/<uuid:case_id>/break-glass", methods=["GET", "POST"])
@login_required
def break_glass(case_id: uuid.UUID) -> str | Response:
    form = BreakGlassForm()
    if form.validate_on_submit():
        try:
            glass.break_glass(current_staff(), case_id, reason=form.reason.data or "")
        except DomainError as error:
            show_on_form(form, error)
        else:
            return _back(case_id)
    return render_template("cases/break_glass.html", form=form, case_id=case_id)


@bp.route("/supervision/break-glass")
@login_required
def break_glass_log() -> str:
    log = pages.break_glass_log(current_staff(), cursor=page_cursor())
    return render_template("cases/break_glass_log.html", log=log)


@bp.route("/clients/<uuid:client_id>")
@login_required
def client(client_id: uuid.UUID) -> str:
    """A client's page: their record, consents and the cases of theirs one may see."""
    return render_template("cases/client.html", page=pages.client_page(current_staff(), client_id))
