"""Sign-in, sign-out, the account page (language, password, API tokens) and user administration."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from casework.auth import accounts, grants, services, throttle, tokens
from casework.auth.current import current_staff
from casework.auth.forms import (
    AccountEnabledForm,
    ApiTokenForm,
    ChangePasswordForm,
    LanguageForm,
    NewTeamForm,
    NewUserForm,
    PlainForm,
    SignInForm,
    SignOutForm,
)
from casework.auth.fresh import require_fresh_sign_in
from casework.auth.models import Language, Role
from casework.auth.tokens import max_token_days
from casework.db import utcnow
from casework.errors import DomainError, ValidationError
from casework.web.errors import error_text, refuse_on_page, show_on_form
from casework.web.input import local_path
from casework.web.labels import choices
from casework.web.paging import page_cursor

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target after sign-in."""
    return local_path(target, url_for("home.index"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        attempt = throttle.attempt_for_email(form.email.data or "")
        try:
            throttle.refuse_if_throttled(attempt)
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except throttle.SignInThrottled as error:
            return sign_in_views.throttled_page("auth/sign_in.html", form, error, expired=False)
        except services.SignInError:
            sign_in_views.failed_attempt(
                attempt, services.find_user(form.email.data or ""), "password"
            )
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            return sign_in_views.after_password(user, request.args.get("next") or "")
    status = 401 if form.form_errors else 200
    expired = request.args.get("expired") == "1"
    return render_template("auth/sign_in.html", form=form, expired=expired), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if current_user.is_authenticated and current_user.session_token:
        services.end_session(current_user.session_token)
    expired = SignOutForm().expired.data == "1"
    logout_user()
    session.clear()
    if expired:
        return redirect(url_for("auth.sign_in", expired=1))
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/ping", methods=["POST"])
@login_required
def ping() -> tuple[str, int]:
    """The idle warning's "stay signed in": the session's idle clock starts again."""
    if current_user.session_token:
        services.touch_session(current_user.session_token)
    return "", 204


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int, dict[str, str]]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # The current password is checked here too: throttled and audited like sign-in, or a
        # stolen session could guess it without limit.
        attempt = throttle.attempt_for_user(current_staff().id)
        try:
            throttle.refuse_if_throttled(attempt)
            services.change_password(
                current_staff(),
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
            )
        except throttle.SignInThrottled as error:
            return sign_in_views.throttled_page("auth/change_password.html", form, error)
        except ValidationError as error:
            if "current_password" in (error.fields or {}):
                sign_in_views.failed_attempt(attempt, current_staff(), "password")
            form.form_errors.append(error_text(error))
        else:
            logout_user()
            session.clear()
            flash(_("Your password is changed. Sign in with the new one."), "info")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/change_password.html", form=form)


def _language_form() -> LanguageForm:
    form = LanguageForm(language=current_staff().preferred_language.value)
    form.language.choices = choices(Language)
    return form


def _account_page(token_form: ApiTokenForm, new_token: str | None) -> str:
    return render_template(
        "auth/account.html",
        language_form=_language_form(),
        token_form=token_form,
        plain=PlainForm(),
        tokens=tokens.list_api_tokens(current_staff(), cursor=page_cursor()),
        new_token=new_token,
        max_token_days=max_token_days(),
        now=utcnow(),
        approves_role_changes=grants.may_approve_any(current_staff()),
    )


@bp.route("/account", methods=["GET"])
@login_required
def account() -> str:
    return _account_page(ApiTokenForm(formdata=None), None)


@bp.route("/account/language", methods=["POST"])
@login_required
def set_language() -> Response:
    form = _language_form()
    if form.validate_on_submit():
        services.set_preferred_language(current_staff(), Language(form.language.data))
        flash(_("Your interface language is saved."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens", methods=["POST"])
@login_required
@require_fresh_sign_in
def create_token() -> str | Response:
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _, new_token = tokens.create_api_token(
                current_staff(), name=form.name.data or "", days=form.expires_in_days.data
            )
        except ValidationError as error:
            show_on_form(form, error)
    return _account_page(form if new_token is None else ApiTokenForm(formdata=None), new_token)


@bp.route("/account/tokens/<uuid:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: uuid.UUID) -> Response:
    if PlainForm().validate_on_submit():
        tokens.revoke_api_token(current_staff(), token_id)
        flash(_("The token is revoked."), "info")
    return redirect(url_for("auth.account"))


def _new_user_form() -> NewUserForm:
    form = NewUserForm()
    form.roles.choices = choices(Role)
    form.language.choices = choices(Language)
    form.team.choices = [("", _("No team"))] + [
        (str(team.id), team.name) for team in accounts.list_teams(current_staff())
    ]
    return form


def _admin_page(user_form: NewUserForm, team_form: NewTeamForm) -> str:
    return render_template(
        "auth/admin_users.html",
        users=accounts.list_users(current_staff(), cursor=page_cursor()),
        teams=accounts.list_teams(current_staff()),
        pending=grants.pending_changes(current_staff(), limit=10),
        user_form=user_form,
        team_form=team_form,
        plain=PlainForm(),
    )


@bp.route("/admin/users", methods=["GET"])
@login_required
def admin_users() -> str:
    return _admin_page(_new_user_form(), NewTeamForm(formdata=None))


@bp.route("/admin/users", methods=["POST"])
@login_required
@require_fresh_sign_in
def create_user() -> str | Response:
    """A new account is a role grant: it needs a fresh sign-in like every role change."""
    user_form = _new_user_form()
    if user_form.validate_on_submit():
        try:
            user = accounts.admin_create_user(
                current_staff(),
                user_form.email.data or "",
                display_name=user_form.display_name.data or "",
                roles=[Role(role) for role in user_form.roles.data or []],
                password=user_form.password.data or "",
                team_id=uuid.UUID(user_form.team.data) if user_form.team.data else None,
                language=Language(user_form.language.data),
            )
        except DomainError as error:
            user_form.form_errors.append(error_text(error))
        else:
            if grants.pending_for_user(user.id) is not None:
                flash(
                    _(
                        "The account is created; its clinical or administrator roles take effect "
                        "when a second person approves them."
                    ),
                    "info",
                )
            else:
                flash(_("The account is created."), "info")
            return redirect(url_for("auth.admin_users"))
    return _admin_page(user_form, NewTeamForm(formdata=None))


@bp.route("/admin/teams", methods=["POST"])
@login_required
def admin_teams() -> str | Response:
    form = NewTeamForm()
    if form.validate_on_submit():
        try:
            accounts.admin_create_team(current_staff(), form.name.data or "")
        except DomainError as error:
            form.form_errors.append(error_text(error))
        else:
            flash(_("The team is created."), "info")
            return redirect(url_for("auth.admin_users"))
    return _admin_page(_new_user_form(), form)


@bp.route("/admin/users/<uuid:user_id>/enabled", methods=["POST"])
@login_required
def admin_set_enabled(user_id: uuid.UUID) -> Response:
    form = AccountEnabledForm()
    if form.validate_on_submit():
        try:
            accounts.admin_set_enabled(current_staff(), user_id, enabled=form.enabled.data == "1")
        except DomainError as error:
            refuse_on_page(error)
    return redirect(url_for("auth.admin_users"))


# The steps after the password (second factor, confirmation) add their routes to `bp`.
from casework.auth import sign_in_views  # noqa: E402
