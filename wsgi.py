"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (and `flask` finds it too)."""

import sys

from casework import ConfigError, create_app

try:
    app = create_app()
except ConfigError as error:
    print(f"casework: {error}", file=sys.stderr)
    raise SystemExit(2) from None
