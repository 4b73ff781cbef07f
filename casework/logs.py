"""Log records that carry the request id, and in production one line each: no traceback.

A traceback quotes the exception's text, and a database exception's text quotes the failed
statement (and, unless the engine hides them, its values: session and token hashes,
identifiers). In production a record with an exception therefore keeps only the exception's
class; development and tests keep the whole traceback for whoever is debugging.

This module imports only the standard library and Flask, so `gunicorn.conf.py` can use the
formatter for gunicorn's own error log before any worker builds the app.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from flask import Flask, g, has_request_context

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


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
    handler.setFormatter(OneLineFormatter(FORMAT) if production else logging.Formatter(FORMAT))
    logger = logging.getLogger("casework")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config["CASEWORK_LOG_LEVEL"])
    logger.propagate = False
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(old)
    if production:
        root.addHandler(handler)
