"""The sign-in steps after the password: the second factor, enrolment when a role requires it,
confirming a sign-in before a sensitive action, and one's own two-factor settings.

Routes on the `auth` blueprint (`casework.auth.views` imports this module). Between the password
and the second factor nothing is signed in: the signed session cookie only names the user who
gave the right password, for a few minutes.
"""

from __future__ import annotations

import logging
import time
import uuid

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response

from casework.audit.services import record
from casework.auth import throttle, two_factor
from casework.auth.current import current_staff
from casework.auth.forms import ConfirmSignInForm, PlainForm, TwoFactorCodeForm
from casework.auth.fresh import mark_authenticated, require_fresh_sign_in
from casework.auth.models import User
from casework.auth.passwords import verify_password
from casework.auth.services import start_session
from casework.auth.views import _safe_next, bp
from casework.db import db
from casework.errors import DomainError
from casework.web.errors import error_text, refuse_on_page

log = logging.getLogger("casework.sign_in")

_PENDING = "sign_in_pending"

Page = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]


# --- what the password step hands over ------------------------------------------------------


def after_password(user: User, next_path: str) -> Response:
    """The password was right: finish, or ask for the second factor (or its enrolment)."""
    session.clear()  # a fresh session: nothing from before sign-in carries over
    if two_factor.is_enrolled(user) or two_factor.required_for(user):
        session[_PENDING] = {"user": str(user.id), "since": time.time(), "next": next_path}
        if two_factor.is_enrolled(user):
            return redirect(url_for("auth.two_factor_sign_in"))
        return redirect(url_for("auth.two_factor_required_setup"))
    return _complete(user, next_path)


def _complete(user: User, next_path: str) -> Response:
    session.clear()
    token = start_session(user)
    mark_authenticated(token)
    login_user(user)
    return redirect(_safe_next(next_path))


def _pending_user() -> tuple[User, str] | None:
    """The user who gave the right password in the last minutes, and where they were going."""
    pending = session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    window = current_app.config["CASEWORK_FRESH_SIGN_IN_MINUTES"] * 60
    if time.time() - float(pending.get("since", 0)) > window:
        session.pop(_PENDING, None)
        return None
    user = db.session.get(User, uuid.UUID(pending["user"]))
    if user is None or not user.is_enabled:
        return None
    return user, str(pending.get("next") or "")


def failed_attempt(attempt: throttle.Attempt, user: User | None, factor: str) -> None:
    """Count, audit and log a failed attempt; the event is kept although the answer is 4xx."""
    user_id = user.id if user else None
    throttle.count_failure(attempt)
    db.session.rollback()  # nothing else of this request is kept
    record(
        "sign_in_failed",
        actor=None,
        object_type="user",
        object_id=user_id,
        fields=[factor],
    )
    db.session.commit()
    # The account by id, never the e-mail typed: it may be someone's mistyped password.
    log.warning(
        "sign-in failed: factor=%s account=%s address=%s",
        factor,
        user_id or "unknown",
        attempt.address,
    )


def throttled_page(
    template: str, form: FlaskForm, error: throttle.SignInThrottled, **context: object
) -> tuple[str, int, dict[str, str]]:
    """The form again, with the wait, as 429 with Retry-After (not audited: no check was made)."""
    log.warning("sign-in throttled: address=%s", throttle.client_address())
    form.form_errors.append(error_text(error))
    page = render_template(template, form=form, **context)
    return page, 429, {"Retry-After": str(error.retry_after)}


# --- the second step --------------------------------------------------------------------------


@bp.route("/sign-in/code", methods=["GET", "POST"])
def two_factor_sign_in() -> Page:
    pending = _pending_user()
    if pending is None:
        return redirect(url_for("auth.sign_in"))
    user, next_path = pending
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        attempt = throttle.attempt_for_user(user.id)
        try:
            throttle.refuse_if_throttled(attempt)
        except throttle.SignInThrottled as error:
            return throttled_page("auth/two_factor_code.html", form, error)
        if two_factor.verify(user, form.code.data or ""):
            return _complete(user, next_path)
        failed_attempt(attempt, user, "code")
        form.code.errors = [_("The code is wrong or was already used.")]
        return render_template("auth/two_factor_code.html", form=form), 401
    return render_template("auth/two_factor_code.html", form=form)


@bp.route("/sign-in/two-factor-setup", methods=["GET", "POST"])
def two_factor_required_setup() -> Page:
    """Enrolment that a role requires, between the password and the first page."""
    pending = _pending_user()
    if pending is None:
        return redirect(url_for("auth.sign_in"))
    user, next_path = pending
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        attempt = throttle.attempt_for_user(user.id)
        try:
            throttle.refuse_if_throttled(attempt)
            codes = two_factor.confirm_enrolment(user, form.code.data or "")
        except throttle.SignInThrottled as error:
            return throttled_page("auth/two_factor_setup.html", form, error, **_setup(user))
        except DomainError as error:
            failed_attempt(attempt, user, "code")
            form.code.errors = [error_text(error)]
            return render_template("auth/two_factor_setup.html", form=form, **_setup(user)), 401
        _complete(user, next_path)
        return render_template("auth/recovery_codes.html", codes=codes, next=_safe_next(next_path))
    return render_template("auth/two_factor_setup.html", form=form, required=True, **_setup(user))


def _setup(user: User) -> dict[str, object]:
    """The secret being enrolled, as text and as a QR code (a new one when none is pending)."""
    credential = two_factor.pending_enrolment(user) or two_factor.begin_enrolment(user)
    uri = two_factor.provisioning_uri(user, credential)
    return {"secret": credential.secret, "qr": Markup(two_factor.qr_svg(uri))}  # noqa: S704


# --- confirming before a sensitive action -------------------------------------------------------


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm() -> Page:
    user = current_staff()
    enrolled = two_factor.is_enrolled(user)
    form = ConfirmSignInForm()
    next_path = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        attempt = throttle.attempt_for_user(user.id)
        try:
            throttle.refuse_if_throttled(attempt)
        except throttle.SignInThrottled as error:
            return throttled_page("auth/confirm.html", form, error, enrolled=enrolled)
        if not verify_password(user.password_hash, form.password.data or ""):
            failed_attempt(attempt, user, "password")
            form.password.errors = [_("The password is wrong.")]
        elif enrolled and not two_factor.verify(user, form.code.data or ""):
            failed_attempt(attempt, user, "code")
            form.code.errors = [_("The code is wrong or was already used.")]
        else:
            mark_authenticated(user.session_token or "")
            return redirect(next_path)
        return render_template("auth/confirm.html", form=form, enrolled=enrolled), 401
    return render_template("auth/confirm.html", form=form, enrolled=enrolled)


# --- one's own two-factor settings --------------------------------------------------------------


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@require_fresh_sign_in
def two_factor_settings() -> Page:
    """Turn two-factor sign-in on (scan, confirm with a code), or see and change it."""
    user = current_staff()
    if two_factor.is_enrolled(user):
        return render_template(
            "auth/two_factor_settings.html",
            plain=PlainForm(),
            unused=two_factor.unused_recovery_codes(user),
            required=two_factor.required_for(user),
        )
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, form.code.data or "")
        except DomainError as error:
            form.code.errors = [error_text(error)]
            return render_template("auth/two_factor_setup.html", form=form, **_setup(user)), 422
        return render_template(
            "auth/recovery_codes.html", codes=codes, next=url_for("auth.account")
        )
    return render_template("auth/two_factor_setup.html", form=form, **_setup(user))


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
@require_fresh_sign_in
def regenerate_recovery_codes() -> Page:
    if not PlainForm().validate_on_submit():
        return redirect(url_for("auth.two_factor_settings"))
    try:
        codes = two_factor.regenerate_recovery_codes(current_staff())
    except DomainError as error:
        refuse_on_page(error)
        return redirect(url_for("auth.two_factor_settings"))
    return render_template("auth/recovery_codes.html", codes=codes, next=url_for("auth.account"))


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@require_fresh_sign_in
def disable_two_factor() -> Response:
    if PlainForm().validate_on_submit():
        try:
            two_factor.disable(current_staff())
        except DomainError as error:
            refuse_on_page(error)
            return redirect(url_for("auth.two_factor_settings"))
        flash(_("Two-factor sign-in is off."), "info")
    return redirect(url_for("auth.account"))
