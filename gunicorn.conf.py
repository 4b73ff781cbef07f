"""gunicorn settings for production; every value can be overridden with GUNICORN_* variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Each worker builds its own app, engine and connection pool after the fork. A worker whose
# app refuses its configuration exits with gunicorn's boot-failure code (wsgi.py), which stops
# the whole server.
preload_app = False
accesslog = "-"
# No query strings in the access log: URLs carry no client data, but a query string might.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss req=%({x-request-id}o)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's own error log in one line a record, like the app's: an exception that escapes to
# gunicorn ("Error handling request") is named by its class, never with its traceback and text.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "one_line": {
            "()": "casework.logs.OneLineFormatter",
            "fmt": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "one_line",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
    # The app puts its own one-line handler on the root logger in each worker.
    "root": {"level": "WARNING", "handlers": []},
}
