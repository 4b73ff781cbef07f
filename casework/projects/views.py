"""The project pages: the list, a new project, and a project with its targets and attribution."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.errors import DomainError
from casework.projects import pages, services
from casework.projects.forms import (
    AttributionForm,
    ConsultationPeriodForm,
    ProjectEditForm,
    ProjectForm,
    RemoveTargetForm,
    TargetForm,
)
from casework.projects.scope import ActivityKind
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.filters import localised
from casework.web.paging import page_cursor

bp = Blueprint("project_pages", __name__, template_folder="templates")


@bp.route("/projects")
@login_required
def index() -> str:
    shown = pages.projects_page(current_staff(), cursor=page_cursor())
    return render_template("projects/index.html", page=shown.page, may_manage=shown.may_manage)


@bp.route("/projects/new", methods=["GET", "POST"])
@require_role_page(*policy.MANAGE_PROJECTS.roles)
def new() -> str | Response:
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = services.create_project(
                current_staff(),
                name=form.name.data or "",
                funder=form.funder.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                budget=form.budget.data,
                notes=form.notes.data,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The project is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project.id))
    return render_template("projects/new.html", form=form)


def _attribution_form(shown: pages.ProjectPage) -> AttributionForm:
    """The checklists of what the page offers, ticked as attributed (on the first showing)."""
    form = AttributionForm()
    options, detail = shown.options, shown.detail
    if options is None:
        return form
    form.services.choices = [(s.code, localised(s.name)) for s in options.services]
    form.runs.choices = [(str(key), name) for key, name, _day in options.runs]
    form.events.choices = [(str(key), title) for key, title, _day in options.events]
    form.trainings.choices = [(str(key), title) for key, title, _day in options.trainings]
    if request.method == "GET":
        form.services.data = list(detail.service_codes)
        form.runs.data = [str(key) for key in detail.run_ids]
        form.events.data = [str(key) for key in detail.event_ids]
        form.trainings.data = [str(key) for key in detail.training_ids]
    return form


def _render(
    shown: pages.ProjectPage,
    *,
    project_form: ProjectEditForm | None = None,
    target_form: TargetForm | None = None,
    attribution_form: AttributionForm | None = None,
    period_form: ConsultationPeriodForm | None = None,
) -> str:
    return render_template(
        "projects/show.html",
        detail=shown.detail,
        may_manage=shown.may_manage,
        project_form=project_form or ProjectEditForm(prefix="project", obj=shown.detail.project),
        target_form=target_form or TargetForm(prefix="target"),
        attribution_form=attribution_form or _attribution_form(shown),
        period_form=period_form or ConsultationPeriodForm(prefix="period"),
    )


@bp.route("/projects/<uuid:project_id>", methods=["GET"])
@login_required
def show(project_id: uuid.UUID) -> str:
    return _render(pages.project_page(current_staff(), project_id))


@bp.route("/projects/<uuid:project_id>/edit", methods=["POST"])
@login_required
def edit(project_id: uuid.UUID) -> str | Response:
    shown = pages.project_page(current_staff(), project_id)
    form = ProjectEditForm(prefix="project")
    if form.validate_on_submit():
        try:
            services.update_project(
                current_staff(),
                project_id,
                expected_version=form.expected_version,
                name=form.name.data or "",
                funder=form.funder.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                budget=form.budget.data,
                notes=form.notes.data,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The project is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(shown, project_form=form)


@bp.route("/projects/<uuid:project_id>/targets", methods=["POST"])
@login_required
def target(project_id: uuid.UUID) -> str | Response:
    shown = pages.project_page(current_staff(), project_id)
    form = TargetForm(prefix="target")
    if form.validate_on_submit():
        try:
            services.set_targets(
                current_staff(), project_id, {form.indicator_key.data or "": form.target_value.data}
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The target is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(shown, target_form=form)


@bp.route("/projects/<uuid:project_id>/targets/remove", methods=["POST"])
@login_required
def remove_target(project_id: uuid.UUID) -> Response:
    form = RemoveTargetForm()
    if form.validate_on_submit():
        try:
            services.set_targets(current_staff(), project_id, {form.indicator_key.data: None})
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(_("The target is removed."), "info")
    return redirect(url_for("project_pages.show", project_id=project_id))


@bp.route("/projects/<uuid:project_id>/attribution", methods=["POST"])
@login_required
def attribution(project_id: uuid.UUID) -> str | Response:
    """The checklists replace what is listed among the activities the page offered."""
    shown = pages.project_page(current_staff(), project_id)
    form = _attribution_form(shown)
    if form.validate_on_submit():
        chosen = {
            ActivityKind.SERVICE: form.services,
            ActivityKind.GROUP_RUN: form.runs,
            ActivityKind.EVENT: form.events,
            ActivityKind.TRAINING: form.trainings,
        }
        try:
            services.replace_attribution(
                current_staff(),
                project_id,
                {
                    kind: (
                        list(field.data or []),
                        [str(value) for value, _label in field.choices],  # type: ignore[misc]
                    )
                    for kind, field in chosen.items()
                },
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The attribution is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(shown, attribution_form=form)


@bp.route("/projects/<uuid:project_id>/consultations", methods=["POST"])
@login_required
def consultations(project_id: uuid.UUID) -> str | Response:
    shown = pages.project_page(current_staff(), project_id)
    form = ConsultationPeriodForm(prefix="period")
    if form.validate_on_submit():
        try:
            added = services.attribute_consultations_between(
                current_staff(),
                project_id,
                date_from=form.date_from.data,
                date_to=form.date_to.data,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("Consultations attributed: %(count)d.", count=added), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(shown, period_form=form)
