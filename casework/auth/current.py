"""The signed-in staff member, typed, and pages only some roles have."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask_login import current_user, login_required
from werkzeug.exceptions import Unauthorized

from casework.auth.models import Role, User
from casework.errors import NotFound

P = ParamSpec("P")
R = TypeVar("R")


def current_staff() -> User:
    """The signed-in user behind Flask-Login's proxy (views behind `login_required` only)."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise Unauthorized()
    return user


def require_role_page(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A page for signed-in staff holding one of `roles`; to anyone else it reads like a
    missing page (404), to a visitor who is not signed in it is the sign-in page."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_staff().has_role(*roles):
                raise NotFound("no such page")
            return view(*args, **kwargs)

        return login_required(guarded)

    return decorate
