"""Small factories with readable defaults; call them inside an app context."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from casework.auth import services as auth
from casework.auth.models import Role, User

_numbers = itertools.count(1)


def make_user(
    *,
    roles: Iterable[Role] = (Role.CASE_MANAGER,),
    password: str = "correct horse battery",
    **fields: Any,
) -> User:
    number = next(_numbers)
    return auth.create_user(
        fields.pop("email", f"staff{number}@example.test"),
        display_name=fields.pop("display_name", f"Staff Member {number}"),
        roles=roles,
        password=password,
        **fields,
    )
