"""Log records that carry the request id, and in production one line each: no traceback.

`CASEWORK_LOG_FORMAT=json` writes one JSON object a line instead (time, level, logger, message,
request id, endpoint, the signed-in staff member's id; the access log adds status and
duration), for log collectors that parse fields. Names, notes and other data never appear:
messages are the code's own, and a user is named by their id only.

A traceback quotes the exception's text, and a database exception's text quotes the failed
statement (and, unless the engine hides them, its values: session and token hashes,
identifiers). In production a record with an exception therefore keeps only the exception's
class; development and tests keep the whole traceback for whoever is debugging.

This module imports only the standard library, Flask and gunicorn, so `gunicorn.conf.py` can
use its formatters for gunicorn's own logs before any worker builds the app.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, g, has_request_context, request
from gunicorn.glogging import Logger as GunicornLogger

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
FORMATS = ("text", "json")
#: Where a finished request leaves its facts in the WSGI environ, for the access log and metrics.
ENDPOINT_KEY = "casework.endpoint"
USER_ID_KEY = "casework.user_id"
REQUEST_ID_KEY = "casework.request_id"
#: The fields a JSON line may carry besides time, level, logger and message.
_JSON_FIELDS = (
    "request_id",
    "endpoint",
    "user_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "remote_addr",
)


def _signed_in_user_id() -> str | None:
    """The id of the staff member this request already loaded; never loads one (that would go
    back to the database, which may be why the request failed)."""
    user = g.get("_login_user")  # Flask-Login's cache of the request's user
    if user is None or not user.is_authenticated:
        return None
    return str(user.id)


class RequestIdFilter(logging.Filter):
    """Adds the request id (`-` outside a request), and in a request its endpoint and user id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context():
            record.request_id = "-"
            return True
        record.request_id = g.get("request_id", "-")
        record.endpoint = request.endpoint or "unmatched"
        record.user_id = _signed_in_user_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record; an exception is named by its class, and its traceback is
    added only where `tracebacks` (development and tests), as the one-line formatter does."""

    def __init__(self, *args: Any, tracebacks: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in _JSON_FIELDS:
            value = getattr(record, field, None)
            if value is not None and value != "-":
                entry[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            if self.tracebacks:
                entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonAccessLogger(GunicornLogger):
    """gunicorn's access log as JSON lines, with what the app left in the environ: the request
    id, the Flask endpoint and the staff member's id. The path has no query string."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "-")
        duration_ms = round(request_time.total_seconds() * 1000, 1)
        extra = {
            "request_id": environ.get(REQUEST_ID_KEY),
            "endpoint": environ.get(ENDPOINT_KEY),
            "user_id": environ.get(USER_ID_KEY),
            "method": method,
            "path": path,
            "status": int(status) if status.isdigit() else status,
            "duration_ms": duration_ms,
            "remote_addr": environ.get("REMOTE_ADDR"),
        }
        self.access_log.info("%s %s %s", method, path, status, extra=extra)


def log_format(app: Flask) -> str:
    """`text` or `json`, from the app's config or CASEWORK_LOG_FORMAT."""
    from casework.config import ConfigError

    chosen = app.config.get("CASEWORK_LOG_FORMAT") or os.environ.get("CASEWORK_LOG_FORMAT")
    chosen = (chosen or "text").strip().lower()
    if chosen not in FORMATS:
        raise ConfigError(f"CASEWORK_LOG_FORMAT must be one of {', '.join(FORMATS)}")
    return chosen


class OneLineFormatter(logging.Formatter):
    """One line per record: line breaks escaped, an exception named by its class only."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        if record.exc_info and record.exc_info[0] is not None:
            line = f"{line} [{record.exc_info[0].__name__}]"
        return line.replace("\r", "\\r").replace("\n", "\\n")


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the `sys.stderr` of the moment, not the one current when it was made."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(app: Flask) -> None:
    """The `casework` logger (Flask's `app.logger` is a child of it) writes to standard error
    with the request id; in production every other library's warnings (SQLAlchemy's pool,
    werkzeug, ...) go through the same one-line handler on the root logger."""
    production = app.config["CASEWORK_ENV"] == "production"
    handler = StderrHandler()
    handler.addFilter(RequestIdFilter())
    formatter: logging.Formatter
    if log_format(app) == "json":
        formatter = JsonFormatter(tracebacks=not production)
    else:
        formatter = OneLineFormatter(FORMAT) if production else logging.Formatter(FORMAT)
    handler.setFormatter(formatter)
    logger = logging.getLogger("casework")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config["CASEWORK_LOG_LEVEL"])
    logger.propagate = False
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(old)
    if production:
        root.addHandler(handler)
    app.teardown_request(_leave_request_facts)


def _leave_request_facts(_error: BaseException | None) -> None:
    """Leave the request id, endpoint and user id in the WSGI environ for the access log and
    the request metrics, which see the request after Flask is done with it."""
    environ = request.environ
    environ[REQUEST_ID_KEY] = g.get("request_id")
    environ[ENDPOINT_KEY] = request.endpoint or "unmatched"
    environ[USER_ID_KEY] = _signed_in_user_id()
