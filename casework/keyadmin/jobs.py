"""Key rotation as background jobs: every data key rewrapped under the primary master key, and
every blind index recomputed under the current blind-index key, in batches that each commit
(a stopped job loses nothing; the next one continues), with progress."""

from __future__ import annotations

from casework.crypto.keystore import key_material
from casework.db import db
from casework.errors import N_
from casework.jobs import runner
from casework.jobs.models import Job
from casework.keyadmin import services

REWRAP = "keys.rotate_master"
REINDEX = "keys.rotate_blind_index"


def start_rotation(kind: str, *, batch_size: int, dispatch: bool = True) -> Job:
    return runner.start(
        kind, requested_by_id=None, params={"batch_size": batch_size}, dispatch=dispatch
    )


@runner.job_kind(REWRAP, title=N_("Master key rotation"))
def rewrap_data_keys(job: Job, progress: runner.Progress) -> runner.Outcome:
    progress.start(services.keys_left_to_rewrap())
    while done := services.rewrap_batch(job.params["batch_size"]):
        db.session.commit()
        progress.advance(done)
    return runner.Outcome(
        summary=f"all data keys are wrapped by {key_material().master_keys.primary_id}"
    )


@runner.job_kind(REINDEX, title=N_("Blind-index key rotation"))
def recompute_blind_indexes(job: Job, progress: runner.Progress) -> runner.Outcome:
    progress.start(services.clients_left_to_reindex())
    while done := services.reindex_batch(job.params["batch_size"]):
        db.session.commit()
        progress.advance(done)
    return runner.Outcome(
        summary=f"every blind index is made with {key_material().blind_index_key_id}"
    )
