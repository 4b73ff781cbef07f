"""The intake basket: the clients gathered for the case being opened, kept in the signed-in
user's session (their ids only) until the case is opened or the intake restarts."""

from __future__ import annotations

import uuid

from flask import session

INTAKE_KEY = "intake_participants"


def intake_participants() -> list[uuid.UUID]:
    """The clients gathered so far, in the order they joined."""
    return [uuid.UUID(value) for value in session.get(INTAKE_KEY, [])]


def add_to_intake(client_id: uuid.UUID) -> None:
    ids = [str(value) for value in intake_participants()]
    if str(client_id) not in ids:
        ids.append(str(client_id))
    session[INTAKE_KEY] = ids


def clear_intake() -> None:
    session.pop(INTAKE_KEY, None)
