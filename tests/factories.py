"""Small factories with readable defaults; call them inside an app context."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from casework.auth import services as auth
from casework.auth.models import Role, User
from casework.clients.models import Client, Gender
from casework.db import db

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


def make_client(**fields: Any) -> Client:
    """A synthetic client with readable defaults; pass fields to override."""
    number = next(_numbers)
    client = Client(
        id=fields.pop("id", None),
        gender=fields.pop("gender", Gender.FEMALE),
        birth_year=fields.pop("birth_year", 1988),
        nationality=fields.pop("nationality", "PL"),
        languages=fields.pop("languages", ["pl"]),
    )
    client.given_name = fields.pop("given_name", "Test")
    client.family_name = fields.pop("family_name", f"Klientka{number}")
    for name, value in fields.items():
        setattr(client, name, value)
    db.session.add(client)
    db.session.flush()
    return client
