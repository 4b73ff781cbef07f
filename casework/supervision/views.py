"""Supervision records: the list, recording one with agreed actions, a record and its actions."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.clock import centre_today
from casework.errors import DomainError, ValidationError
from casework.policy import CLINICAL_ROLES
from casework.supervision import pages
from casework.supervision import services as supervision
from casework.supervision.forms import ActionForm, RecordForm
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.labels import label

bp = Blueprint("supervision_pages", __name__, template_folder="templates")


@bp.route("/supervision")
@require_role_page(*CLINICAL_ROLES)
def records() -> str:
    """The records one may see (written, about oneself, or of a supervised team), newest first."""
    shown = pages.records_page(current_staff(), cursor=request.args.get("after") or None)
    return render_template(
        "supervision/records.html", page=shown.page, names=shown.names, may_record=shown.may_record
    )


def _actions_complete(form: RecordForm) -> bool:
    """Every agreed action written on the form has its due date (and every date its action)."""
    complete = True
    for entry in form.actions:
        described = bool((entry.text.data or "").strip())
        if described != bool(entry.due_on.data):
            problem = entry.due_on if described else entry.text
            problem.errors = [
                *problem.errors,
                _("An agreed action needs a description and a due date."),
            ]
            complete = False
    return complete


@bp.route("/supervision/new", methods=["GET", "POST"])
@require_role_page(*policy.SUPERVISE.roles)
def new_record() -> str | Response:
    form = RecordForm(held_on=centre_today())
    form.practitioner.choices = [
        (str(person.id), person.display_name)
        for person in supervision.practitioners_i_supervise(current_staff())
    ]
    offered = pages.case_choices(current_staff())
    form.cases.choices = [
        (
            str(case.id),
            " · ".join(
                (
                    case.reference,
                    label(case.state),
                    (case.case_manager_id and offered.managers.get(case.case_manager_id))
                    or _("no case manager"),
                )
            ),
        )
        for case in offered.cases
    ]
    if form.validate_on_submit() and _actions_complete(form):
        actions = [
            supervision.NewAction(entry.text.data or "", entry.due_on.data or date.max)
            for entry in form.actions
            if (entry.text.data or "").strip()
        ]
        try:
            record = supervision.create_record(
                current_staff(),
                practitioner_id=uuid.UUID(form.practitioner.data or ""),
                held_on=form.held_on.data or centre_today(),
                notes=form.notes.data or "",
                case_ids=[uuid.UUID(case_id) for case_id in form.cases.data or []],
                actions=actions,
            )
        except ValueError:
            form.practitioner.errors = [_("Choose a practitioner.")]
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("The supervision record is saved."), "info")
            return redirect(url_for("supervision_pages.record", record_id=record.id))
    return render_template("supervision/new.html", form=form)


@bp.route("/supervision/<uuid:record_id>", methods=["GET", "POST"])
@login_required
def record(record_id: uuid.UUID) -> str | Response:
    """A record: its notes and agreed actions; its supervisors add actions, and actions are
    marked done by the practitioner or a supervisor."""
    shown = pages.record_page(current_staff(), record_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            supervision.add_action(
                current_staff(),
                record_id,
                supervision.NewAction(form.description.data or "", form.due_on.data or date.max),
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The action is added."), "info")
            return redirect(url_for("supervision_pages.record", record_id=record_id))
    return render_template(
        "supervision/record.html",
        form=form,
        record=shown.record,
        names=shown.names,
        may_change=shown.may_change,
        today=shown.today,
        cases=shown.cases,
        other_cases=shown.other_cases,
    )


@bp.route("/supervision/actions/<uuid:action_id>/done", methods=["POST"])
@login_required
def action_done(action_id: uuid.UUID) -> Response:
    try:
        action = supervision.complete_action(current_staff(), action_id)
    except DomainError as error:
        refuse_on_page(error)
        return redirect(url_for("supervision_pages.records"))
    flash(_("The action is marked done."), "info")
    return redirect(url_for("supervision_pages.record", record_id=action.record_id))
