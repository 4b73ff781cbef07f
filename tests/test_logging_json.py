"""`CASEWORK_LOG_FORMAT=json`: one JSON object a line, with the request id, endpoint and the
staff member's id, never their name or the data; gunicorn's access log the same way (with
status and duration). The real server's lines: tests/test_gunicorn.py."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask_login import login_required
from gunicorn.config import Config
from sqlalchemy import Connection

from casework.auth.models import Role
from casework.config import ConfigError
from casework.db import db
from casework.logs import (
    ENDPOINT_KEY,
    REQUEST_ID_KEY,
    USER_ID_KEY,
    JsonAccessLogger,
    JsonFormatter,
)
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.pages import sign_in


@pytest.fixture
def restore_loggers() -> Iterator[None]:
    """An app configures the process's `casework` and root loggers; put them back afterwards."""
    casework, root = logging.getLogger("casework"), logging.getLogger()
    saved = list(casework.handlers), casework.level, casework.propagate, list(root.handlers)
    yield
    casework.handlers[:], root.handlers[:] = saved[0], saved[3]
    casework.setLevel(saved[1])
    casework.propagate = saved[2]


@pytest.fixture
def json_app(
    database_url: str, db_connection: Connection, restore_loggers: None
) -> Iterator[Flask]:
    """An app logging JSON, on this test's rolled-back transaction, with a page that fails."""
    app = make_test_app(database_url, CASEWORK_LOG_FORMAT="json")

    @app.route("/test-failure")
    @login_required  # the user is loaded: the line names them by id
    def failing_page() -> str:
        raise RuntimeError("Anna Kowalska, PESEL 44051401359")

    with db.bound_to(app, db_connection):
        yield app
    with app.app_context():
        db.engine.dispose()


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_failed_request_logs_one_json_line_with_request_id_endpoint_and_user_id(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    client = json_app.test_client()
    with json_app.app_context():
        user = make_user(roles=(Role.CASE_MANAGER,), email="json-log@example.test")
        db.session.commit()
    assert sign_in(client, "json-log@example.test").status_code == 302
    capsys.readouterr()

    response = client.get("/test-failure", headers={"X-Request-ID": "req-json-0001"})
    assert response.status_code == 500
    err = capsys.readouterr().err
    (line,) = _lines(err)
    assert set(line) == {"time", "level", "logger", "message", "request_id", "endpoint", "user_id"}
    assert line["level"] == "ERROR" and line["logger"] == "casework.web.errors"
    assert line["message"] == "request failed: RuntimeError at failing_page"
    assert line["request_id"] == "req-json-0001" == response.headers["X-Request-ID"]
    assert line["endpoint"] == "failing_page"
    assert line["user_id"] == str(user.id)
    assert line["time"].endswith("+00:00")
    for personal in ("Anna", "Kowalska", "44051401359", "json-log@example.test", user.display_name):
        assert personal not in err


def test_outside_a_request_the_line_has_no_request_fields(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    logging.getLogger("casework.test").warning("key rotation: %d of %d", 3, 10)
    (line,) = _lines(capsys.readouterr().err)
    assert line["message"] == "key rotation: 3 of 10" and line["level"] == "WARNING"
    assert not {"request_id", "endpoint", "user_id"} & set(line)


def _record_with_exception() -> logging.LogRecord:
    try:
        raise ValueError("Anna Kowalska\nsecond line")
    except ValueError:
        record = logging.LogRecord("casework.x", logging.ERROR, __file__, 1, "it failed", (), None)
        record.exc_info = sys.exc_info()
    return record


def test_production_json_names_the_exception_without_its_text_or_traceback() -> None:
    output = JsonFormatter().format(_record_with_exception())
    assert "\n" not in output
    line = json.loads(output)
    assert line["exception"] == "ValueError" and "traceback" not in line
    assert "Anna" not in output


def test_development_json_keeps_the_traceback_in_one_line() -> None:
    output = JsonFormatter(tracebacks=True).format(_record_with_exception())
    assert "\n" not in output
    assert "Traceback" in json.loads(output)["traceback"]


def test_an_unknown_log_format_refuses_to_start(database_url: str, restore_loggers: None) -> None:
    with pytest.raises(ConfigError, match="CASEWORK_LOG_FORMAT must be one of text, json"):
        make_test_app(database_url, CASEWORK_LOG_FORMAT="xml")


def test_the_gunicorn_access_log_is_json_with_what_the_app_left(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    # What Flask leaves in the environ for the access log.
    seen: list[dict[str, Any]] = []
    inner = json_app.wsgi_app

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append(environ)
        return inner(environ, start_response)

    json_app.wsgi_app = recording  # type: ignore[method-assign]
    json_app.test_client().get("/healthz", headers={"X-Request-ID": "req-json-0002"})
    (environ,) = seen
    assert environ[REQUEST_ID_KEY] == "req-json-0002"
    assert environ[ENDPOINT_KEY] == "health.healthz" and environ[USER_ID_KEY] is None

    config = Config()
    config.set("accesslog", "-")
    access = JsonAccessLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access.access_log.handlers[:] = [handler]
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/cases/0b7e0cf4-6c1f-4f60-9a39-0c3f1c1e5a10",
        "QUERY_STRING": "q=Kowalska",
        "REMOTE_ADDR": "127.0.0.1",
        REQUEST_ID_KEY: "req-json-0003",
        ENDPOINT_KEY: "casefile_pages.show",
        USER_ID_KEY: "7d4c2a9e-1111-4b5c-9d3e-2f6a7b8c9d0e",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=1234)
    request = SimpleNamespace(headers=[], method="GET", path=environ["PATH_INFO"])
    access.access(response, request, environ, timedelta(milliseconds=42, microseconds=300))
    (line,) = _lines(stream.getvalue())
    assert line == {
        "time": line["time"],
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "GET /cases/0b7e0cf4-6c1f-4f60-9a39-0c3f1c1e5a10 200",
        "request_id": "req-json-0003",
        "endpoint": "casefile_pages.show",
        "user_id": "7d4c2a9e-1111-4b5c-9d3e-2f6a7b8c9d0e",
        "method": "GET",
        "path": "/cases/0b7e0cf4-6c1f-4f60-9a39-0c3f1c1e5a10",
        "status": 200,
        "duration_ms": 42.3,
        "remote_addr": "127.0.0.1",
    }
    assert "Kowalska" not in stream.getvalue()  # no query string
