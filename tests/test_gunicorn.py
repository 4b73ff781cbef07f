"""Under real gunicorn: a refused start stops the server (boot-failure exit code) instead of
respawning workers forever; a good start serves readiness with production headers; liveness
answers from the master while every worker is busy; metrics add up over the workers; JSON logs."""

from __future__ import annotations

import base64
import gc
import json
import os
import re
import runpy
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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
        "GUNICORN_LIVENESS_BIND": "127.0.0.1:0",
        "GUNICORN_WORKERS": "2",
        **settings,
    }


def _start(
    environment: dict[str, str], log: Path, app: str = "wsgi:app"
) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _port(server: subprocess.Popen[bytes], log: Path, pattern: str) -> str:
    """The port gunicorn logged in the line matching `pattern` (it binds port 0: any free one)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and server.poll() is None:
        match = re.search(pattern, log.read_text())
        if match:
            return match.group(1)
        time.sleep(0.1)
    raise AssertionError(log.read_text())


@contextmanager
def _serving(
    environment: dict[str, str], log: Path, app: str = "wsgi:app"
) -> Iterator[tuple[str, str]]:
    """gunicorn running: (the service's port, the liveness port); stopped with SIGTERM."""
    server = _start(environment, log, app)
    try:
        port = _port(server, log, r"Listening at: http://127\.0\.0\.1:(\d+)")
        liveness = _port(server, log, r"Liveness at: http://127\.0\.0\.1:(\d+)/healthz")
        yield port, liveness
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def _get(url: str, headers: dict[str, str] | None = None, timeout: float = 20) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (loopback)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def _get_when_booted(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    deadline = time.monotonic() + 20
    while True:
        try:
            return _get(url, headers)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # the worker is still booting


def _served_copy(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a production server on a copy of the test database."""
    copy = tmp_path / "db.sqlite3"
    shutil.copyfile(make_url(database_url).database or "", copy)
    # The copy remembers the test app's keys (key check values); this server brings new ones.
    with sqlite3.connect(copy) as connection:
        connection.execute("DELETE FROM key_checks")
    return _environment(
        tmp_path,
        SECRET_KEY="s" * 40,
        DATABASE_URL=f"sqlite:///{copy}",
        CASEWORK_MASTER_KEYS=f"k1:{_key()}",
        CASEWORK_BLIND_INDEX_KEY=_key(),
        CASEWORK_AUDIT_KEY=_key(),
        **settings,
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
    environment = _served_copy(database_url, tmp_path, GUNICORN_WORKERS="1")
    log = tmp_path / "gunicorn.log"
    with _serving(environment, log) as (port, _liveness):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/readyz")
        deadline = time.monotonic() + 20
        body, headers = b"", {}
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(request) as response:  # noqa: S310  (loopback)
                    body, headers = response.read(), dict(response.headers)
                break
            except OSError:
                time.sleep(0.2)  # the worker is still booting
        assert body == b'{"status":"ready"}\n', log.read_text()
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    output = log.read_text()
    assert "Traceback" not in output
    assert re.search(r"INFO \[\d+\] gunicorn\.error: Booting worker", output), output


def _until_live(url: str) -> None:
    """Wait for the master to have workers: it answers 503 between its start and their fork."""
    deadline = time.monotonic() + 20
    while _get_when_booted(url)[0] != 200:
        assert time.monotonic() < deadline, "no worker came alive"
        time.sleep(0.1)


def test_liveness_answers_at_once_while_every_worker_is_busy(tmp_path: Path) -> None:
    environment = _environment(tmp_path, GUNICORN_WORKERS="2", SLOW_SECONDS="3")
    with _serving(environment, tmp_path / "gunicorn.log", app="tests.slow_wsgi:app") as ports:
        port, liveness = ports
        _until_live(f"http://127.0.0.1:{liveness}/healthz")
        # Every worker takes a slow request, and one more waits in the listen queue.
        slow = [
            threading.Thread(target=_get, args=(f"http://127.0.0.1:{port}/page",)) for _ in range(3)
        ]
        for request in slow:
            request.start()
        time.sleep(0.5)
        started = time.monotonic()
        status, body = _get(f"http://127.0.0.1:{liveness}/healthz", timeout=5)
        answered_in = time.monotonic() - started
        started = time.monotonic()
        queued_status, _ = _get(f"http://127.0.0.1:{port}/healthz")
        queued_for = time.monotonic() - started
        for request in slow:
            request.join()
    assert (status, json.loads(body)) == (200, {"status": "ok", "workers": 2})
    assert answered_in < 0.5, answered_in
    # The same question on the service's port waited behind the slow requests.
    assert queued_status == 200 and queued_for > 2, queued_for


def test_metrics_add_up_over_the_workers_and_logs_are_json(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    if is_postgres(database_url):
        pytest.skip("one real server start is enough; the SQLite pass makes it")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"a previous run's values")
    token = "t" * 40
    environment = _served_copy(
        database_url,
        tmp_path,
        GUNICORN_WORKERS="2",
        CASEWORK_LOG_FORMAT="json",
        CASEWORK_METRICS_TOKEN=token,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    log = tmp_path / "gunicorn.log"
    bearer = {"Authorization": f"Bearer {token}"}
    with _serving(environment, log) as (port, liveness):
        base = f"http://127.0.0.1:{port}"
        assert _get_when_booted(f"{base}/readyz")[0] == 200
        for _ in range(9):
            assert _get(f"{base}/readyz")[0] == 200
        assert _get(f"{base}/metrics")[0] == 401
        scrapes = [_get(f"{base}/metrics", bearer) for _ in range(4)]
        assert json.loads(_get(f"http://127.0.0.1:{liveness}/healthz")[1])["workers"] == 2
        worker_files = {path.name for path in metrics_dir.glob("*.db")}
    ready = (
        'casework_http_responses_total{endpoint="health.readyz",method="GET",status_class="2xx"}'
    )
    for status, body in scrapes:
        # Whichever worker answered, it counted all ten readiness requests, of both workers.
        assert status == 200 and f"{ready} 10.0" in body.decode(), body.decode()
    assert "counter_999999.db" not in worker_files and worker_files

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    ready_lines = [entry for entry in access if entry.get("endpoint") == "health.readyz"]
    assert len(ready_lines) == 10
    for entry in ready_lines:
        assert entry["status"] == 200 and entry["method"] == "GET" and entry["path"] == "/readyz"
        assert re.fullmatch(r"[0-9a-f]{16}", entry["request_id"])
        assert isinstance(entry["duration_ms"], float)
    assert any(entry["status"] == 401 for entry in access)
    assert any(
        e["logger"] == "gunicorn.error" and "Booting worker" in e["message"] for e in entries
    )


def test_a_worker_keeps_what_it_loaded_out_of_full_garbage_collections() -> None:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
