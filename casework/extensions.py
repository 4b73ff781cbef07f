"""Flask extensions, created unbound and wired in `create_app`."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from casework.auth.models import Language

LANGUAGES = [language.value for language in Language]

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = None  # the sign-in page explains itself
login_manager.session_protection = "basic"

csrf = CSRFProtect()


def select_locale() -> str | None:
    """The signed-in user's language, else the browser's best match."""
    if current_user and current_user.is_authenticated:
        return str(current_user.preferred_language.value)
    return request.accept_languages.best_match(LANGUAGES)


babel = Babel()


def user_from_bearer_token(request_: object) -> object | None:
    """Flask-Login's request loader: a personal API token in `Authorization: Bearer ...`."""
    from flask import g

    from casework.auth.services import user_for_api_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = user_for_api_token(token.strip())
    if user is not None:
        g.authenticated_by_token = True
    return user
