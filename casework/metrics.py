"""Prometheus metrics at `GET /metrics`, behind a bearer token (`CASEWORK_METRICS_TOKEN`).

What is measured: each request's time by Flask endpoint name (never the URL, which carries
ids) and method, responses by status class, the time of an audit append, the database pool's
connections, and the job queue's depth. No label carries personal data: endpoint names and
methods are the code's own, from fixed sets.

Under gunicorn every worker is its own process: `gunicorn.conf.py` sets
`PROMETHEUS_MULTIPROC_DIR` before any worker imports this module, so each process writes its
values to files there and `/metrics`, whichever worker answers, adds them up
(prometheus_client's multiprocess mode; the `child_exit` hook drops a dead worker's gauges).
Without it (the Flask development server, CLI commands) the process's own values are served.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import Engine, event

from casework.config import ConfigError
from casework.logs import ENDPOINT_KEY

bp = Blueprint("metrics", __name__)

#: Request times from 5 ms to 10 s: pages answer in tens of milliseconds, reports in seconds.
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
#: A guessable token would open the metrics (request rates per page) to anyone who guesses.
MIN_TOKEN_LENGTH = 24
#: The methods a label may name; anything else a client sends is counted as "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "casework_http_request_duration_seconds",
    "Time from receiving a request to the end of its response, by Flask endpoint and method.",
    ["endpoint", "method"],
    buckets=_REQUEST_BUCKETS,
)
RESPONSES = Counter(
    "casework_http_responses",
    "Responses by Flask endpoint, method and status class (2xx, 3xx, 4xx, 5xx).",
    ["endpoint", "method", "status_class"],
)
AUDIT_APPEND_SECONDS = Histogram(
    "casework_audit_append_seconds",
    "Time to append events to the audit chain (waiting for its lock included).",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
POOL_CHECKED_OUT = Gauge(
    "casework_db_pool_checked_out_connections",
    "Database connections in use, summed over the live worker processes.",
    multiprocess_mode="livesum",
)
POOL_OPEN = Gauge(
    "casework_db_pool_open_connections",
    "Database connections open (in use or idle in the pool), summed over live workers.",
    multiprocess_mode="livesum",
)
POOL_CAPACITY = Gauge(
    "casework_db_pool_capacity_connections",
    "The most connections the pools may open (pool size plus overflow), summed over live workers.",
    multiprocess_mode="livesum",
)

F = TypeVar("F", bound=Callable[..., Any])


def timed_audit_append(append: F) -> F:
    """Decorate the audit chain's append function to record how long each append takes."""
    timed: F = AUDIT_APPEND_SECONDS.time()(append)
    return timed


def redis_queue_depth(redis_url: str | None, queue: str = "default") -> int | None:
    """Jobs waiting in RQ's queue `queue` (its Redis list), or None without a Redis URL."""
    if not redis_url:
        return None
    import redis

    connection = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
    try:
        length: int = connection.llen(f"rq:queue:{queue}")  # type: ignore[assignment]  # sync
        return length
    finally:
        connection.close()


def _jobs_queue_depth() -> int | None:
    """The depth of the background jobs' RQ queue (casework/jobs/queue.py names it), read when
    scraped; None when jobs run in the web process's thread pool (no REDIS_URL)."""
    config = current_app.config
    redis_url = config.get("CASEWORK_JOBS_REDIS_URL") or config.get("REDIS_URL")
    return redis_queue_depth(redis_url, config.get("CASEWORK_JOBS_QUEUE", "casework"))


def queue_depth() -> int | None:
    """The job queue's depth for this app, or None when it has no queue (no REDIS_URL)."""
    reader: Callable[[], int | None] = current_app.extensions["casework.metrics"]["queue_depth"]
    return reader()


class _QueueCollector:
    """Reads the queue's depth when scraped (not per process: there is one queue)."""

    def __init__(self, depth: int | None) -> None:
        self.depth = depth

    def collect(self) -> Iterator[Metric]:
        if self.depth is None:
            return
        yield GaugeMetricFamily(
            "casework_job_queue_depth", "Jobs waiting in the queue.", value=self.depth
        )


class _ProcessCollector:
    """This process's own metrics (no multiprocess directory: a single process serves)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def init_metrics(app: Flask, *, queue_depth: Callable[[], int | None] | None = None) -> None:
    """Time every request, watch the database pool and serve `/metrics` (404 without a token).

    `queue_depth` reads the job queue's depth; by default RQ's queue in REDIS_URL, if set.
    """
    app.config.setdefault("CASEWORK_METRICS_TOKEN", os.environ.get("CASEWORK_METRICS_TOKEN"))
    token = app.config["CASEWORK_METRICS_TOKEN"]
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            f"CASEWORK_METRICS_TOKEN is {len(token)} characters; it needs at least "
            f"{MIN_TOKEN_LENGTH} (python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    app.extensions["casework.metrics"] = {"queue_depth": queue_depth or _jobs_queue_depth}
    app.wsgi_app = _TimedApp(app.wsgi_app)  # type: ignore[method-assign]
    _watch_pool(app.extensions["casework.db"].engine)
    app.register_blueprint(bp)


class _TimedApp:
    """WSGI wrapper: times a request until the app hands back its response.

    The body is not waited for: our pages and API answers are built whole before they are
    returned, and wrapping the body would hide gunicorn's file wrapper (sendfile) from files.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[str] = []

        def remember_status(code: str, headers: Any, exc_info: Any = None) -> Any:
            status[:] = [code]
            return start_response(code, headers, exc_info)

        try:
            return self.wsgi_app(environ, remember_status)
        finally:
            method = environ.get("REQUEST_METHOD", "")
            method = method if method in _METHODS else "other"
            endpoint = environ.get(ENDPOINT_KEY, "unmatched")
            status_class = f"{status[0][0]}xx" if status else "5xx"
            REQUEST_SECONDS.labels(endpoint, method).observe(time.perf_counter() - started)
            RESPONSES.labels(endpoint, method, status_class).inc()


def _watch_pool(engine: Engine) -> None:
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        POOL_CAPACITY.inc(size() + max(overflow, 0))
    event.listen(pool, "connect", lambda *_: POOL_OPEN.inc())
    event.listen(pool, "close", lambda *_: POOL_OPEN.dec())
    event.listen(pool, "close_detached", lambda *_: POOL_OPEN.dec())
    event.listen(pool, "checkout", lambda *_: POOL_CHECKED_OUT.inc())
    event.listen(pool, "checkin", lambda *_: POOL_CHECKED_OUT.dec())


def _authorised(token: str | None) -> bool:
    given = request.headers.get("Authorization", "")
    scheme, _, credential = given.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(credential.strip().encode(), token.encode())


@bp.route("/metrics")
def metrics() -> Response:
    token = current_app.config.get("CASEWORK_METRICS_TOKEN")
    if not token:
        abort(404)  # not configured: the endpoint does not exist
    if not _authorised(token):
        return Response(
            "metrics need a valid bearer token\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())  # type: ignore[arg-type]
    registry.register(_QueueCollector(_queue_depth_or_none()))  # type: ignore[arg-type]
    return Response(generate_latest(registry), 200, {"Content-Type": CONTENT_TYPE_LATEST})


def _queue_depth_or_none() -> int | None:
    """The queue's depth; an unreachable Redis leaves the gauge out rather than fail the scrape."""
    try:
        return queue_depth()
    except Exception:  # redis raises several kinds, a wired reader others: still answer
        current_app.logger.warning("metrics: the job queue's depth could not be read")
        return None
