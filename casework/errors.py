"""Domain errors: what a use case raises when it refuses. Free of Flask; `casework.web.errors`
turns them into responses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class DomainError(Exception):
    """A use case refused; `status` is the HTTP status the API and UI answer with."""

    status = 400
    title = "Bad request"

    def __init__(self, message: str, *, fields: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
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
    """`value` without surrounding spaces; empty text is refused with `message`."""
    text = value.strip()
    if not text:
        raise ValidationError(message, fields={field: ["required"]})
    return text


def check_version(record: object, expected: int, what: str) -> None:
    """Refuse an update based on a stale copy (optimistic locking; the version is required)."""
    current = getattr(record, "version")  # noqa: B009
    if expected != current:
        raise Conflict(
            f"this {what} was changed by someone else (now version {current}, "
            f"you sent {expected}); reload it and try again"
        )


@contextmanager
def missing_as(message: str) -> Iterator[None]:
    """Report a NotFound raised inside as `message`: a hidden object reads like a missing one."""
    try:
        yield
    except NotFound:
        raise NotFound(message) from None
