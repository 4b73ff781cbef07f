"""A report exported to a file in the background: a long period over a large centre takes
longer than a page should wait. The page, the API and `flask reports run` start the same job."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from casework.auth.models import User
from casework.db import db
from casework.errors import N_
from casework.jobs import runner
from casework.jobs.models import Job
from casework.reports import services
from casework.reports.exports import MEDIA_TYPES, filename, render

EXPORT = "reports.export"


def start_export(
    user: User | None,
    name: str,
    *,
    start: date,
    end: date,
    project_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    language: str,
    fmt: str,
    threshold: int | None,
    dispatch: bool = True,
) -> Job:
    """Queue the export of report `name`; the report's own checks run before anything is
    queued (an unknown report, a bad period, a team one may not report on are refused here)."""
    services.require_report(name)
    services.reach_for(user, team_id)
    services.window_of(start, end)
    return runner.start(
        EXPORT,
        requested_by_id=user.id if user else None,
        params={
            "name": name,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "project_id": str(project_id) if project_id else None,
            "team_id": str(team_id) if team_id else None,
            "language": language,
            "format": fmt,
            "threshold": threshold,
        },
        dispatch=dispatch,
    )


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


@runner.job_kind(EXPORT, title=N_("Report export"))
def export_report(job: Job, progress: runner.Progress) -> runner.Outcome:
    params = job.params
    user = None
    if job.requested_by_id is not None:
        user = db.session.scalar(select(User).where(User.id == job.requested_by_id))
    result = services.run_report(
        user,
        params["name"],
        start=date.fromisoformat(params["start"]),
        end=date.fromisoformat(params["end"]),
        project_id=_uuid(params["project_id"]),
        team_id=_uuid(params["team_id"]),
        language=params["language"],
        progress=progress.update,
    )
    fmt = params["format"]
    return runner.Outcome(
        summary=f"{params['name']}: {len(result.indicators)} indicators",
        file=render(result, fmt, threshold=params["threshold"]),
        file_name=filename(result, fmt),
        media_type=MEDIA_TYPES[fmt],
    )
