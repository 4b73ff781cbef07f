"""gunicorn settings for production; every value can be overridden with GUNICORN_* variables.

Besides the server itself this file sets up three things every worker shares:
- metrics: `PROMETHEUS_MULTIPROC_DIR` (emptied at start; a fresh temporary folder unless set),
  where each worker writes its Prometheus values for `/metrics` to add up; a dead worker's
  gauges are dropped;
- liveness: `GET /healthz` on `GUNICORN_LIVENESS_BIND` (default 127.0.0.1:8001; empty: off),
  answered by the master process, never queued behind the workers' requests;
- logs: one line a record; `CASEWORK_LOG_FORMAT=json` makes the error and access logs JSON.
"""

import atexit
import gc
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

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

LIVENESS_BIND = os.environ.get("GUNICORN_LIVENESS_BIND", "127.0.0.1:8001")
JSON_LOGS = os.environ.get("CASEWORK_LOG_FORMAT", "text").strip().lower() == "json"

#: The metrics folder when this master made it (and so removes it at exit).
_made_metrics_dir: list[Path] = []

if JSON_LOGS:
    # The access log's fields come from the request (casework.logs.JsonAccessLogger).
    logger_class = "casework.logs.JsonAccessLogger"

# gunicorn's own error log in one line a record, like the app's: an exception that escapes to
# gunicorn ("Error handling request") is named by its class, never with its traceback and text.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "one_line": {
            "()": "casework.logs.JsonFormatter" if JSON_LOGS else "casework.logs.OneLineFormatter",
            "fmt": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
        },
        "access": (
            {"()": "casework.logs.JsonFormatter"} if JSON_LOGS else {"format": "%(message)s"}
        ),
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


def on_starting(server):
    """Point the workers' metrics at one folder, before any of them imports prometheus_client
    (which reads the variable once); a given folder is emptied of a previous run's values."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
    else:
        folder = Path(tempfile.mkdtemp(prefix="casework-metrics-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        _made_metrics_dir.append(folder)
        # on_exit is skipped on some of the arbiter's failure paths; workers inherit atexit
        # handlers, hence the check that this is still the master.
        atexit.register(_remove_metrics_dir, os.getpid())


def when_ready(server):
    if not LIVENESS_BIND:
        return
    from casework.health import start_liveness_listener

    try:
        listener = start_liveness_listener(server, LIVENESS_BIND)
    except OSError as error:  # e.g. the port is taken (an old master during a re-exec)
        server.log.error("liveness listener not started on %s: %s", LIVENESS_BIND, error)
        return
    server.liveness_listener = listener
    host, port = listener.server_address[:2]
    server.log.info("Liveness at: http://%s:%s/healthz", host, port)


def post_fork(server, worker):
    """A worker does not keep the master's liveness socket open."""
    listener = getattr(server, "liveness_listener", None)
    if listener is not None:
        listener.socket.close()


def post_worker_init(worker):
    """What a worker has loaded (the app, its instruments, templates, mappers, translations)
    lives as long as the worker: frozen out of the garbage collector's full collections, which
    would otherwise walk it every few requests, a pause that lands on the slowest requests."""
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    _remove_metrics_dir(os.getpid())


def _remove_metrics_dir(master_pid):
    if os.getpid() != master_pid:
        return
    for folder in _made_metrics_dir:
        shutil.rmtree(folder, ignore_errors=True)
