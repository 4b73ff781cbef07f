"""Case pages: my cases, opening a case from the intake, the case page with its timeline,
state changes, closing, reassignment, break the glass, and the printable summary."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casework.auth.models import Role
from casework.auth.services import display_names, staff_with_role
from casework.care.forms import AppointmentForm, EnrolForm
from casework.case_assessments.forms import StartAssessmentForm
from casework.case_assessments.services import instruments_available
from casework.cases import services
from casework.cases.forms import (
    AssignForm,
    BreakGlassForm,
    CloseForm,
    MoveForm,
    OpenCaseForm,
)
from casework.cases.models import (
    CaseKind,
    CaseState,
    ClosureOutcome,
    ParticipantRole,
    ReferralSource,
)
from casework.cases.page import CasePage, case_page
from casework.catalogue.services import list_services
from casework.clients.services import read_client
from casework.clients.views import clear_intake, intake_participants
from casework.errors import DomainError
from casework.form_errors import show_on_form
from casework.labels import label
from casework.policy import supervises_case
from casework.web_input import whole_number

bp = Blueprint("case_pages", __name__, template_folder="templates")


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


@bp.route("/cases")
@login_required
def index() -> str:
    state = request.args.get("state")
    # The report page links its figures here, narrowed to a service or an assessment level.
    filters = services.CaseFilters(
        state=CaseState(state) if state in set(CaseState) else None,
        service_code=(request.args.get("service_code") or "")[:60] or None,
        level=(request.args.get("level") or "")[:30] or None,
    )
    page = services.list_cases(_me(), filters, cursor=request.args.get("cursor"), limit=50)
    return render_template(
        "cases/index.html", page=page, state=filters.state, states=list(CaseState)
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Step 3 of intake: the case, its kind, participants' roles and the referral source."""
    ids = intake_participants()
    if not ids:
        return redirect(url_for("client_pages.intake"))
    people = [read_client(_me(), client_id) for client_id in ids]
    form = OpenCaseForm()
    if request.method == "GET":
        form.kind.data = (CaseKind.INDIVIDUAL if len(ids) == 1 else CaseKind.COUPLE).value
        role = ParticipantRole.PARTNER if len(ids) > 1 else ParticipantRole.OTHER
        for client_id in ids:
            form.participants.append_entry({"client_id": str(client_id), "role": role.value})
    if form.validate_on_submit():
        roles = {entry.form.client_id.data: entry.form.role.data for entry in form.participants}
        try:
            case = services.open_case(
                _me(),
                kind=CaseKind(form.kind.data),
                participants=[
                    services.NewParticipant(
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
            return redirect(url_for("case_pages.show", case_id=case.id))
    names = {str(person.id): f"{person.given_name} {person.family_name}" for person in people}
    return render_template("cases/new.html", form=form, names=names)


def _participant_choices(page: CasePage) -> list[tuple[str, str]]:
    return [
        (str(p.client_id), f"{p.client.given_name} {p.client.family_name}")
        for p in page.case.participants
    ]


def _case_forms(page: CasePage) -> dict[str, object]:
    """The action forms of the case page, with their choices filled in."""
    me = _me()
    language = str(me.preferred_language.value)
    people = _participant_choices(page)
    start = StartAssessmentForm(formdata=None)
    start.instrument.choices = [
        (instrument.id, instrument.text(instrument.title, language))
        for instrument in instruments_available()
    ]
    start.client.choices = people
    enrol = EnrolForm(formdata=None)
    enrol.client.choices = people
    enrol.service.choices = [
        (service.code, f"{service.label(language)} ({label(service.kind)})")
        for service in list_services()
    ]
    enrol.practitioner.choices = [("", _("None (group services)"))] + [
        (str(user.id), user.display_name) for user in staff_with_role(Role.THERAPIST)
    ]
    service_names = {
        service.code: service.label(language) for service in list_services(include_inactive=True)
    }
    appointment = AppointmentForm(formdata=None)
    appointment.enrolment.choices = [
        (
            str(e.id),
            f"{service_names.get(e.service_code, e.service_code)} — "
            f"{dict(people).get(str(e.client_id), '')}",
        )
        for e in page.enrolments
        if e.practitioner_id is not None and e.status.value == "active"
    ]
    move = MoveForm(formdata=None)
    move.to_state.choices = [
        (state.value, label(state))
        for state in services.ALLOWED_MOVES[page.case.state]
        if state != CaseState.CLOSED
    ]
    assign = AssignForm(formdata=None)
    if supervises_case(me, page.case):
        assign.case_manager.choices = [
            (str(user.id), user.display_name) for user in staff_with_role(Role.CASE_MANAGER)
        ]
    return {
        "start_form": start,
        "enrol_form": enrol,
        "appointment_form": appointment,
        "move_form": move,
        "close_form": CloseForm(formdata=None),
        "assign_form": assign,
        "may_assign": supervises_case(me, page.case),
        "services_by_code": service_names,
        "names": display_names(
            [page.case.case_manager_id]
            + [note.author_id for note in page.notes]
            + [appointment.practitioner_id for appointment in page.appointments]
            + [enrolment.practitioner_id for enrolment in page.enrolments]
        ),
        "language": language,
    }


@bp.route("/cases/<uuid:case_id>")
@login_required
def show(case_id: uuid.UUID) -> str:
    joint = request.args.get("view") == "joint"
    page = case_page(_me(), case_id, joint=joint)
    return render_template("cases/show.html", page=page, **_case_forms(page))


@bp.route("/cases/<uuid:case_id>/summary")
@login_required
def summary(case_id: uuid.UUID) -> str:
    """The printable case summary for the case conference (joint context: no disclosures)."""
    page = case_page(_me(), case_id, joint=True)
    return render_template("cases/summary.html", page=page, **_case_forms(page))


def _back(case_id: uuid.UUID) -> Response:
    return redirect(url_for("case_pages.show", case_id=case_id))


def _version() -> int | None:
    value = request.form.get("version", "")
    return whole_number(value)


@bp.route("/cases/<uuid:case_id>/move", methods=["POST"])
@login_required
def move(case_id: uuid.UUID) -> Response:
    form = MoveForm()
    try:
        services.move_case(
            _me(),
            case_id,
            CaseState(form.to_state.data),
            expected_version=_version(),
            reason=form.reason.data,
        )
    except ValueError:
        flash(_("Choose a state."), "error")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    return _back(case_id)


@bp.route("/cases/<uuid:case_id>/close", methods=["GET", "POST"])
@login_required
def close(case_id: uuid.UUID) -> str | Response:
    """Closing: the outcome, a summary, and the closing reassessment compared with the first."""
    page = case_page(_me(), case_id, joint=False)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close_case(
                _me(),
                case_id,
                outcome=ClosureOutcome(form.outcome.data),
                reason=form.reason.data or "",
                expected_version=_version(),
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The case is closed."), "info")
            return _back(case_id)
    closings = [a for a in page.assessments if a.is_closing and a.state.value == "completed"]
    return render_template(
        "cases/close.html", page=page, form=form, closings=closings, **_case_forms(page)
    )


@bp.route("/cases/<uuid:case_id>/reopen", methods=["POST"])
@login_required
def reopen(case_id: uuid.UUID) -> Response:
    try:
        services.reopen_case(
            _me(), case_id, reason=request.form.get("reason", ""), expected_version=_version()
        )
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    return _back(case_id)


@bp.route("/cases/<uuid:case_id>/assign", methods=["POST"])
@login_required
def assign(case_id: uuid.UUID) -> Response:
    try:
        services.assign_case(
            _me(),
            case_id,
            case_manager_id=uuid.UUID(request.form.get("case_manager", "")),
            expected_version=_version(),
        )
    except ValueError:
        flash(_("Choose a case manager."), "error")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(_("The case is reassigned."), "info")
    return _back(case_id)


@bp.route("/cases/<uuid:case_id>/break-glass", methods=["GET", "POST"])
@login_required
def break_glass(case_id: uuid.UUID) -> str | Response:
    form = BreakGlassForm()
    if form.validate_on_submit():
        try:
            services.break_glass(_me(), case_id, reason=form.reason.data or "")
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            return _back(case_id)
    return render_template("cases/break_glass.html", form=form, case_id=case_id)


@bp.route("/supervision/break-glass")
@login_required
def break_glass_log() -> str:
    accesses = services.break_glass_log(_me())
    names = display_names([access.user_id for access in accesses])
    return render_template("cases/break_glass_log.html", accesses=accesses, names=names)
