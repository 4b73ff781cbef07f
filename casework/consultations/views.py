"""The consultant's pages: the fast consultation log form and "my consultations"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.clients.models import Gender, MigrationReason
from casework.clock import centre_today
from casework.consultations import services
from casework.consultations.forms import LANGUAGES, ConsultationForm
from casework.consultations.models import AgeGroup, Channel
from casework.errors import ValidationError
from casework.web.errors import show_on_form
from casework.web.filters import localised

bp = Blueprint("consultation_pages", __name__, template_folder="templates")


def _form() -> ConsultationForm:
    own = str(current_staff().preferred_language.value)
    form = ConsultationForm(consulted_on=centre_today(), language=own if own in LANGUAGES else "pl")
    form.topics.choices = [
        SelectChoice(topic.code, localised(topic.name)) for topic in services.list_topics()
    ]
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
@require_role_page(*policy.LOG_CONSULTATIONS.roles)
def mine() -> str:
    """The consultant's own consultations, newest first, a page at a time."""
    page = services.list_consultations(
        current_staff(),
        services.ConsultationFilters(consultant_id=current_staff().id),
        cursor=request.args.get("after") or None,
        limit=25,
    )
    return render_template("consultations/mine.html", page=page, languages=LANGUAGES)
