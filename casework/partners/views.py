"""Partner work pages: institutions, trainings with their participants, events with their reach."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.clock import centre_today
from casework.consultations.forms import LANGUAGES
from casework.errors import Conflict, ValidationError
from casework.partners import pages, services
from casework.partners.forms import EventForm, InstitutionForm, ParticipantsForm, TrainingForm
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from casework.web.errors import show_on_form
from casework.web.paging import page_cursor

bp = Blueprint("partner_pages", __name__, template_folder="templates")

PARTNER_ROLES = policy.PARTNER_WORK.roles


# -- institutions ---------------------------------------------------------------------------


@bp.route("/partners/institutions")
@require_role_page(*PARTNER_ROLES)
def institutions() -> str:
    page = services.list_institutions(current_staff(), cursor=page_cursor(), limit=50)
    return render_template("partners/institutions.html", page=page)


@bp.route("/partners/institutions/new", methods=["GET", "POST"])
@require_role_page(*PARTNER_ROLES)
def new_institution() -> str | Response:
    form = InstitutionForm()
    if form.validate_on_submit():
        try:
            services.create_institution(
                current_staff(),
                name=form.name.data or "",
                kind=InstitutionKind(form.kind.data),
                city=form.city.data or None,
            )
        except (ValidationError, Conflict) as error:
            show_on_form(form, error)
        else:
            flash(_("The institution is on the list."), "info")
            return redirect(url_for("partner_pages.institutions"))
    return render_template("partners/institution_form.html", form=form, institution=None)


@bp.route("/partners/institutions/<uuid:institution_id>/edit", methods=["GET", "POST"])
@require_role_page(*PARTNER_ROLES)
def edit_institution(institution_id: uuid.UUID) -> str | Response:
    institution = services.get_institution(current_staff(), institution_id)
    form = InstitutionForm(obj=institution)
    if request.method == "GET":
        form.kind.data = institution.kind.value
    if form.validate_on_submit():
        try:
            services.update_institution(
                current_staff(),
                institution.id,
                name=form.name.data or "",
                kind=InstitutionKind(form.kind.data),
                city=form.city.data or None,
            )
        except (ValidationError, Conflict) as error:
            show_on_form(form, error)
        else:
            flash(_("The institution is saved."), "info")
            return redirect(url_for("partner_pages.institutions"))
    return render_template("partners/institution_form.html", form=form, institution=institution)


# -- trainings ------------------------------------------------------------------------------


def _prepare_rows(form: ParticipantsForm) -> None:
    options = [("", _("Choose")), *pages.institution_choices(current_staff())]
    for entry in form.participants:
        entry.institution.choices = options


def _headcounts(form: ParticipantsForm) -> list[services.Headcount] | None:
    """The rows filled in; None (with errors beside the rows) when a row is half filled."""
    known = {value for value, _label in form.participants[0].institution.choices if value}
    types = {member.value for member in ProfessionalType}
    rows: list[services.Headcount] = []
    complete = True
    for entry in form.participants:
        institution = entry.institution.data or ""
        kind = entry.professional_type.data or ""
        count = entry.headcount.data
        if not institution and not kind and count is None:
            continue
        if institution not in known or kind not in types or count is None:
            entry.headcount.errors = [
                *entry.headcount.errors,
                _("A row needs the institution, the professionals and how many."),
            ]
            complete = False
            continue
        rows.append(services.Headcount(uuid.UUID(institution), ProfessionalType(kind), count))
    return rows if complete else None


@bp.route("/partners/trainings")
@require_role_page(*PARTNER_ROLES)
def trainings() -> str:
    shown = pages.trainings_page(current_staff(), cursor=page_cursor())
    return render_template("partners/trainings.html", page=shown.page, totals=shown.totals)


@bp.route("/partners/trainings/new", methods=["GET", "POST"])
@require_role_page(*PARTNER_ROLES)
def new_training() -> str | Response:
    form = TrainingForm(held_on=centre_today())
    _prepare_rows(form)
    if form.validate_on_submit() and (rows := _headcounts(form)) is not None:
        try:
            training = services.create_training(
                current_staff(),
                title=form.title.data or "",
                held_on=form.held_on.data or centre_today(),
                hours=form.hours.data,
                participants=rows,
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("The training is recorded."), "info")
            return redirect(url_for("partner_pages.training", training_id=training.id))
    return render_template("partners/training_new.html", form=form)


@bp.route("/partners/trainings/<uuid:training_id>", methods=["GET", "POST"])
@require_role_page(*PARTNER_ROLES)
def training(training_id: uuid.UUID) -> str | Response:
    """A training's participants per institution and type; more can be added."""
    shown = pages.training_page(current_staff(), training_id)
    form = ParticipantsForm()
    _prepare_rows(form)
    if form.validate_on_submit() and (rows := _headcounts(form)) is not None:
        try:
            if not rows:
                raise ValidationError("fill in at least one row of participants")
            services.add_participants(current_staff(), training_id, rows)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("The participants are added."), "info")
            return redirect(url_for("partner_pages.training", training_id=training_id))
    return render_template("partners/training.html", shown=shown, form=form)


# -- events ---------------------------------------------------------------------------------


@bp.route("/partners/events")
@require_role_page(*PARTNER_ROLES)
def events() -> str:
    page = services.list_events(current_staff(), cursor=page_cursor(), limit=25)
    return render_template("partners/events.html", page=page, languages=LANGUAGES)


def _reach(form: EventForm) -> dict[str, int] | None:
    reach: dict[str, int] = {}
    complete = True
    for entry in form.reach:
        code, count = entry.language.data or "", entry.headcount.data
        if not code and count is None:
            continue
        if code not in LANGUAGES or count is None:
            entry.headcount.errors = [
                *entry.headcount.errors,
                _("A row needs the language and the number of people."),
            ]
            complete = False
            continue
        reach[code] = reach.get(code, 0) + count
    return reach if complete else None


@bp.route("/partners/events/new", methods=["GET", "POST"])
@require_role_page(*PARTNER_ROLES)
def new_event() -> str | Response:
    form = EventForm(held_on=centre_today())
    form.partners.choices = pages.institution_choices(current_staff())
    if form.validate_on_submit() and (reach := _reach(form)) is not None:
        try:
            services.create_event(
                current_staff(),
                title=form.title.data or "",
                kind=EventKind(form.kind.data),
                held_on=form.held_on.data or centre_today(),
                headcount=form.headcount.data or 0,
                place=form.place.data or None,
                online=form.where.data == "online",
                partner_ids=[uuid.UUID(value) for value in form.partners.data or []],
                reach=reach,
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("The event is recorded."), "info")
            return redirect(url_for("partner_pages.events"))
    return render_template("partners/event_new.html", form=form)
