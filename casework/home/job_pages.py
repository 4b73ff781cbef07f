"""A background job as its page shows it: progress, outcome, the file (the person who started
it only: `policy.visible_jobs`; anyone else gets the same 404 as for a job that never was)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.db import db
from casework.errors import DomainError
from casework.jobs import runner as jobs
from casework.jobs.models import Job, JobState
from casework.web.errors import error_text


@dataclass(frozen=True)
class JobPage:
    job: Job
    title: str
    #: 0-100, for the bar; None while the number of steps is unknown.
    percent: int | None
    result_link: str | None
    #: Why it failed, in the page's language.
    error: str | None
    #: The file can still be downloaded.
    has_file: bool


def require_job(user: User, job_id: uuid.UUID) -> Job:
    return policy.require_visible(user, Job, job_id, what="job")


def job_page(user: User, job_id: uuid.UUID) -> JobPage:
    job = require_job(user, job_id)
    kind = jobs.JOB_KINDS.get(job.kind)
    percent = None
    if job.total:
        percent = min(100, job.done * 100 // job.total)
    elif job.state is JobState.DONE:
        percent = 100
    error = None
    if job.state is JobState.FAILED:
        error = error_text(DomainError(job.error or jobs.UNEXPECTED, **(job.error_params or {})))
    link = None
    if job.state is JobState.DONE and kind and kind.result_link and job.result_id:
        link = kind.result_link(job)
    return JobPage(
        job=job,
        title=kind.title if kind else job.kind,
        percent=percent,
        result_link=link,
        error=error,
        has_file=job.state is JobState.DONE and job.has_file and not jobs.is_expired(job),
    )


def job_download(user: User, job_id: uuid.UUID) -> tuple[Job, bytes]:
    """The job's file; the download is audited (an export holds a client's data)."""
    job = require_job(user, job_id)
    content = jobs.job_file(job)
    audit.record(
        "job.download",
        actor=user,
        object_type="job",
        object_id=job.id,
        client_id=job.client_id,
        fields=["file"],
    )
    return job, content


#: How many of one's jobs the list shows (the newest).
MY_JOBS_LIMIT = 20


def my_jobs(user: User) -> list[tuple[Job, str]]:
    """`user`'s newest jobs with their titles (msgids), for the list of one's jobs."""
    jobs_of_user = db.session.scalars(
        select(Job)
        .where(policy.visible_jobs(user))
        .order_by(Job.created_at.desc())
        .limit(MY_JOBS_LIMIT)
    )
    return [
        (job, kind.title if (kind := jobs.JOB_KINDS.get(job.kind)) else job.kind)
        for job in jobs_of_user
    ]
