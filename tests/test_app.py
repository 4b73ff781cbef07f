from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework import ConfigError, create_app
from casework.errors import NotFound
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, "SECRET_KEY and DATABASE_URL"),
        ({"SECRET_KEY": "s" * 40}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_secret_key_or_database(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], missing: str
) -> None:
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CASEWORK_ENV", "production")
    with pytest.raises(ConfigError, match=f"production mode needs {missing} set"):
        create_app()


def test_wsgi_entry_point_refuses_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={"CASEWORK_ENV": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "casework: production mode needs SECRET_KEY and DATABASE_URL set in the environment; "
        "refusing to start"
    ]


def test_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_ENV", "staging")
    with pytest.raises(ConfigError, match="CASEWORK_ENV must be one of"):
        create_app()


def test_production_session_cookie_is_secure(database_url: str) -> None:
    app = make_test_app(database_url, CASEWORK_ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_defaults_live_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SECRET_KEY", "DATABASE_URL", "CASEWORK_ENV"):
        monkeypatch.delenv(name, raising=False)
    from casework.config import load_config

    config = load_config(tmp_path, {}, None)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'casework.sqlite3'}"
    secret_file = tmp_path / "secret_key"
    assert config["SECRET_KEY"] == secret_file.read_text().strip()
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert load_config(tmp_path, {}, None)["SECRET_KEY"] == config["SECRET_KEY"]


def test_plain_postgres_url_uses_psycopg3() -> None:
    from casework.config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_healthz_answers_without_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_an_unreachable_database_is_live_but_not_ready(tmp_path: Path) -> None:
    app = make_test_app(f"sqlite:///{tmp_path}/missing-dir/none.sqlite3")
    assert app.test_client().get("/healthz").status_code == 200
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "database unreachable"


def test_api_errors_are_problem_json(client: FlaskClient) -> None:
    response = client.get("/api/test/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_html_errors_are_friendly_pages(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Request id" in response.get_data(as_text=True)


def _app_with_failing_routes(database_url: str) -> Flask:
    app = make_test_app(database_url)

    @app.route("/boom")
    @app.route("/api/test/boom")
    def boom() -> str:
        raise RuntimeError("Anna Kowalska disclosed something")  # synthetic sensitive text

    @app.route("/api/test/missing")
    def missing() -> str:
        raise NotFound("no such case")

    return app


def test_unexpected_errors_reveal_nothing(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = _app_with_failing_routes(database_url).test_client()
    for path in ("/boom", "/api/test/boom"):
        response = client.get(path)
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "Kowalska" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "Kowalska" not in caplog.text


def test_domain_errors_become_problem_responses(database_url: str) -> None:
    response = _app_with_failing_routes(database_url).test_client().get("/api/test/missing")
    assert response.status_code == 404
    assert response.json["detail"] == "no such case"


def test_a_given_request_id_is_echoed_and_a_bad_one_replaced(client: FlaskClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abcdef123456"}).headers["X-Request-ID"]
        == "abcdef123456"
    )
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 16


def test_the_api_asks_anonymous_callers_to_sign_in(client: FlaskClient) -> None:
    for path in ("/api/v1/cases", "/api/v1/no-such-thing"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_unstorable_text_is_refused_everywhere(client: FlaskClient) -> None:
    for response in (
        client.post("/api/v1/clients", json={"given_name": "A\x00"}),
        client.post("/api/test/x", json={"note": ["ok", {"k": "\ud800"}]}),
        client.get("/sign-in", query_string={"next": "/\x00"}),
    ):
        assert response.status_code == 400
        assert "NUL characters or unpaired surrogates" in response.get_data(as_text=True)


def test_form_numbers_and_redirect_targets_are_read_defensively() -> None:
    from casework.web.input import local_path, whole_number

    assert [whole_number(t) for t in ("7", "²", "-1", "", None, "1" * 10, "٣")] == [
        7,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert whole_number("-3", signed=True) == -3 and whole_number("--1", signed=True) is None
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"):
        assert local_path(target, "/home") == "/home"
    assert local_path("/cases/1?x=2", "/home") == "/cases/1?x=2"
