"""A WSGI app whose every request takes `SLOW_SECONDS`: it keeps gunicorn's workers busy in
`tests/test_gunicorn.py` (the liveness listener must answer all the same)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    time.sleep(float(os.environ.get("SLOW_SECONDS", "3")))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"slow\n"]
