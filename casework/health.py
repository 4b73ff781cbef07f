"""`GET /healthz` (liveness) and `GET /readyz` (readiness): short JSON, no sign-in, no data.

`/healthz` is cheap enough to ask every few seconds: the process answers and the database
reads its own file (on SQLite, `SELECT 1` never opens the file, so it stayed green on a
corrupted one; reading the schema table opens it). `/readyz` says whether this process should
get traffic: the database answers, its schema is at the migrations' head, a real table reads,
and on SQLite the file passes `PRAGMA quick_check` (which reads every page: it costs time in
proportion to the file, fine for the small offices that run on SQLite).
"""

from __future__ import annotations

import logging
from functools import cache

from flask import Blueprint, jsonify
from sqlalchemy import Connection, inspect, text
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
    try:
        with db.engine.connect() as connection:
            connection.execute(text(_liveness_query(connection)))
    except SQLAlchemyError as error:
        log.warning("health check failed: %s", type(error).__name__)
        return jsonify(status="unavailable", database=_database_state(error)), 503
    return jsonify(status="ok", database="ok"), 200


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


def _liveness_query(connection: Connection) -> str:
    if connection.dialect.name == "sqlite":
        return "SELECT count(*) FROM sqlite_master"  # opens the file: header and schema pages
    return "SELECT 1"


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
