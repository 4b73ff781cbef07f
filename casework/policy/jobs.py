"""Background jobs: a job, its progress and its result are seen only by the person who started
it (its file may hold what only they were allowed to read); one started from the command line
by nobody on the web."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from casework.auth.models import User
from casework.jobs.models import Job


def visible_jobs(user: User) -> ColumnElement[bool]:
    return Job.requested_by_id == user.id
