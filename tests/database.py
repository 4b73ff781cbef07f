"""Throwaway databases for a test run: a SQLite file, or a uniquely named PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from casework.config import normalise_database_url


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@contextmanager
def throwaway_database(server_url: str | None, directory: Path) -> Iterator[str]:
    """Yield the URL of a new empty database; drop it afterwards.

    With no `server_url` the database is a SQLite file in `directory`; with a PostgreSQL URL a
    database named casework_test_<random> is created on that server.
    """
    if not server_url:
        path = directory / f"casework_test_{secrets.token_hex(4)}.sqlite3"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    url = make_url(normalise_database_url(server_url))
    name = f"casework_test_{secrets.token_hex(6)}"
    admin_dsn = url.set(drivername="postgresql", database=url.database or "postgres")
    with _autocommit(admin_dsn.render_as_string(hide_password=False)) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with _autocommit(admin_dsn.render_as_string(hide_password=False)) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _autocommit(dsn: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(dsn, autocommit=True) as connection:
        yield connection
