"""Who is behind a request and in which language: Flask-Login's and Flask-Babel's hooks."""

from __future__ import annotations

from flask import Request, g, request
from flask_login import current_user

from casework.auth.models import Language, User
from casework.auth.tokens import ApiTokenExpired, user_for_api_token

LANGUAGES = [language.value for language in Language]
#: The locale (dates, numbers) of each interface language; translations still load from the
#: language's own catalogue (gettext falls back from `en_GB` to `en`).
LOCALES = {"en": "en_GB"}


def select_locale() -> str | None:
    """The signed-in user's language, else the browser's best match; English is British English."""
    if current_user and current_user.is_authenticated:
        language: str | None = str(current_user.preferred_language.value)
    else:
        language = request.accept_languages.best_match(LANGUAGES)
    return LOCALES.get(language, language) if language else None


def user_from_bearer_token(request_: Request) -> User | None:
    """Flask-Login's request loader: a personal API token in `Authorization: Bearer ...`."""
    header = request_.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        user = user_for_api_token(token.strip())
    except ApiTokenExpired as refusal:
        g.bearer_token_refusal = refusal.message  # the API's 401 says why
        return None
    if user is not None:
        g.authenticated_by_token = True
    return user
