"""Fresh sign-in: actions that need the password (and second factor) given in the last minutes.

A stolen session cookie left open on a shared computer, or a leaked API token, must not be
enough to export a client's file, erase a client, create a token or change roles. Each sign-in
and each confirmation stamps the session's `authenticated_at`; `require_fresh_sign_in` wants it
within `CASEWORK_FRESH_SIGN_IN_MINUTES` (5).

Pages send the user to the confirmation page and back (a same-site path only). The API answers
403 problem JSON: a personal API token is never fresh (it is a long-lived credential), so these
API calls need the browser session, confirmed at /confirm within the last minutes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from flask import current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from casework.auth.models import UserSession
from casework.db import db, utcnow
from casework.errors import Forbidden
from casework.web.errors import is_api_request
from casework.web.input import local_path

P = ParamSpec("P")
R = TypeVar("R")


class FreshSignInRequired(Forbidden):
    title = "Fresh sign-in required"


def _token_hash(token: str) -> str:
    # The same digest as `services.start_session` stores (SHA-256 of the cookie's token).
    return hashlib.sha256(token.encode()).hexdigest()


def mark_authenticated(session_token: str) -> None:
    """The password (and second factor) were just given in this session."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(session_token))
        .values(authenticated_at=utcnow())
    )


def authenticated_at() -> datetime | None:
    """When this request's browser session last gave its password; None for an API token."""
    if g.get("authenticated_by_token") or not current_user.is_authenticated:
        return None
    token = current_user.session_token
    if not token:
        return None
    return db.session.scalar(
        select(UserSession.authenticated_at).where(
            UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None)
        )
    )


def is_fresh() -> bool:
    when = authenticated_at()
    window = timedelta(minutes=current_app.config["CASEWORK_FRESH_SIGN_IN_MINUTES"])
    return when is not None and utcnow() - when <= window


def refuse_unless_fresh() -> None:
    """Raise FreshSignInRequired (403) unless this request's session is freshly confirmed."""
    if is_fresh():
        return
    if g.get("authenticated_by_token"):
        raise FreshSignInRequired(
            "a personal API token cannot do this; confirm your password in the browser and use "
            "that session within 5 minutes"
        )
    raise FreshSignInRequired(
        "confirm your password to continue: this needs a sign-in within the last 5 minutes"
    )


def require_fresh_sign_in(view: Callable[P, R]) -> Callable[P, R]:
    """Decorate a view (page or API) whose action needs a fresh sign-in.

    A page sends the user to confirm and back: a GET returns to itself, a POST to the page the
    form was on (its data is not replayed; the user repeats the action). The API answers 403.
    """

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if is_api_request() or not current_user.is_authenticated or is_fresh():
            if current_user.is_authenticated:
                refuse_unless_fresh()
            return view(*args, **kwargs)
        get = request.method == "GET"
        back = request.full_path.rstrip("?") if get else _same_site_referrer()
        flash(_("Confirm your password to continue, then repeat the action."), "info")
        return redirect(url_for("auth.confirm", next=back))  # type: ignore[return-value]

    return guarded


def _same_site_referrer() -> str:
    """The path of the page the form was posted from, if it is on this site."""
    referrer = request.referrer or ""
    root = request.host_url
    if referrer.startswith(root):
        return local_path("/" + referrer[len(root) :], url_for("home.index"))
    return url_for("home.index")
