"""Counting the SQL statements a piece of work sends: the check that a page's cost stays flat."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, event

from casework.db import db


@contextmanager
def counted(connection: Connection | None = None) -> Iterator[list[str]]:
    """The statements sent on `connection` (default: the session's) while the block runs."""
    statements: list[str] = []
    target = connection if connection is not None else db.session.connection()

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(target, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", count)
