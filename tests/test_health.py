"""`/healthz` (liveness) answers without the database, in the app and from gunicorn's master;
`/readyz` (readiness) wants the database reachable, its file sound, the schema at the migration
head and a readable table, answering 503 with a short reason."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

from casework.db import db
from casework.health import live_workers, migration_heads, parse_bind, start_liveness_listener
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
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready"}


def test_the_heads_are_the_migrations_own() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert migration_heads() == frozenset(heads) and len(heads) == 1


def test_an_empty_database_is_live_but_not_ready(fresh_database_url: str) -> None:
    assert _get(fresh_database_url, "/healthz") == (200, {"status": "ok"})
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


def test_a_corrupted_header_fails_readiness_not_liveness(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    copy = _sqlite_copy(app, database_url, tmp_path)
    url = f"sqlite:///{copy}"
    assert _get(url, "/readyz") == (200, {"status": "ready"})
    _overwrite(copy, page=1)
    assert _get(url, "/readyz") == (503, {"status": "not ready", "reason": "database file corrupt"})
    # The process is alive: restarting it would not mend the file; the balancer stops sending.
    assert _get(url, "/healthz") == (200, {"status": "ok"})


def test_corrupted_table_pages_fail_readiness(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    copy = _sqlite_copy(app, database_url, tmp_path)
    url = f"sqlite:///{copy}"
    assert _get(url, "/readyz") == (200, {"status": "ready"})
    pages = copy.stat().st_size // _page_size(copy)
    _overwrite(copy, page=pages // 2, pages=4)  # table and index pages in the middle
    assert _get(url, "/readyz") == (503, {"status": "not ready", "reason": "database file corrupt"})


def test_an_unreachable_database_fails_readiness_not_liveness(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"
    assert _get(url, "/readyz") == (503, {"status": "not ready", "reason": "database unreachable"})
    assert _get(url, "/healthz") == (200, {"status": "ok"})


def test_liveness_sends_no_statement_readiness_does(client: FlaskClient) -> None:
    statements: dict[str, list[str]] = {"/healthz": [], "/readyz": []}
    for path, sent in statements.items():

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            sent.append(statement)  # noqa: B023  (removed before the next path)

        event.listen(Engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(Engine, "before_cursor_execute", count)
    assert statements["/healthz"] == []
    assert statements["/readyz"]


# --- gunicorn's master answers liveness (tests/test_gunicorn.py runs the real server) ---------


def _worker(heartbeat_age: float) -> Any:
    beat = time.monotonic() - heartbeat_age
    return SimpleNamespace(tmp=SimpleNamespace(last_update=lambda: beat))


def _gone_worker() -> Any:
    def vanished() -> float:
        raise OSError("heartbeat file closed")

    return SimpleNamespace(tmp=SimpleNamespace(last_update=vanished))


def test_live_workers_counts_heartbeats_within_the_timeout() -> None:
    arbiter = SimpleNamespace(
        timeout=30, WORKERS={1: _worker(1), 2: _worker(29), 3: _worker(31), 4: _gone_worker()}
    )
    assert live_workers(arbiter) == 2
    assert live_workers(SimpleNamespace(timeout=30, WORKERS={})) == 0


@pytest.fixture
def liveness() -> Iterator[tuple[SimpleNamespace, str]]:
    arbiter = SimpleNamespace(timeout=30, WORKERS={1: _worker(0)})
    server = start_liveness_listener(arbiter, "127.0.0.1:0")
    try:
        yield arbiter, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _fetch(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_the_liveness_listener_says_whether_any_worker_lives(
    liveness: tuple[SimpleNamespace, str],
) -> None:
    arbiter, base = liveness
    assert _fetch(f"{base}/healthz") == (200, {"status": "ok", "workers": 1})
    arbiter.WORKERS = {1: _worker(45)}  # hung past the timeout: gunicorn is about to kill it
    assert _fetch(f"{base}/healthz") == (503, {"status": "unavailable", "workers": 0})
    assert _fetch(f"{base}/readyz")[0] == 404


def test_liveness_addresses_are_host_and_port() -> None:
    assert parse_bind("127.0.0.1:8001") == ("127.0.0.1", 8001)
    assert parse_bind("[::1]:8001") == ("::1", 8001)
    with pytest.raises(ValueError, match="host:port"):
        parse_bind("8001")
