"""`/healthz` (liveness) notices a corrupted SQLite file; `/readyz` (readiness) also wants the
schema at the migration head and a readable table, answering 503 with a short reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from casework.db import db
from casework.health import migration_heads
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.database import is_postgres


def _migrate(url: str, revision: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        try:
            command.upgrade(alembic_config(), revision)
        finally:
            db.engine.dispose()


def _get(url: str, path: str) -> tuple[int, dict[str, str]]:
    app = make_test_app(url)
    try:
        response = app.test_client().get(path)
        return response.status_code, response.json or {}
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_migrated_database_is_live_and_ready(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready"}


def test_the_heads_are_the_migrations_own() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert migration_heads() == frozenset(heads) and len(heads) == 1


def test_an_empty_database_is_live_but_not_ready(fresh_database_url: str) -> None:
    assert _get(fresh_database_url, "/healthz") == (200, {"status": "ok", "database": "ok"})
    assert _get(fresh_database_url, "/readyz") == (
        503,
        {"status": "not ready", "reason": "schema not migrated"},
    )


def test_a_schema_behind_the_head_is_not_ready(fresh_database_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    _migrate(fresh_database_url, previous)
    assert _get(fresh_database_url, "/readyz") == (
        503,
        {"status": "not ready", "reason": "schema not at the migration head"},
    )
    _migrate(fresh_database_url, "head")
    assert _get(fresh_database_url, "/readyz") == (200, {"status": "ready"})


def _sqlite_copy(app: Flask, database_url: str, tmp_path: Path) -> Path:
    if is_postgres(database_url):
        pytest.skip("a SQLite file's corruption; PostgreSQL keeps its own pages")
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(make_url(database_url).database or "", copy)
    return copy


def _page_size(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")  # the header's page size field
    return 65536 if size == 1 else size


def _overwrite(path: Path, *, page: int, pages: int = 1) -> None:
    """Overwrite whole pages of a SQLite file (page 1 is its header and schema root)."""
    size = _page_size(path)
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size * pages)


def test_a_corrupted_header_fails_liveness_and_readiness(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    copy = _sqlite_copy(app, database_url, tmp_path)
    url = f"sqlite:///{copy}"
    assert _get(url, "/healthz")[0] == 200
    _overwrite(copy, page=1)
    assert _get(url, "/healthz") == (503, {"status": "unavailable", "database": "corrupt"})
    assert _get(url, "/readyz") == (503, {"status": "not ready", "reason": "database file corrupt"})


def test_corrupted_table_pages_fail_readiness(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    copy = _sqlite_copy(app, database_url, tmp_path)
    url = f"sqlite:///{copy}"
    assert _get(url, "/readyz") == (200, {"status": "ready"})
    pages = copy.stat().st_size // _page_size(copy)
    _overwrite(copy, page=pages // 2, pages=4)  # table and index pages in the middle
    assert _get(url, "/readyz") == (503, {"status": "not ready", "reason": "database file corrupt"})


def test_an_unreachable_database_fails_both(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"
    assert _get(url, "/healthz") == (503, {"status": "unavailable", "database": "unreachable"})
    assert _get(url, "/readyz") == (503, {"status": "not ready", "reason": "database unreachable"})
