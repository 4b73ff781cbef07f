"""Domain errors: what a use case raises when it refuses. Free of Flask; `casework.web.errors`
turns them into responses.

A message is an English msgid with `%(name)s` placeholders and its values as keyword parameters:
`Conflict("a group run named %(name)s exists; choose another name", name=name)`. Pages show it
translated; the API, the command line and logs keep the English `message`. Parameters never
carry client data. Babel extracts the literal messages of these classes (see README, Languages).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class Term(str):
    """A word marked with `N_` (e.g. a record kind): pages translate it inside a message."""

    __slots__ = ()


def N_(text: str) -> str:
    """Mark `text` for extraction; pages translate it where it appears as a parameter."""
    return Term(text)


def english(value: object) -> str:
    """A parameter as the English message shows it: an enum by its value, a list joined,
    a text kept in several languages ({language: text}) in English."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Mapping):
        return str(value.get("en") or next(iter(value.values()), ""))
    if isinstance(value, list | tuple):
        return ", ".join(english(item) for item in value)
    return str(value)


class DomainError(Exception):
    """A use case refused; `status` is the HTTP status the API and UI answer with."""

    status = 400
    title = "Bad request"

    def __init__(
        self, message: str, *, fields: Mapping[str, list[str]] | None = None, **params: object
    ) -> None:
        self.msgid = message
        self.params = params
        english_params = {name: english(value) for name, value in params.items()}
        self.message = message % english_params if params else message
        super().__init__(self.message)
        self.fields = dict(fields or {})


class ValidationError(DomainError):
    status = 422
    title = "Invalid input"


class NotFound(DomainError):
    """Also raised for objects the user may not see: the two must look the same."""

    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


def require_text(value: str, *, field: str, message: str) -> str:
    """`value` without surrounding spaces; empty text is refused with `message` (an `N_` msgid)."""
    text = value.strip()
    if not text:
        raise ValidationError(message, fields={field: ["required"]})
    return text


def check_version(record: object, expected: int, what: str) -> None:
    """Refuse an update based on a stale copy (optimistic locking; the version is required).
    `what` names the record's kind, marked with `N_`."""
    current = getattr(record, "version")  # noqa: B009
    if expected != current:
        raise Conflict(
            "this %(what)s was changed by someone else (now version %(current)s, "
            "you sent %(expected)s); reload it and try again",
            what=what,
            current=current,
            expected=expected,
        )


@contextmanager
def missing_as(message: str) -> Iterator[None]:
    """Report a NotFound raised inside as `message` (an `N_` msgid): a hidden object reads like a
    missing one."""
    try:
        yield
    except NotFound:
        raise NotFound(message) from None
