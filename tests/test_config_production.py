"""Production refuses to start in debug mode or with a short SECRET_KEY, one line each, and
serves nothing if debug mode is turned on after start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.debug import DebuggedApplication

from casework import ConfigError
from casework.config import MIN_SECRET_KEY_BYTES
from casework.db import db
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * MIN_SECRET_KEY_BYTES


def _production(database_url: str, **overrides: object):
    return make_test_app(
        database_url, CASEWORK_ENV="production", SECRET_KEY=GOOD_SECRET, **overrides
    )


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_production_refuses_flask_debug_in_the_environment(
    database_url: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", value)
    with pytest.raises(ConfigError, match=r"^production mode refuses debug mode"):
        _production(database_url)


def test_production_refuses_debug_in_the_configuration(database_url: str) -> None:
    with pytest.raises(ConfigError, match=r"^production mode refuses debug mode"):
        _production(database_url, DEBUG=True)


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_flask_debug_switched_off_is_accepted(
    database_url: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", value)
    assert _production(database_url).debug is False


def test_development_may_still_debug(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert make_test_app(database_url, CASEWORK_ENV="development").debug is True


@pytest.mark.parametrize("secret", ["abc", "s" * (MIN_SECRET_KEY_BYTES - 1), "ł" * 15])
def test_production_refuses_a_secret_key_under_32_bytes_without_echoing_it(
    database_url: str, secret: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        make_test_app(database_url, CASEWORK_ENV="production", SECRET_KEY=secret)
    message = str(refused.value)
    assert message.startswith(f"SECRET_KEY is {len(secret.encode())} bytes; production needs")
    assert message.endswith("refusing to start") and "\n" not in message
    assert secret not in message


def test_a_32_byte_secret_key_is_enough(database_url: str) -> None:
    assert _production(database_url).secret_key == GOOD_SECRET


def test_production_database_errors_never_quote_their_values(database_url: str) -> None:
    production, testing = _production(database_url), make_test_app(database_url)
    with production.app_context():
        assert db.engine.hide_parameters is True
    with testing.app_context():
        assert db.engine.hide_parameters is False  # tests and development show them


def test_debug_mode_turned_on_after_start_serves_nothing(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _production(database_url)
    app.debug = True  # what app.run(debug=True) does
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(
        f"[{response.headers['X-Request-ID']}] casework.app: "
        "refusing a request: production is running in debug mode"
    )


def test_the_werkzeug_debugger_around_production_serves_nothing(database_url: str) -> None:
    app = _production(database_url)
    assert app.test_client().get("/healthz").status_code == 200
    app.wsgi_app = DebuggedApplication(app.wsgi_app, evalex=True)  # type: ignore[method-assign]
    assert app.test_client().get("/healthz").status_code == 500


def test_the_wsgi_entry_point_refuses_debug_mode_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "CASEWORK_ENV": "production",
            "FLASK_DEBUG": "1",
            "SECRET_KEY": GOOD_SECRET,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "casework: production mode refuses debug mode (FLASK_DEBUG or DEBUG is set); unset it; "
        "refusing to start"
    ]
