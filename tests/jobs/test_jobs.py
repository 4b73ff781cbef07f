"""Background jobs: the in-process fallback and RQ run the same job with progress; a failure
shows a safe message; only the person who started a job sees it; commands print progress."""

from __future__ import annotations

import os
import re
import signal
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from casework.auth.models import Language, Role
from casework.db import db, utcnow
from casework.errors import Conflict
from casework.jobs import queue, runner
from casework.jobs.models import Job, JobState
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.factories import make_user

COUNT = "tests.count"
#: Lets a test look at a running job before it goes on (the thread-pool test).
GATE: dict[str, threading.Event] = {}


@runner.job_kind(COUNT, title="Counting")
def count(job: Job, progress: runner.Progress) -> runner.Outcome:
    steps = job.params["steps"]
    progress.start(steps)
    for step in range(1, steps + 1):
        progress.advance()
        if step == job.params.get("pause_at"):
            GATE["paused"].set()
            assert GATE["go_on"].wait(10)
    if job.params.get("fail") == "domain":
        raise Conflict("the count of %(what)s is refused", what="sheep")
    if job.params.get("fail") == "crash":
        raise ValueError("Kowalska Zofia, PESEL 85010112345")  # must reach no page, no log
    return runner.Outcome(
        summary=f"counted to {steps}", file=b"1,2,3\n", file_name="count.csv", media_type="text/csv"
    )


DIE = "tests.die"


@runner.job_kind(DIE, title="Dying")
def die(job: Job, progress: runner.Progress) -> runner.Outcome:
    progress.start(3)
    progress.advance()
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a process out of memory
    raise AssertionError("not reached")


def _start(app: Flask, *, by: uuid.UUID | None, **params: Any) -> uuid.UUID:
    with app.app_context():
        job = runner.start(COUNT, requested_by_id=by, params=params)
        db.session.commit()  # the fallback runs it here, in tests at once
        return job.id


def _job(app: Flask, job_id: uuid.UUID) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        db.session.expunge(job)
        return job


def test_the_in_process_fallback_runs_a_job_with_progress_and_keeps_its_file_encrypted(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    user = login_as(Role.COORDINATOR, preferred_language=Language.EN)
    job_id = _start(app, by=user.id, steps=7)
    job = _job(app, job_id)
    assert (job.state, job.done, job.total, job.summary) == (JobState.DONE, 7, 7, "counted to 7")
    assert job.file_ciphertext is not None and b"1,2,3" not in job.file_ciphertext
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and "Refresh" not in page.headers
    text = page.get_data(as_text=True)
    assert 'data-job-state="done"' in text and "count.csv" in text
    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200 and download.data == b"1,2,3\n"
    assert "count.csv" in download.headers["Content-Disposition"]


def test_a_running_job_page_shows_its_progress_and_refreshes_itself(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    user = login_as(Role.COORDINATOR, preferred_language=Language.PL)
    with app.app_context():
        job = runner.start(COUNT, requested_by_id=user.id, params={"steps": 4}, dispatch=False)
        db.session.commit()
        job_id = job.id
        db.session.execute(
            update(Job).where(Job.id == job_id).values(state=JobState.RUNNING, done=1, total=4)
        )
        db.session.commit()
    page = client.get(f"/jobs/{job_id}")
    assert page.headers["Refresh"] == "2"
    text = page.get_data(as_text=True)
    assert 'value="25"' in text and "1 z 4" in text


def test_the_thread_pool_fallback_runs_the_job_beside_the_request(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The development set-up (no Redis): a thread of the web process runs the job, and its
    progress is visible while it runs. A database of its own: the thread commits for real."""
    app = make_test_app(fresh_database_url, CASEWORK_JOBS_FALLBACK="threads")
    with app.app_context(), db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    GATE["paused"], GATE["go_on"] = threading.Event(), threading.Event()
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL", 0)  # every step written
    try:
        job_id = _start(app, by=None, steps=5, pause_at=3)
        assert GATE["paused"].wait(10)
        running = _job(app, job_id)
        assert running.state is JobState.RUNNING and running.total == 5
        assert running.done == 3
        GATE["go_on"].set()
        queue.wait_for_threads(app)
        done = _job(app, job_id)
        assert (done.state, done.done, done.summary) == (JobState.DONE, 5, "counted to 5")
    finally:
        GATE["go_on"].set()
        queue.wait_for_threads(app)
        with app.app_context():
            db.engine.dispose()


def test_a_failed_job_shows_a_safe_message_and_nothing_of_the_exception(
    app: Flask, client: FlaskClient, login_as: Any, caplog: pytest.LogCaptureFixture
) -> None:
    user = login_as(Role.COORDINATOR, preferred_language=Language.EN)
    refused = _start(app, by=user.id, steps=2, fail="domain")
    crashed = _start(app, by=user.id, steps=2, fail="crash")
    assert _job(app, refused).state is JobState.FAILED
    text = client.get(f"/jobs/{refused}").get_data(as_text=True)
    assert 'data-job-state="failed"' in text and "the count of sheep is refused" in text
    text = client.get(f"/jobs/{crashed}").get_data(as_text=True)
    assert "unexpected error" in text and "Kowalska" not in text and "85010112345" not in text
    assert "Kowalska" not in caplog.text and "ValueError" in caplog.text
    assert client.get(f"/jobs/{crashed}/file").status_code == 404


def test_another_user_cannot_see_the_job_or_its_file(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    with app.app_context():
        owner = make_user(roles=(Role.COORDINATOR,))
        db.session.commit()
        owner_id = owner.id
    job_id = _start(app, by=owner_id, steps=1)
    login_as(Role.COORDINATOR, preferred_language=Language.EN)
    missing = client.get(f"/jobs/{uuid.uuid4()}")
    assert missing.status_code == 404
    for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/file"):
        hidden = client.get(path)
        assert hidden.status_code == 404
        assert _without_request_id(hidden.get_data(as_text=True)) == _without_request_id(
            missing.get_data(as_text=True)
        )


def _without_request_id(page: str) -> str:
    """The page without what differs between any two requests (request id, CSRF token)."""
    page = re.sub(r"<code>[0-9a-f]{16}</code>", "", page)
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_a_file_past_its_time_is_removed(app: Flask, client: FlaskClient, login_as: Any) -> None:
    user = login_as(Role.COORDINATOR, preferred_language=Language.EN)
    job_id = _start(app, by=user.id, steps=1)
    with app.app_context():
        db.session.execute(
            update(Job).where(Job.id == job_id).values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert client.get(f"/jobs/{job_id}/file").status_code == 404
    with app.app_context():
        assert runner.purge_expired_results() >= 1
    assert _job(app, job_id).file_ciphertext is None
    assert "was removed" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_report_command_prints_progress_lines_and_writes_the_file(
    app: Flask, tmp_path: Path
) -> None:
    output = tmp_path / "report.csv"
    result = app.test_cli_runner().invoke(
        args=[
            *("reports", "run", "krakow", "--from", "2025-01-01", "--to", "2025-12-31"),
            *("--format", "csv", "--output", str(output)),
        ]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    progress = [line for line in lines if line.endswith(" report export")]
    assert progress and progress[-1].split()[0].split("/")[0] == progress[-1].split()[0][-2:]
    assert lines[-1].startswith("krakow: ") and output.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_command_in_the_background_needs_redis(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["retention", "run", "--background"])
    assert result.exit_code == 2
    assert "--background needs REDIS_URL" in result.output


def test_an_unreachable_queue_fails_the_job_with_a_safe_message(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASEWORK_JOBS_REDIS_URL", "redis://127.0.0.1:1/0")
    job = _job(app, _start(app, by=None, steps=1))
    assert job.state is JobState.FAILED and job.error and "cannot be reached" in job.error


def _redis_url() -> str:
    url = "redis://127.0.0.1:6379/6"
    try:
        from redis import Redis

        Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("no Redis at 127.0.0.1:6379: the RQ path needs a real one")
    return url


def test_an_rq_worker_runs_the_queued_job_with_progress(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rq import SimpleWorker

    monkeypatch.setitem(app.config, "CASEWORK_JOBS_REDIS_URL", _redis_url())
    monkeypatch.setitem(app.config, "CASEWORK_JOBS_QUEUE", f"casework-test-{uuid.uuid4().hex}")
    job_id = _start(app, by=None, steps=6)
    assert _job(app, job_id).state is JobState.QUEUED
    rq_queue = queue.rq_queue(app)
    try:
        assert rq_queue.count == 1
        with app.app_context():
            worker = SimpleWorker([rq_queue], connection=rq_queue.connection)
            assert worker.work(burst=True)
        done = _job(app, job_id)
        assert (done.state, done.done, done.total) == (JobState.DONE, 6, 6)
        assert rq_queue.count == 0
    finally:
        rq_queue.delete(delete_jobs=True)


def test_a_job_whose_work_horse_is_killed_is_failed_not_left_running(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASEWORK_JOBS_REDIS_URL", _redis_url())
    monkeypatch.setitem(app.config, "CASEWORK_JOBS_QUEUE", f"casework-test-{uuid.uuid4().hex}")
    monkeypatch.setattr(queue, "_worker_app", None)  # `serve` sets them for its worker
    monkeypatch.setattr(queue, "_worker_pid", None)
    with app.app_context():
        job_id = runner.start(DIE, requested_by_id=None, params={}).id
        db.session.commit()
    rq_queue = queue.rq_queue(app)
    try:
        queue.serve(app, burst=True)  # forks a work horse, which the job kills
        failed = _job(app, job_id)
        assert failed.state is JobState.FAILED and failed.finished_at is not None
        assert failed.error == runner.UNEXPECTED
    finally:
        rq_queue.delete(delete_jobs=True)


def test_my_jobs_lists_only_my_own(app: Flask, client: FlaskClient, login_as: Any) -> None:
    with app.app_context():
        other = make_user(roles=(Role.COORDINATOR,))
        db.session.commit()
        other_id = other.id
    theirs = _start(app, by=other_id, steps=1)
    user = login_as(Role.COORDINATOR, preferred_language=Language.EN)
    mine = _start(app, by=user.id, steps=1)
    page = client.get("/jobs").get_data(as_text=True)
    assert f"/jobs/{mine}" in page and f"/jobs/{theirs}" not in page
    assert page.count("data-job>") == 1
