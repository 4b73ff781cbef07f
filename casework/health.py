"""`GET /healthz` (liveness) and `GET /readyz` (readiness): short JSON, no sign-in, no data.

Liveness asks only "is this server alive?", so it never touches the database: a database
outage must take the hosts out of the load balancer (readiness), not get every app process
restarted by its supervisor. It is answered twice:
- by the app at `/healthz` on the service's port: the process answers (it waits, like any
  request, for a free worker);
- by gunicorn's master process on a port of its own (`GUNICORN_LIVENESS_BIND`, started from
  `gunicorn.conf.py`): it answers at once however busy the workers are, and says 503 when no
  worker has shown a sign of life (gunicorn's heartbeat) within the worker timeout.

`/readyz` says whether this process should get traffic: the database answers, its schema is at
the migrations' head, a real table reads, and on SQLite the file passes `PRAGMA quick_check`
(which reads every page: it costs time in proportion to the file, fine for the small offices
that run on SQLite; a corrupted header or table fails it).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import Connection, inspect
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from casework.db import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


class NotReady(Exception):
    """The database answered, but this process should not get traffic (`reason` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    return jsonify(status="ok"), 200


@bp.route("/readyz")
def readyz() -> tuple[Response, int]:
    try:
        with db.engine.connect() as connection:
            _check_ready(connection)
    except NotReady as refusal:
        log.warning("readiness check failed: %s", refusal.reason)
        return jsonify(status="not ready", reason=refusal.reason), 503
    except SQLAlchemyError as error:
        log.warning("readiness check failed: %s", type(error).__name__)
        state = _database_state(error)
        reason = "database file corrupt" if state == "corrupt" else "database unreachable"
        return jsonify(status="not ready", reason=reason), 503
    return jsonify(status="ready"), 200


def _check_ready(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and connection.exec_driver_sql("PRAGMA quick_check(1)").scalar() != "ok":
        raise NotReady("database file corrupt")
    schema = inspect(connection)
    if not (schema.has_table("alembic_version") and schema.has_table("audit_head")):
        raise NotReady("schema not migrated")
    versions = set(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    if versions != migration_heads():
        raise NotReady("schema not at the migration head")
    # A real table, read through its pages: the single row of the audit chain's head.
    connection.exec_driver_sql("SELECT seq, mac FROM audit_head").all()


@cache
def migration_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process)."""
    from alembic.script import ScriptDirectory

    from casework.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


#: SQLite's result codes for a damaged file (sqlite3 names them on its exceptions).
_SQLITE_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def _database_state(error: SQLAlchemyError) -> str:
    """`corrupt` for a damaged SQLite file, else `unreachable`."""
    name = getattr(getattr(error, "orig", None), "sqlite_errorname", "")
    return "corrupt" if name in _SQLITE_DAMAGED else "unreachable"


# --- liveness from gunicorn's master process ---------------------------------------------------


def live_workers(arbiter: Any) -> int:
    """The workers whose heartbeat is younger than the worker timeout: the same test gunicorn's
    arbiter uses before it kills a worker as hung (a busy worker within its timeout counts)."""
    now = time.monotonic()
    alive = 0
    for worker in list(arbiter.WORKERS.values()):
        try:
            if now - worker.tmp.last_update() <= arbiter.timeout:
                alive += 1
        except (OSError, ValueError):  # the worker is exiting: its heartbeat file is gone
            continue
    return alive


class _LivenessHandler(BaseHTTPRequestHandler):
    server: _LivenessServer
    timeout = 2  # a client that sends nothing is dropped, never holds the listener

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        payload: dict[str, str | int]
        if self.path.split("?", 1)[0] != "/healthz":
            status, payload = 404, {"status": "not found"}
        else:
            workers = live_workers(self.server.arbiter)
            status = 200 if workers else 503
            payload = {"status": "ok" if workers else "unavailable", "workers": workers}
        data = json.dumps(payload).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a probe every few seconds is not worth a log line


class _LivenessServer(HTTPServer):
    def __init__(self, address: tuple[str, int], arbiter: Any) -> None:
        super().__init__(address, _LivenessHandler)
        self.arbiter = arbiter


def parse_bind(bind: str) -> tuple[str, int]:
    """`host:port` (or `[v6]:port`) as a socket address."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"a liveness address is host:port, not {bind!r}")
    return host.strip("[]"), int(port)


def start_liveness_listener(arbiter: Any, bind: str) -> HTTPServer:
    """Serve `GET /healthz` from a thread of gunicorn's master process, outside the workers'
    queue. The listener handles one short request at a time and never logs."""
    server = _LivenessServer(parse_bind(bind), arbiter)
    thread = threading.Thread(target=server.serve_forever, name="liveness", daemon=True)
    thread.start()
    return server
