"""Under real gunicorn: a refused start stops the server (boot-failure exit code) instead of
respawning workers forever; a good start serves readiness with production headers."""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from tests.database import is_postgres

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
#: gunicorn's Arbiter.WORKER_BOOT_ERROR
WORKER_BOOT_ERROR = 3


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),  # gunicorn's control socket goes under it
        "PYTHONPATH": str(ROOT),
        "CASEWORK_ENV": "production",
        "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance"),
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_WORKERS": "2",
        **settings,
    }


def _start(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_a_refused_configuration_stops_gunicorn_instead_of_respawning(tmp_path: Path) -> None:
    environment = _environment(
        tmp_path,
        SECRET_KEY="short",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    log = tmp_path / "gunicorn.log"
    started = time.monotonic()
    server = _start(environment, log)
    try:
        code = server.wait(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    output = log.read_text()
    assert code != 0, output
    assert time.monotonic() - started < 15
    assert "Worker failed to boot" in output
    assert f"exited with code {WORKER_BOOT_ERROR}" in output
    # Each of the two workers booted once and refused; none was forked again.
    assert len(re.findall(r"Booting worker", output)) <= 2, output
    assert "casework: SECRET_KEY is 5 bytes; production needs at least 32" in output


def test_a_good_start_serves_readiness_with_hsts_and_one_line_logs(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    if is_postgres(database_url):
        pytest.skip("one real server start is enough; the SQLite pass makes it")
    copy = tmp_path / "db.sqlite3"
    shutil.copyfile(make_url(database_url).database or "", copy)
    # The copy remembers the test app's keys (key check values); this server brings new ones.
    with sqlite3.connect(copy) as connection:
        connection.execute("DELETE FROM key_checks")
    environment = _environment(
        tmp_path,
        SECRET_KEY="s" * 40,
        DATABASE_URL=f"sqlite:///{copy}",
        GUNICORN_WORKERS="1",
        CASEWORK_MASTER_KEYS=f"k1:{_key()}",
        CASEWORK_BLIND_INDEX_KEY=_key(),
        CASEWORK_AUDIT_KEY=_key(),
    )
    log = tmp_path / "gunicorn.log"
    server = _start(environment, log)
    try:
        port = None
        deadline = time.monotonic() + 20
        while port is None and time.monotonic() < deadline and server.poll() is None:
            match = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
            port = match.group(1) if match else None
            time.sleep(0.1)
        assert port is not None, log.read_text()
        body, headers = b"", {}
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz") as response:
                    body, headers = response.read(), dict(response.headers)
                break
            except OSError:
                time.sleep(0.2)  # the worker is still booting
        assert body == b'{"status":"ready"}\n', log.read_text()
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    output = log.read_text()
    assert "Traceback" not in output
    assert re.search(r"INFO \[\d+\] gunicorn\.error: Booting worker", output), output
