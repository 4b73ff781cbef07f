"""Pages of one's sign-in sessions, of a user's roles and team, and of role changes waiting for
a second person. Role changes and approvals stay views of their own, so the fresh sign-in check
can be put on exactly them."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casework.auth import accounts, grants, sessions
from casework.auth.account_forms import RolesAndTeamForm
from casework.auth.current import current_staff, require_role_page
from casework.auth.forms import PlainForm
from casework.auth.fresh import require_fresh_sign_in
from casework.auth.models import Role, User
from casework.errors import DomainError
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.labels import choices
from casework.web.paging import page_cursor

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/account/sessions", methods=["GET"])
@login_required
def sessions_page() -> str:
    return render_template(
        "auth/sessions.html",
        sessions=sessions.live_sessions(current_staff(), current_token=current_user.session_token),
        plain=PlainForm(),
    )


@bp.route("/account/sessions/<uuid:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: uuid.UUID) -> Response:
    if PlainForm().validate_on_submit():
        sessions.end_one_session(current_staff(), session_id)
        flash(_("That session is signed out."), "info")
    return redirect(url_for("accounts.sessions_page"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    if PlainForm().validate_on_submit():
        sessions.end_other_sessions(current_staff(), current_token=current_user.session_token)
        flash(_("Every other session is signed out."), "info")
    return redirect(url_for("accounts.sessions_page"))


def _roles_form(user: User, *, formdata: bool) -> RolesAndTeamForm:
    defaults = {
        "roles": sorted(role.value for role in user.roles),
        "team": str(user.team_id) if user.team_id else "",
    }
    form = RolesAndTeamForm(**({} if formdata else {"formdata": None}), data=defaults)
    form.roles.choices = choices(Role)
    form.team.choices = [("", _("No team"))] + [
        (str(team.id), team.name) for team in accounts.list_teams(current_staff())
    ]
    return form


def _user_page(user: User, form: RolesAndTeamForm) -> str:
    return render_template(
        "auth/admin_user.html",
        user=user,
        form=form,
        pending=grants.pending_for_user(user.id),
        plain=PlainForm(),
        two_person_roles=grants.TWO_PERSON_ROLES,
    )


@bp.route("/admin/users/<uuid:user_id>", methods=["GET"])
@login_required
def admin_user(user_id: uuid.UUID) -> str:
    user = accounts.user_to_edit(current_staff(), user_id)
    return _user_page(user, _roles_form(user, formdata=False))


@bp.route("/admin/users/<uuid:user_id>/roles", methods=["POST"])
@login_required
@require_fresh_sign_in
def change_roles(user_id: uuid.UUID) -> str | Response:
    """Kept a view of its own: the coordinator puts the fresh sign-in check on it."""
    user = accounts.user_to_edit(current_staff(), user_id)
    form = _roles_form(user, formdata=True)
    if form.validate_on_submit():
        try:
            outcome = accounts.change_roles_and_team(
                current_staff(),
                user_id,
                roles=[Role(role) for role in form.roles.data or []],
                team_id=uuid.UUID(form.team.data) if form.team.data else None,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            if outcome.proposed is not None:
                flash(_("The change waits for a second person's approval."), "info")
            elif outcome.applied is not None:
                flash(_("The roles and team are saved."), "info")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("accounts.admin_user", user_id=user_id))
    return _user_page(user, form)


@bp.route("/role-changes", methods=["GET"])
@require_role_page(Role.ADMIN, Role.SUPERVISOR)
def role_changes() -> str:
    """Role changes waiting for approval: administrators see all, supervisors their teams'."""
    actor = current_staff()
    page = grants.pending_changes(actor, cursor=page_cursor())
    return render_template(
        "auth/role_changes.html",
        page=page,
        changes=page.items,
        decidable=grants.decidable(actor, page.items),
        plain=PlainForm(),
    )


@bp.route("/role-changes/<uuid:change_id>/approve", methods=["POST"])
@login_required
@require_fresh_sign_in
def approve_role_change(change_id: uuid.UUID) -> Response:
    """Kept a view of its own: the coordinator puts the fresh sign-in check on it."""
    if PlainForm().validate_on_submit():
        try:
            grants.approve(current_staff(), change_id)
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(_("The role change is approved and in effect."), "info")
    return redirect(url_for("accounts.role_changes"))


@bp.route("/role-changes/<uuid:change_id>/reject", methods=["POST"])
@login_required
def reject_role_change(change_id: uuid.UUID) -> Response:
    if PlainForm().validate_on_submit():
        grants.reject(current_staff(), change_id)
        flash(_("The role change is rejected."), "info")
    return redirect(url_for("accounts.role_changes"))
