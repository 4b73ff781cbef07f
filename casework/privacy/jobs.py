"""A client's GDPR export as a background job: everything held about them gathered from every
feature, as a JSON file kept under the client's own data key (erasing them shreds it too) and
removed after `CASEWORK_JOB_RESULT_HOURS`."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from casework.auth.models import User
from casework.db import db
from casework.errors import N_
from casework.jobs import runner
from casework.jobs.models import Job
from casework.privacy import services
from casework.privacy.models import PrivacyRequest

EXPORT = "privacy.export"


def start_export(user: User, client_id: uuid.UUID, *, reason: str, dispatch: bool = True) -> Job:
    """Record the export request (its reason encrypted) and queue the export."""
    request = services.record_export_request(user, client_id, reason=reason)
    db.session.flush()
    return runner.start(
        EXPORT,
        requested_by_id=user.id,
        client_id=request.client_id,
        params={"request_id": str(request.id)},
        dispatch=dispatch,
    )


@runner.job_kind(EXPORT, title=N_("GDPR export"))
def export_client(job: Job, progress: runner.Progress) -> runner.Outcome:
    progress.start(1)
    user = db.session.scalar(select(User).where(User.id == job.requested_by_id))
    request = db.session.scalar(
        select(PrivacyRequest).where(PrivacyRequest.id == uuid.UUID(job.params["request_id"]))
    )
    assert user is not None and request is not None
    data = services.export_for_request(user, request)
    progress.advance()
    return runner.Outcome(
        summary=f"{len(data)} sections",
        file=json.dumps(data, ensure_ascii=False, indent=2).encode(),
        file_name=f"export-{request.created_at.date().isoformat()}.json",
        media_type="application/json",
    )
