"""Canary strings written through the models never reach the database file, a dump or the logs."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.database import is_postgres
from tests.factories import make_client

CANARIES = {
    "given_name": "Kanarek7Qx",
    "family_name": "Wróbelczyk9Zp",
    "national_id": "CANARY-ID-4417",
    "phone": "+48 601 777 313",
    "email": "canary.3141@example.test",
    "address": "ul. Kanarkowa 59, Kraków",
}


def _canary_bytes() -> list[bytes]:
    return [value.encode() for value in CANARIES.values()] + [b"601777313", b"Wr\xc3\xb3belczyk"]


def _write_canaries(url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        for _ in range(3):
            make_client(nationality="UA", **CANARIES)
        db.session.commit()
        db.engine.dispose()


def test_canaries_never_appear_in_the_database_or_the_sql_log(
    fresh_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # as if someone turned on echo
    _write_canaries(fresh_database_url)
    assert "INSERT INTO clients" in caplog.text  # the SQL log was really captured
    for canary in CANARIES.values():
        assert canary not in caplog.text
    if is_postgres(fresh_database_url):
        stored = _pg_dump(fresh_database_url)
        assert b"COPY public.clients" in stored
    else:
        path = Path(make_url(fresh_database_url).database)
        stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert b"clients" in stored
    assert b"UA" in stored  # statistics are in clear, so the bytes are really the data
    for canary in _canary_bytes():
        assert canary not in stored


def _pg_dump(url: str) -> bytes:
    binary = shutil.which("pg_dump")
    assert binary, "pg_dump is needed for the PostgreSQL canary test"
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run([binary, "--data-only", dsn], capture_output=True, check=True).stdout
