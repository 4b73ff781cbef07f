"""`flask jobs worker|show|purge`, and how every feature's command runs its job: in the
foreground with progress lines ("42/1000"), or queued with `--background`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from casework.cli import CommandError
from casework.db import db
from casework.errors import DomainError, english
from casework.jobs import queue, runner
from casework.jobs.models import Job, JobState

jobs_cli = AppGroup("jobs", help="Background jobs: the worker, a job's state, old results.")

background_option = click.option(
    "--background",
    is_flag=True,
    help="Queue the job for `flask jobs worker` (needs REDIS_URL) instead of running it here.",
)


def run_job(start: Callable[[], Job], *, background: bool) -> Job:
    """Run the job `start` records (with `dispatch=False`) from a command: here, printing
    progress lines ("42/1000"), or queued for `flask jobs worker` (`--background`). A refused
    or failed job is one line on stderr and exit code 2."""
    if background and not current_app.config["CASEWORK_JOBS_REDIS_URL"]:
        raise CommandError("--background needs REDIS_URL and a running `flask jobs worker`")
    try:
        job_id = start().id
    except DomainError as error:
        db.session.rollback()
        raise CommandError(error.message) from None
    db.session.commit()
    if background:
        queue.dispatch(job_id)
        click.echo(f"job {job_id} queued; see it with: flask jobs show {job_id}")
    else:
        runner.perform(job_id, echo=click.echo)
    db.session.expire_all()
    done = runner.job_by_id(job_id)
    assert done is not None
    if done.state is JobState.FAILED:
        raise CommandError(_failure(done))
    return done


def _failure(job: Job) -> str:
    message = job.error or runner.UNEXPECTED
    params = {name: english(value) for name, value in (job.error_params or {}).items()}
    return message % params if params else message


def _job(job_id: uuid.UUID) -> Job:
    job = runner.job_by_id(job_id)
    if job is None:
        raise CommandError(f"no job {job_id}")
    return job


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run the jobs queued on Redis (REDIS_URL), one work horse per job; stop with Ctrl-C."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["CASEWORK_JOBS_REDIS_URL"]:
        raise CommandError("set REDIS_URL: without it jobs run inside the web process")
    queue.serve(app, burst=burst)


@jobs_cli.command("show")
@click.argument("job_id", type=click.UUID)
def show(job_id: uuid.UUID) -> None:
    """A job's state and progress; its outcome when it is over."""
    job = _job(job_id)
    total = job.total if job.total is not None else "?"
    click.echo(f"{job.kind}: {job.state.value} {job.done}/{total}")
    if job.state is JobState.FAILED:
        click.echo(_failure(job))
    if job.summary:
        click.echo(job.summary)
    if job.has_file:
        click.echo(f"file {job.file_name}: flask jobs download {job.id} --output FILE")


@jobs_cli.command("download")
@click.argument("job_id", type=click.UUID)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def download(job_id: uuid.UUID, output: Path) -> None:
    """Write a finished job's file (until it is removed)."""
    job = _job(job_id)
    if job.requested_by_id is not None:
        raise CommandError("this job's file belongs to the person who started it")
    try:
        content = runner.job_file(job)
    except DomainError as error:
        raise CommandError(error.message) from None
    try:
        output.write_bytes(content)
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"{len(content)} bytes written to {output}")


@jobs_cli.command("purge")
def purge() -> None:
    """Remove the files of jobs past their time (each job run does this too)."""
    click.echo(f"{runner.purge_expired_results()} job files removed")
