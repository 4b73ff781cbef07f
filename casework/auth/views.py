"""Sign-in, sign-out and password pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from casework.auth import services
from casework.auth.forms import ChangePasswordForm, SignInForm
from casework.errors import ValidationError

bp = Blueprint("auth", __name__, template_folder="../templates")


def _safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except services.SignInError:
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            session.clear()  # a fresh session: nothing from before sign-in carries over
            services.start_session(user)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if form.form_errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if current_user.is_authenticated and current_user.session_token:
        services.end_session(current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(),
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
            )
        except ValidationError as error:
            form.form_errors.append(error.message)
        else:
            logout_user()
            session.clear()
            flash(_("Your password is changed. Sign in with the new one."), "info")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/change_password.html", form=form)
