"""Applying the retention policy as a background job: batches of crypto-shredding, each its
own transaction, with progress (`flask retention run`, or queued with --background)."""

from __future__ import annotations

from flask import current_app

from casework.db import alone, db
from casework.errors import N_, Conflict
from casework.jobs import runner
from casework.jobs.models import Job
from casework.retention import services

RUN = "retention.run"


def start_run(*, batch_size: int | None, dispatch: bool = True) -> Job:
    return runner.start(
        RUN, requested_by_id=None, params={"batch_size": batch_size}, dispatch=dispatch
    )


@runner.job_kind(RUN, title=N_("Retention run"))
def apply_retention(job: Job, progress: runner.Progress) -> runner.Outcome:
    with alone("retention run") as first:
        if not first:
            raise Conflict("another retention run is in progress; this one changed nothing")
        return _apply_retention(job, progress)


def _apply_retention(job: Job, progress: runner.Progress) -> runner.Outcome:
    policy = services.RetentionPolicy.from_config(current_app.config)
    size = job.params.get("batch_size") or policy.batch_size
    progress.start(services.preview(policy).clients)
    record = services.start_run(policy)
    db.session.commit()
    # One transaction per batch: a stopped run keeps what it finished.
    while done := services.anonymise_batch(record, batch_size=size):
        db.session.commit()
        progress.advance(done)
    services.finish_run(record)
    return runner.Outcome(
        summary=(
            f"anonymised {record.clients_anonymised} clients last in contact on or before "
            f"{record.cutoff_at.date().isoformat()} ({policy.years_after_last_contact} years); "
            f"{record.keys_destroyed} data keys destroyed; run {record.id}"
        ),
        result_id=record.id,
    )
