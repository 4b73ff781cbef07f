"""Request ids (the log records carry them: `casework.logs`), and input no database can store."""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def init_request_ids(app: Flask) -> None:
    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response


def _unstorable(value: object) -> bool:
    """Text no database can store: NUL characters, or unpaired UTF-16 surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(item) for item in value)
    return False


def init_input_guard(app: Flask) -> None:
    """Refuse, with a clear 400, input holding text that no database could store."""

    @app.before_request
    def _refuse_unstorable_text() -> None:
        values: list[object] = [*request.args.values(), *request.form.values(), request.path]
        if request.is_json:
            values.append(request.get_json(silent=True))
        if any(_unstorable(value) for value in values):
            from casework.errors import DomainError

            raise DomainError("text may not contain NUL characters or unpaired surrogates")
