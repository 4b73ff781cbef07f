"""Production logs: one line per failed request (request id, endpoint, exception class), no
traceback, no SQL values, and no second trip to a database that has gone away."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from casework.auth.models import Role, UserSession
from casework.db import db
from casework.logs import OneLineFormatter
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.database import is_postgres
from tests.factories import make_user
from tests.pages import sign_in

SECRET = "a-production-secret-key-of-forty-bytes!!"
FAILED = re.compile(
    r"^\S+ \S+ ERROR \[(?P<request_id>[0-9a-f]{16})\] casework\.web\.errors: "
    r"request failed: (?P<error>\w+) at (?P<endpoint>[\w.]+)$"
)


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    """A production app puts its handler on the root logger; take it off again afterwards."""
    before = list(logging.getLogger().handlers)
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)


def _migrated(url: str) -> None:
    from alembic import command

    app = make_test_app(url, SECRET_KEY=SECRET)
    with app.app_context():
        try:
            command.upgrade(alembic_config(), "head")
            make_user(roles=(Role.CASE_MANAGER,), email="canary@example.test")
            db.session.commit()
        finally:
            db.engine.dispose()


def _signed_in_cookie(url: str) -> tuple[str, str]:
    """Sign in (cheaply, in a testing app on the same database and secret key); return the
    session cookie and the session's stored token hash, the canary."""
    app = make_test_app(url, SECRET_KEY=SECRET)
    client = app.test_client()
    assert sign_in(client, "canary@example.test").status_code == 302
    cookie = client.get_cookie("casework_session")
    assert cookie is not None
    with app.app_context():
        token_hash = db.session.scalar(select(UserSession.token_hash))
        db.session.close()
        db.engine.dispose()
    assert token_hash
    return cookie.value, token_hash


def _take_the_database_away(app: Flask, url: str) -> None:
    with app.app_context():
        db.engine.dispose()
    if is_postgres(url):
        parsed = make_url(url)
        admin = parsed.set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
        return
    # The file is swapped for an empty database: every statement fails, quoting its values.
    path = Path(make_url(url).database or "")
    empty = path.with_suffix(".empty")
    sqlite3.connect(empty).close()
    os.replace(empty, path)


def test_a_database_outage_logs_one_short_line_per_request_and_no_values(
    fresh_database_url: str, capsys: pytest.CaptureFixture[str], restore_root_logger: None
) -> None:
    _migrated(fresh_database_url)
    cookie, session_hash = _signed_in_cookie(fresh_database_url)
    bearer = "cw_canary-" + "x" * 30
    canaries = [session_hash, bearer, hashlib.sha256(bearer.encode()).hexdigest()]
    app = make_test_app(fresh_database_url, CASEWORK_ENV="production", SECRET_KEY=SECRET)
    client = app.test_client()
    client.set_cookie("casework_session", cookie, domain="localhost")
    assert client.get("/", base_url="https://localhost").status_code == 200  # signed in
    capsys.readouterr()

    _take_the_database_away(app, fresh_database_url)
    requests = [
        ("/", {}),
        ("/cases", {}),
        ("/api/v1/cases", {}),
        ("/api/v1/cases", {"Authorization": f"Bearer {bearer}"}),
    ]
    request_ids = []
    for path, headers in requests:
        response = client.get(path, headers=headers, base_url="https://localhost")
        assert response.status_code == 500, path
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "SELECT" not in body
        request_ids.append(response.headers["X-Request-ID"])

    log = capsys.readouterr().err
    lines = log.splitlines()
    assert "Traceback" not in log and "SELECT" not in log and "parameters" not in log
    for canary in canaries:
        assert canary not in log
    assert len(lines) == len(requests), log
    for line, request_id in zip(lines, request_ids, strict=True):
        match = FAILED.match(line)
        assert match is not None, line
        assert match["request_id"] == request_id
        assert match["error"].endswith("Error")


def test_the_one_line_formatter_names_the_exception_and_keeps_one_line() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    try:
        raise RuntimeError("Anna Kowalska said something\nsecond line")
    except RuntimeError:
        record = logging.LogRecord(
            "gunicorn.error", logging.ERROR, __file__, 1, "Error handling request\n/x", (), None
        )
        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert line == "ERROR gunicorn.error: Error handling request\\n/x [RuntimeError]"


def test_gunicorn_error_log_uses_the_one_line_formatter() -> None:
    import runpy

    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    formatter = settings["logconfig_dict"]["formatters"]["one_line"]
    assert formatter["()"] == "casework.logs.OneLineFormatter"
    assert settings["logconfig_dict"]["loggers"]["gunicorn.error"]["handlers"] == ["error"]


def test_development_keeps_tracebacks(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_test_app(database_url, CASEWORK_ENV="development")
    try:
        raise RuntimeError("for whoever is debugging")
    except RuntimeError:
        logging.getLogger("casework.test").exception("it failed")
    assert "Traceback" in capsys.readouterr().err
