"""The project pages: the list, a new project, and a project with its targets and attribution."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casework.errors import DomainError, NotFound
from casework.form_errors import show_on_form
from casework.policy import may_see_projects
from casework.projects import services
from casework.projects.forms import (
    AttributionForm,
    ConsultationPeriodForm,
    ProjectForm,
    TargetForm,
)
from casework.projects.scope import ActivityKind

bp = Blueprint("project_pages", __name__, template_folder="templates")


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _may_manage() -> bool:
    return bool(_me().has_role(*services.MANAGER_ROLES))


@bp.route("/projects")
@login_required
def index() -> str:
    if not may_see_projects(_me()):
        raise NotFound("no such page")
    page = services.list_projects(_me(), cursor=request.args.get("after") or None, limit=50)
    return render_template("projects/index.html", page=page, may_manage=_may_manage())


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    if not _may_manage():
        raise NotFound("no such page")
    form = ProjectForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            project = services.create_project(
                _me(),
                name=form.name.data or "",
                funder=form.funder.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                budget=form.budget.data,
                notes=form.notes.data,
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The project is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project.id))
    return render_template("projects/new.html", form=form)


def _attribution_form(detail: services.ProjectDetail, options: Any) -> AttributionForm:
    language = str(get_locale() or "pl")
    form = AttributionForm()
    form.services.choices = [(s.code, s.label(language)) for s in options.services]
    form.runs.choices = [(str(key), name) for key, name, _day in options.runs]
    form.events.choices = [(str(key), title) for key, title, _day in options.events]
    form.trainings.choices = [(str(key), title) for key, title, _day in options.trainings]
    if request.method == "GET":
        form.services.data = list(detail.service_codes)
        form.runs.data = [str(key) for key in detail.run_ids]
        form.events.data = [str(key) for key in detail.event_ids]
        form.trainings.data = [str(key) for key in detail.training_ids]
    return form


def _project_form(detail: services.ProjectDetail) -> ProjectForm:
    return ProjectForm(prefix="project", obj=detail.project)


@bp.route("/projects/<uuid:project_id>", methods=["GET"])
@login_required
def show(project_id: uuid.UUID) -> str:
    detail = services.get_project(_me(), project_id)
    return _render(detail)


def _render(
    detail: services.ProjectDetail,
    *,
    project_form: ProjectForm | None = None,
    target_form: TargetForm | None = None,
    attribution_form: AttributionForm | None = None,
    period_form: ConsultationPeriodForm | None = None,
) -> str:
    may_manage = _may_manage()
    if may_manage:
        options = services.attribution_options(_me())
        attribution_form = attribution_form or _attribution_form(detail, options)
        project_form = project_form or _project_form(detail)
    return render_template(
        "projects/show.html",
        detail=detail,
        may_manage=may_manage,
        project_form=project_form,
        target_form=target_form or TargetForm(prefix="target"),
        attribution_form=attribution_form,
        period_form=period_form or ConsultationPeriodForm(prefix="period"),
    )


@bp.route("/projects/<uuid:project_id>/edit", methods=["POST"])
@login_required
def edit(project_id: uuid.UUID) -> str | Response:
    detail = services.get_project(_me(), project_id)
    form = ProjectForm(prefix="project")
    if form.validate_on_submit():
        version = request.form.get("version", "")
        try:
            services.update_project(
                _me(),
                project_id,
                expected_version=int(version) if version.isascii() and version.isdigit() else None,
                name=form.name.data or "",
                funder=form.funder.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                budget=form.budget.data,
                notes=form.notes.data,
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The project is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(detail, project_form=form)


@bp.route("/projects/<uuid:project_id>/targets", methods=["POST"])
@login_required
def target(project_id: uuid.UUID) -> str | Response:
    detail = services.get_project(_me(), project_id)
    form = TargetForm(prefix="target")
    if form.validate_on_submit():
        try:
            services.set_targets(
                _me(), project_id, {form.indicator_key.data or "": form.target_value.data}
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The target is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(detail, target_form=form)


@bp.route("/projects/<uuid:project_id>/targets/remove", methods=["POST"])
@login_required
def remove_target(project_id: uuid.UUID) -> Response:
    key = request.form.get("indicator_key", "")
    try:
        services.set_targets(_me(), project_id, {key: None})
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(_("The target is removed."), "info")
    return redirect(url_for("project_pages.show", project_id=project_id))


@bp.route("/projects/<uuid:project_id>/attribution", methods=["POST"])
@login_required
def attribution(project_id: uuid.UUID) -> str | Response:
    """The checklists replace what is listed among the activities the page offered."""
    detail = services.get_project(_me(), project_id)
    options = services.attribution_options(_me())
    form = _attribution_form(detail, options)
    if form.validate_on_submit():
        try:
            for kind, field in (
                (ActivityKind.SERVICE, form.services),
                (ActivityKind.GROUP_RUN, form.runs),
                (ActivityKind.EVENT, form.events),
                (ActivityKind.TRAINING, form.trainings),
            ):
                chosen = set(field.data or [])
                offered = {str(value) for value, _label in field.choices}  # type: ignore[misc]
                services.attribute(
                    _me(),
                    project_id,
                    kind=kind,
                    add=sorted(chosen),
                    remove=sorted(offered - chosen),
                )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The attribution is saved."), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(detail, attribution_form=form)


@bp.route("/projects/<uuid:project_id>/consultations", methods=["POST"])
@login_required
def consultations(project_id: uuid.UUID) -> str | Response:
    detail = services.get_project(_me(), project_id)
    form = ConsultationPeriodForm(prefix="period")
    if form.validate_on_submit():
        try:
            added = services.attribute_consultations_between(
                _me(), project_id, date_from=form.date_from.data, date_to=form.date_to.data
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("Consultations attributed: %(count)d.", count=added), "info")
            return redirect(url_for("project_pages.show", project_id=project_id))
    return _render(detail, period_form=form)
