"""Where a job runs once its row is committed: an RQ queue on Redis when `REDIS_URL` is set
(`flask jobs worker` serves it), else a thread pool in the web process (development, the
Quick start), or right away in the committing thread (tests: `CASEWORK_JOBS_FALLBACK=inline`).
The job function is the same everywhere: `runner.perform`."""

from __future__ import annotations

import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from casework.db import db
from casework.errors import N_
from casework.jobs import runner

log = logging.getLogger("casework.jobs")

_PENDING = "casework.jobs.pending"
#: The app an RQ worker process serves (set by `serve`).
_worker_app: Flask | None = None
_worker_pid: int | None = None
#: The longest a job may run on the RQ worker before it is stopped (seconds).
JOB_TIMEOUT = 6 * 3600


def init_jobs(app: Flask) -> None:
    """Where jobs run: REDIS_URL chooses RQ (tests ignore it unless they set it themselves)."""
    testing = app.config["CASEWORK_ENV"] == "testing"
    app.config.setdefault(
        "CASEWORK_JOBS_REDIS_URL", None if testing else (os.environ.get("REDIS_URL") or None)
    )
    app.config.setdefault("CASEWORK_JOBS_QUEUE", os.environ.get("CASEWORK_JOBS_QUEUE", "casework"))
    app.config.setdefault("CASEWORK_JOBS_FALLBACK", "inline" if testing else "threads")
    app.config.setdefault("CASEWORK_JOBS_THREADS", int(os.environ.get("CASEWORK_JOBS_THREADS", 2)))
    app.config.setdefault(
        "CASEWORK_JOB_RESULT_HOURS", int(os.environ.get("CASEWORK_JOB_RESULT_HOURS", 24))
    )
    if app.config["CASEWORK_ENV"] == "production" and not app.config["CASEWORK_JOBS_REDIS_URL"]:
        log.warning(
            "no REDIS_URL: background jobs run in the web process and a restart loses the "
            "ones under way; set REDIS_URL and run `flask jobs worker`"
        )


def dispatch_after_commit(job_id: uuid.UUID) -> None:
    """Hand the job to its runner when the current transaction commits (dropped on rollback)."""
    session = db.session()
    if _PENDING not in session.info:
        session.info[_PENDING] = []
        event.listen(session, "after_commit", _dispatch_pending)
        event.listen(session, "after_rollback", _forget_pending)
    session.info[_PENDING].append(job_id)


def _forget_pending(session: Session) -> None:
    session.info[_PENDING].clear()


def _dispatch_pending(session: Session) -> None:
    pending, session.info[_PENDING] = session.info[_PENDING], []
    for job_id in pending:
        dispatch(job_id)


def dispatch(job_id: uuid.UUID) -> None:
    """Run or enqueue a committed job where the configuration says."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["CASEWORK_JOBS_REDIS_URL"]:
        _enqueue_on_redis(app, job_id)
    elif app.config["CASEWORK_JOBS_FALLBACK"] == "inline":
        perform_in(app, job_id)
    else:
        _executor(app).submit(perform_in, app, job_id)


def perform_in(app: Flask, job_id: uuid.UUID) -> None:
    """Run a job in an app context of its own (its own database session)."""
    with app.app_context():
        runner.perform(job_id)


def _executor(app: Flask) -> ThreadPoolExecutor:
    executor = app.extensions.get("casework.jobs.executor")
    if executor is None:
        executor = ThreadPoolExecutor(
            max_workers=app.config["CASEWORK_JOBS_THREADS"], thread_name_prefix="casework-job"
        )
        app.extensions["casework.jobs.executor"] = executor
    return executor


def wait_for_threads(app: Flask) -> None:
    """Let the thread pool finish every job given to it (tests, shutdown)."""
    executor = app.extensions.pop("casework.jobs.executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


# --- RQ --------------------------------------------------------------------------------------


def redis_connection(url: str) -> Any:
    from redis import Redis

    return Redis.from_url(url)


def rq_queue(app: Flask) -> Any:
    from rq import Queue

    return Queue(
        app.config["CASEWORK_JOBS_QUEUE"],
        connection=redis_connection(app.config["CASEWORK_JOBS_REDIS_URL"]),
    )


def _enqueue_on_redis(app: Flask, job_id: uuid.UUID) -> None:
    from redis.exceptions import RedisError

    try:
        rq_queue(app).enqueue(
            perform_queued,
            str(job_id),
            job_id=str(job_id),
            job_timeout=JOB_TIMEOUT,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )
    except RedisError as error:
        log.error("job %s not queued: %s", job_id, type(error).__name__)
        runner.fail(job_id, N_("the job queue cannot be reached; try again in a few minutes"))


def perform_queued(job_id: str) -> None:
    """The function an RQ worker runs: the job in the worker's app."""
    app = _worker_app or current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_pid is not None and os.getpid() != _worker_pid:
        # A forked work horse must not share the parent's pooled connections.
        with app.app_context():
            db.engine.dispose(close=False)
    perform_in(app, uuid.UUID(job_id))


def serve(app: Flask, *, burst: bool = False) -> bool:
    """Work the app's queue with an RQ worker (forking one work horse per job)."""
    from rq import Worker

    global _worker_app, _worker_pid
    _worker_app, _worker_pid = app, os.getpid()
    queue = rq_queue(app)
    worker = Worker([queue], connection=queue.connection, work_horse_killed_handler=_horse_killed)
    return bool(worker.work(burst=burst, with_scheduler=False))


def _horse_killed(job: Any, _pid: int, status: int, _usage: Any) -> None:
    """A work horse that died under its job (out of memory, a signal) could not mark it: the
    worker fails it, or the job would show "running" for ever."""
    log.error("job %s: its work horse ended before the job did (status %s)", job.id, status)
    if _worker_app is None:
        return
    try:
        with _worker_app.app_context():
            runner.fail(uuid.UUID(job.id), runner.UNEXPECTED)
    except Exception as error:  # the worker goes on with RQ's own failure handling
        log.error("job %s could not be marked failed: %s", job.id, type(error).__name__)
