"""The import step as a background job: a sheet of thousands of clients takes minutes (each
row is encrypted, indexed, consented and audited). The preview stays on the page, at once."""

from __future__ import annotations

import uuid

from flask import url_for
from sqlalchemy import select

from casework.auth.models import User
from casework.db import db
from casework.errors import N_
from casework.imports import services
from casework.jobs import runner
from casework.jobs.models import Job

IMPORT = "imports.import"


def start_import(
    user: User, upload_id: uuid.UUID, *, only_good_rows: bool, dispatch: bool = True
) -> Job:
    """Queue the import of a mapped upload of `user`'s (refused now if it is not ready)."""
    services.check_importable(user, upload_id, only_good_rows=only_good_rows)
    return runner.start(
        IMPORT,
        requested_by_id=user.id,
        params={"upload_id": str(upload_id), "only_good_rows": only_good_rows},
        dispatch=dispatch,
    )


def _run_page(job: Job) -> str:
    return url_for("import_pages.run", run_id=job.result_id)


@runner.job_kind(IMPORT, title=N_("Spreadsheet import"), result_link=_run_page)
def import_upload(job: Job, progress: runner.Progress) -> runner.Outcome:
    user = db.session.scalar(select(User).where(User.id == job.requested_by_id))
    assert user is not None
    run = services.import_upload(
        user,
        uuid.UUID(job.params["upload_id"]),
        only_good_rows=bool(job.params["only_good_rows"]),
        progress=progress.update,
    )
    return runner.Outcome(
        summary=(
            f"{run.rows} rows: {run.imported} imported, {run.already_imported} already "
            f"imported, {run.rejected} with problems left out"
        ),
        result_id=run.id,
    )
