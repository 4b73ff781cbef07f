"""The consultant's pages: the fast consultation log form, "my consultations", a consultation
(linking it to a registered client), and the consultation statistics."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.clients.models import Gender, MigrationReason
from casework.clock import centre_today
from casework.consultations import pages, services, stats
from casework.consultations.forms import (
    LANGUAGES,
    ConsultationForm,
    LinkClientForm,
    StatisticsForm,
)
from casework.consultations.models import AgeGroup, Channel
from casework.errors import DomainError, ValidationError
from casework.web.errors import show_on_form
from casework.web.filters import localised
from casework.web.paging import page_cursor

bp = Blueprint("consultation_pages", __name__, template_folder="templates")


def _form() -> ConsultationForm:
    own = str(current_staff().preferred_language.value)
    form = ConsultationForm(consulted_on=centre_today(), language=own if own in LANGUAGES else "pl")
    form.topics.choices = [
        SelectChoice(topic.code, localised(topic.name)) for topic in services.list_topics()
    ]
    form.offer_clients(services.linkable_clients(current_staff()))
    return form


@bp.route("/consultations/new", methods=["GET", "POST"])
@require_role_page(*policy.LOG_CONSULTATIONS.roles)
def new() -> str | Response:
    """Log a consultation; after saving, a fresh form with a confirmation and today's count."""
    form = _form()
    if form.validate_on_submit():
        try:
            services.log_consultation(
                current_staff(),
                consulted_on=form.consulted_on.data or centre_today(),
                channel=Channel(form.channel.data),
                language=form.language.data or "",
                topic_codes=list(form.topics.data or []),
                duration_minutes=form.duration_minutes.data or 0,
                client_id=form.client_id,
                gender=Gender(form.gender.data) if form.gender.data else None,
                age_group=AgeGroup(form.age_group.data) if form.age_group.data else None,
                nationality=form.nationality.data or None,
                migration_reason=(
                    MigrationReason(form.migration_reason.data)
                    if form.migration_reason.data
                    else None
                ),
                visitor_document=form.visitor_document.data or None,
                visitor_phone=form.visitor_phone.data or None,
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("The consultation is logged."), "info")
            return redirect(url_for("consultation_pages.new"))
    return render_template(
        "consultations/new.html",
        form=form,
        logged_today=services.count_logged_on(current_staff(), centre_today()),
    )


@bp.route("/consultations")
@require_role_page(*policy.CONSULTATION_STATISTICS.roles)
def mine() -> str | Response:
    """The consultant's own consultations, newest first, a page at a time (others: figures)."""
    if not policy.LOG_CONSULTATIONS.allows(current_staff()):
        return redirect(url_for("consultation_pages.statistics"))
    page = services.list_consultations(
        current_staff(),
        services.ConsultationFilters(consultant_id=current_staff().id),
        cursor=page_cursor(),
        limit=25,
    )
    return render_template("consultations/mine.html", page=page, languages=LANGUAGES)


@bp.route("/consultations/<uuid:consultation_id>", methods=["GET", "POST"])
@require_role_page(*policy.CONSULTATION_FIGURES.roles)
def show(consultation_id: uuid.UUID) -> str | Response:
    """A consultation; its consultant links an anonymous one to a registered client."""
    shown = pages.consultation_page(current_staff(), consultation_id)
    form = LinkClientForm.offering(shown.clients)
    if shown.may_link and form.validate_on_submit():
        try:
            services.link_client(
                current_staff(),
                consultation_id,
                form.client_id,
                expected_version=form.version.data or 0,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The consultation is linked to the client."), "info")
            return redirect(url_for("consultation_pages.show", consultation_id=consultation_id))
    if not form.is_submitted():
        form.version.data = shown.consultation.version
    return render_template("consultations/show.html", shown=shown, form=form, languages=LANGUAGES)


@bp.route("/consultations/statistics")
@require_role_page(*policy.CONSULTATION_STATISTICS.roles)
def statistics() -> str:
    """Counts of the consultations one may count, for a period, small cells suppressed."""
    form = StatisticsForm(request.args)
    form.validate()
    start, end = form.period(centre_today())
    figures = stats.statistics(current_staff(), consulted_from=start, consulted_to=end)
    return render_template(
        "consultations/statistics.html",
        form=form,
        figures=figures,
        names=pages.statistics_names(figures),
    )
