"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (and `flask` finds it too)."""

import sys

from casework import ConfigError, create_app


def _refusal_exit_code() -> int:
    """2, as every refused command; in a gunicorn process, gunicorn's boot-failure code, so its
    arbiter stops instead of forking a new worker that refuses again, forever."""
    arbiter = sys.modules.get("gunicorn.arbiter")
    return int(arbiter.Arbiter.WORKER_BOOT_ERROR) if arbiter is not None else 2


try:
    app = create_app()
except ConfigError as error:
    print(f"casework: {error}", file=sys.stderr, flush=True)
    raise SystemExit(_refusal_exit_code()) from None
