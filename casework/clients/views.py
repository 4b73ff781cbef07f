"""Client search and the first two steps of the intake wizard (client or participants, consent).

No client data in URLs: searches are POST forms, pages carry only UUIDs. The participants
gathered during intake wait in the intake basket (`clients.intake`) until the case is opened.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.clients.forms import ClientSearchForm, ConsentForm, IntakeForm
from casework.clients.intake import add_to_intake, clear_intake, intake_participants
from casework.clients.models import ConsentPurpose, Gender, LegalBasis, MigrationReason
from casework.clients.pages import client_consents
from casework.clients.services import clients, consents
from casework.crypto.services import Identifiers
from casework.errors import DomainError, ValidationError
from casework.web.errors import show_on_form

bp = Blueprint("client_pages", __name__, template_folder="templates")


@bp.route("/clients/search", methods=["GET", "POST"])
@login_required
def search() -> str:
    form = ClientSearchForm()
    results = None
    if form.validate_on_submit():
        identifiers = Identifiers(
            national_ids=(form.national_id.data,) if form.national_id.data else (),
            phones=(form.phone.data,) if form.phone.data else (),
            emails=(form.email.data,) if form.email.data else (),
            surname=form.family_name.data or None,
            birth_year=form.birth_year.data,
        )
        try:
            results = clients.search_clients(current_staff(), identifiers)
        except ValidationError as error:
            show_on_form(form, error)
    return render_template("clients/search.html", form=form, results=results)


def _details(form: IntakeForm) -> clients.ClientDetails:
    languages = [part.strip().lower() for part in (form.languages.data or "").split(",")]
    return clients.ClientDetails(
        given_name=form.given_name.data or "",
        family_name=form.family_name.data or "",
        gender=Gender(form.gender.data),
        date_of_birth=form.date_of_birth.data,
        birth_year=form.birth_year.data,
        national_id=form.national_id.data or None,
        phone=form.phone.data or None,
        email=form.email.data or None,
        address=form.address.data or None,
        nationality=form.nationality.data or None,
        languages=[language for language in languages if language],
        migration_reason=MigrationReason(form.migration_reason.data),
        municipality=form.municipality.data or None,
    )


@bp.route("/intake/new", methods=["POST"])
@login_required
def restart_intake() -> Response:
    """Start a new intake: forget the participants gathered so far (a POST, so no link can)."""
    clear_intake()
    return redirect(url_for("client_pages.intake"))


@bp.route("/intake", methods=["GET", "POST"])
@login_required
def intake() -> str | Response:
    """Step 1: register a client (or link an existing one), shown duplicates first."""
    form = IntakeForm()
    candidates: list[clients.DuplicateCandidate] = []
    if form.validate_on_submit():
        try:
            client = clients.intake_client(
                _details(form), actor=current_staff(), confirm_new=bool(form.confirm_new.data)
            )
        except clients.PossibleDuplicate as error:
            candidates = error.candidates
            if candidates:
                form.form_errors.append(
                    _(
                        "Clients with the same identifiers exist: use one of them, or confirm "
                        "that this is a different person."
                    )
                )
            if error.hidden_matches:
                form.form_errors.append(
                    _(
                        "A client with the same identifiers exists outside your caseload: ask a "
                        "supervisor, or confirm that this is a different person."
                    )
                )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            add_to_intake(client.id)
            flash(_("The client is registered."), "info")
            return redirect(url_for("client_pages.consent", client_id=client.id))
    return render_template(
        "clients/intake.html",
        form=form,
        candidates=candidates,
        gathered=len(intake_participants()),
    )


@bp.route("/intake/use/<uuid:client_id>", methods=["POST"])
@login_required
def use_existing(client_id: uuid.UUID) -> Response:
    """Link an existing client (a duplicate candidate) to the intake instead of a new record."""
    clients.require_client(current_staff(), client_id)
    add_to_intake(client_id)
    return redirect(url_for("client_pages.consent", client_id=client_id))


@bp.route("/clients/<uuid:client_id>/consent", methods=["GET", "POST"])
@login_required
def consent(client_id: uuid.UUID) -> str | Response:
    """Step 2: the consent (or other legal basis) for processing."""
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            consents.record_consent(
                current_staff(),
                client_id,
                purpose=ConsentPurpose(form.purpose.data),
                legal_basis=LegalBasis(form.legal_basis.data),
                notice_version=form.notice_version.data or "",
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The consent is recorded."), "info")
            if client_id in intake_participants():
                return redirect(url_for("case_pages.new"))
            return redirect(url_for("case_pages.client", client_id=client_id))
    return render_template(
        "clients/consent.html",
        form=form,
        page=client_consents(current_staff(), client_id),
        in_intake=client_id in intake_participants(),
    )
