"""Running jobs: start one, run it with progress, finish or fail it, remove old results.

The runner reads a job by the id the queue hands it; a person reads one only through
`policy.visible_jobs` (the job page in `home`).

A feature registers each kind of long work once (`job_kind`); its function gets the job row and
a `Progress`, does the work in `db.session` (committing per batch if the work is resumable) and
returns an `Outcome`. `perform` runs it the same way wherever it runs: an RQ worker, the web
process's thread pool, or a command in the foreground."""

from __future__ import annotations

import base64
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from casework.db import db, utcnow
from casework.errors import N_, DomainError, NotFound
from casework.jobs.models import Job, JobState

log = logging.getLogger("casework.jobs")

#: What a failure that is not a domain error shows: the exception itself may quote data.
UNEXPECTED = N_("the job stopped on an unexpected error; it is logged for the administrator")
#: How often progress is written (seconds): often enough for a page refreshed every 2 s.
PROGRESS_INTERVAL = 0.5


@dataclass(frozen=True)
class Outcome:
    """What a job made: a one-line summary (counts only), the row it made, a file."""

    summary: str | None = None
    result_id: uuid.UUID | None = None
    file: bytes | None = None
    file_name: str | None = None
    media_type: str | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    #: A short title, an `N_` msgid translated where it is shown.
    title: str
    run: Callable[[Job, Progress], Outcome]
    #: The page of the job's result row (`Outcome.result_id`), built in a request.
    result_link: Callable[[Job], str] | None = None


#: Every kind of job, registered by the features at import.
JOB_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, title: str, result_link: Callable[[Job], str] | None = None
) -> Callable[[Callable[[Job, Progress], Outcome]], Callable[[Job, Progress], Outcome]]:
    """Register the decorated function as the job kind `name`."""

    def register(run: Callable[[Job, Progress], Outcome]) -> Callable[[Job, Progress], Outcome]:
        JOB_KINDS[name] = JobKind(name, title, run, result_link)
        return run

    return register


def start(
    kind: str,
    *,
    requested_by_id: uuid.UUID | None,
    params: Mapping[str, Any],
    client_id: uuid.UUID | None = None,
    dispatch: bool = True,
) -> Job:
    """Record a queued job in the caller's transaction; it is handed to the queue once that
    transaction commits (never before: the worker would not find the row). `params` are ids,
    dates and choices, never personal data."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        requested_by_id=requested_by_id,
        client_id=client_id,
        state=JobState.QUEUED,
        params=dict(params),
        done=0,
    )
    db.session.add(job)
    db.session.flush()
    if dispatch:
        from casework.jobs.queue import dispatch_after_commit

        dispatch_after_commit(job.id)
    return job


class Progress:
    """How far a job is: written on a session of its own (the work's transaction may be open
    for the whole job), at most every `PROGRESS_INTERVAL` seconds; `echo` gets "done/total"
    lines for the command line."""

    def __init__(
        self, job_id: uuid.UUID, *, label: str = "", echo: Callable[[str], None] | None = None
    ) -> None:
        self.job_id = job_id
        self.label = label
        self.done = 0
        self.total: int | None = None
        self.echo = echo
        self._written_at = 0.0

    def start(self, total: int) -> None:
        """The number of steps the job will take."""
        self.total = max(total, 0)
        self._report(force=True)

    def update(self, done: int, total: int) -> None:
        """`done` of `total` steps (for work that counts its own steps)."""
        self.done, self.total = done, total
        self._report(force=done >= total)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self._report(force=self.total is not None and self.done >= self.total)

    def _report(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._written_at < PROGRESS_INTERVAL:
            return
        self._written_at = now
        if self.echo is not None:
            total = self.total if self.total is not None else "?"
            self.echo(f"{self.done}/{total} {self.label}".rstrip())
        _write_progress(self.job_id, self.done, self.total)


def _side_session() -> Session:
    """A session apart from `db.session`, for job bookkeeping that commits on its own."""
    return db.session.session_factory()


def _write_progress(job_id: uuid.UUID, done: int, total: int | None) -> None:
    """Best effort: on SQLite another connection's open write (an import's all-or-nothing
    transaction) locks the file, and progress is not worth waiting for, so it is skipped."""
    session = _side_session()
    sqlite = session.get_bind().dialect.name == "sqlite"
    try:
        if sqlite:
            session.connection().exec_driver_sql("PRAGMA busy_timeout=50")
        session.execute(update(Job).where(Job.id == job_id).values(done=done, total=total))
        session.commit()
    except OperationalError:
        session.rollback()
    finally:
        if sqlite:
            session.connection().exec_driver_sql("PRAGMA busy_timeout=5000")
            session.commit()
        session.close()


def _claim(job_id: uuid.UUID) -> bool:
    """Mark a queued job running; False if it is not queued (already taken, or over)."""
    session = _side_session()
    try:
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.QUEUED)
            .values(state=JobState.RUNNING, started_at=utcnow())
        )
        session.commit()
        return bool(getattr(taken, "rowcount", 0) == 1)
    finally:
        session.close()


def fail(job_id: uuid.UUID, message: str, params: Mapping[str, Any] | None = None) -> None:
    """Mark the job failed with a message safe to show (a msgid and its parameters), unless it
    has already ended."""
    session = _side_session()
    try:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state.in_((JobState.QUEUED, JobState.RUNNING)))
            .values(
                state=JobState.FAILED,
                error=message[:400],
                error_params={name: str(value) for name, value in (params or {}).items()},
                finished_at=utcnow(),
            )
        )
        session.commit()
    finally:
        session.close()


def perform(job_id: uuid.UUID, *, echo: Callable[[str], None] | None = None) -> None:
    """Run a queued job to its end in the current app context: its work and its result commit
    together; a refusal (domain error) or a crash rolls the work back and fails the job."""
    if not _claim(job_id):
        return
    purge_expired_results()
    try:
        job = db.session.get(Job, job_id)
        assert job is not None
        # No read transaction stays open meanwhile: on SQLite it would keep progress unwritten.
        db.session.commit()
        kind = JOB_KINDS[job.kind]
        progress = Progress(job_id, label=kind.title.lower(), echo=echo)
        outcome = kind.run(job, progress)
        _finish(job_id, outcome, progress)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        fail(job_id, error.msgid, error.params)
    except Exception as error:
        db.session.rollback()
        # The exception's text may quote values (client data): only its class is logged.
        log.error("job %s failed: %s", job_id, type(error).__name__)
        fail(job_id, UNEXPECTED)


def _finish(job_id: uuid.UUID, outcome: Outcome, progress: Progress) -> None:
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job is not None
    job.state = JobState.DONE
    job.finished_at = utcnow()
    job.total = progress.total if progress.total is not None else progress.done
    job.done = job.total
    job.summary = outcome.summary[:400] if outcome.summary else None
    job.result_id = outcome.result_id
    if outcome.file is not None:
        text = base64.b64encode(outcome.file).decode("ascii")
        if job.client_id is not None:
            job.client_file = text
        else:
            job.file = text
        job.file_name = outcome.file_name
        job.file_media_type = outcome.media_type or "application/octet-stream"
        hours = current_app.config.get("CASEWORK_JOB_RESULT_HOURS", 24)
        job.expires_at = job.finished_at + timedelta(hours=hours)
    db.session.flush()


def is_expired(job: Job) -> bool:
    return job.expires_at is not None and job.expires_at <= utcnow()


def job_file(job: Job) -> bytes:
    """The job's file, or NotFound once it is removed (or if it never had one)."""
    if is_expired(job):
        raise NotFound("this file was removed; run the job again")
    text = job.client_file if job.client_id is not None else job.file
    if text is None:
        raise NotFound("this file was removed; run the job again")
    return base64.b64decode(text)


def purge_expired_results() -> int:
    """Remove the files of jobs past their `expires_at`; returns how many."""
    session = _side_session()
    try:
        removed: Any = session.execute(
            update(Job)
            .where(
                Job.expires_at <= utcnow(),
                or_(Job.file_ciphertext.is_not(None), Job.client_file_ciphertext.is_not(None)),
            )
            .values(file_ciphertext=None, client_file_ciphertext=None)
        )
        session.commit()
        return int(removed.rowcount)
    finally:
        session.close()


def job_by_id(job_id: uuid.UUID) -> Job | None:
    """A job by id, for the command line (which sees every job)."""
    return db.session.scalar(select(Job).where(Job.id == job_id))
