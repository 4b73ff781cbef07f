"""The peer leaders' pages: the register of peer leaders and volunteers (coordinators and
supervisors), a leader's record with trainings and the runs they lead, and the run page's form
choosing who leads a run (its managers)."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.errors import DomainError
from casework.groups.leader_forms import (
    LANGUAGE_NAMES,
    GiveMentoringForm,
    LeaderEditForm,
    LeaderForm,
    RunLeadersForm,
    TrainingForm,
)
from casework.groups.services import leaders
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.paging import page_cursor

bp = Blueprint("leader_pages", __name__, template_folder="templates")


@bp.route("/leaders")
@require_role_page(*policy.KEEP_LEADERS.roles)
def index() -> str:
    """Peer leaders and volunteers (everyone, or only the active ones with ?active=1)."""
    active_only = request.args.get("active") == "1"
    page = leaders.list_leaders(current_staff(), active_only=active_only, cursor=page_cursor())
    return render_template(
        "groups/leaders.html", page=page, active_only=active_only, languages=LANGUAGE_NAMES
    )


@bp.route("/leaders/new", methods=["GET", "POST"])
@require_role_page(*policy.KEEP_LEADERS.roles)
def new() -> str | Response:
    form = LeaderForm()
    form.offering(leaders.academy_run_choices(current_staff()))
    if form.validate_on_submit():
        try:
            leader = leaders.add_leader(
                current_staff(),
                kind=form.kind_value,
                name=form.name.data or "",
                contact=form.contact.data,
                languages=form.languages.data or [],
                academy_run_id=form.academy_run_id,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The record is saved; they have no account and no access."), "info")
            return redirect(url_for("leader_pages.show", leader_id=leader.id))
    return render_template("groups/leader_new.html", form=form)


@bp.route("/leaders/<uuid:leader_id>", methods=["GET", "POST"])
@require_role_page(*policy.KEEP_LEADERS.roles)
def show(leader_id: uuid.UUID) -> str | Response:
    """A leader's record (editable), their trainings and the runs they lead."""
    user = current_staff()
    detail = leaders.get_leader(user, leader_id)
    form = LeaderEditForm()
    form.offering(leaders.academy_run_choices(user))
    if form.validate_on_submit():
        try:
            leaders.update_leader(
                user,
                leader_id,
                expected_version=form.expected_version,
                kind=form.kind_value,
                name=form.name.data or "",
                contact=form.contact.data,
                languages=form.languages.data or [],
                is_active=form.is_active.data,
                academy_run_id=form.academy_run_id,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The record is saved."), "info")
            return redirect(url_for("leader_pages.show", leader_id=leader_id))
    elif not form.is_submitted():
        form.showing(detail.leader)
    return render_template(
        "groups/leader.html",
        detail=detail,
        form=form,
        training_form=TrainingForm(formdata=None),
        languages=LANGUAGE_NAMES,
    )


@bp.route("/leaders/<uuid:leader_id>/trainings", methods=["POST"])
@require_role_page(*policy.KEEP_LEADERS.roles)
def add_training(leader_id: uuid.UUID) -> str | Response | tuple[str, int]:
    user = current_staff()
    form = TrainingForm()
    if form.validate_on_submit():
        try:
            leaders.add_training(
                user, leader_id, title=form.title.data or "", completed_on=form.completed_on.data
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The training is recorded."), "info")
            return redirect(url_for("leader_pages.show", leader_id=leader_id))
    detail = leaders.get_leader(user, leader_id)
    edit = LeaderEditForm(formdata=None)
    edit.offering(leaders.academy_run_choices(user))
    edit.showing(detail.leader)
    return render_template(
        "groups/leader.html",
        detail=detail,
        form=edit,
        training_form=form,
        languages=LANGUAGE_NAMES,
    ), 422


@bp.route("/groups/<uuid:run_id>/leaders", methods=["POST"])
@login_required
def run_leaders(run_id: uuid.UUID) -> Response:
    """The run page's form: the peer leaders who lead the run."""
    user = current_staff()
    form = RunLeadersForm().offering(leaders.run_leaders(user, run_id).options)
    if not form.validate_on_submit():
        flash(_("Choose peer leaders from the list."), "error")
    else:
        try:
            leaders.set_run_leaders(user, run_id, form.leader_ids)
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(_("Who leads the run is saved."), "info")
    return redirect(url_for("group_pages.run", run_id=run_id))


@bp.route("/groups/<uuid:run_id>/mentoring/<uuid:session_id>/leader", methods=["POST"])
@login_required
def give_mentoring(run_id: uuid.UUID, session_id: uuid.UUID) -> Response:
    """The run page's form: which peer leader gives a cohort mentoring session."""
    form = GiveMentoringForm()
    if not form.validate_on_submit():
        flash(_("Choose peer leaders from the list."), "error")
    else:
        try:
            leaders.give_mentoring(
                current_staff(),
                session_id,
                leader_id=form.leader_id,
                expected_version=form.expected_version,
                run_id=run_id,
            )
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(_("Who gives the mentoring session is saved."), "info")
    return redirect(url_for("group_pages.run", run_id=run_id))
