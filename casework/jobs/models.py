"""A background job: what was asked, by whom, how far it is, and what came out of it."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One run of a job kind (`casework.jobs.services.JOB_KINDS`).

    `params` hold ids, dates and choices only, never names, notes or reasons (those stay in the
    feature's own encrypted rows). A file result is kept encrypted: under the client's data key
    when it holds one client's data (so erasing them shreds it too), else under the staff key,
    and it is removed at `expires_at`."""

    __tablename__ = "jobs"
    __audit_type__ = "job"

    id: Mapped[UUIDPk]
    kind: Mapped[str] = mapped_column(String(60))
    #: None for a job started from the command line.
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The client whose data the result holds, if one client's.
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clients.id"))
    state: Mapped[JobState] = mapped_column(portable_enum(JobState, "job_state"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Steps done of `total` (None: not known yet).
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    #: Why it failed: a domain error's English msgid and parameters (never client data).
    error: Mapped[str | None] = mapped_column(String(400))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The row the job made or changed (an import run, a retention run), if any.
    result_id: Mapped[uuid.UUID | None]
    #: One line about the outcome in English, for the command line (counts only).
    summary: Mapped[str | None] = mapped_column(String(400))
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_media_type: Mapped[str | None] = mapped_column(String(120))
    file_ciphertext: Mapped[bytes | None] = encrypted_column("file")
    #: The file, base64, under the staff key.
    file = Encrypted[str]("file_ciphertext", owner="staff")
    client_file_ciphertext: Mapped[bytes | None] = encrypted_column("client_file")
    #: The file, base64, under the data key of `client_id`.
    client_file = Encrypted[str]("client_file_ciphertext", owner="client_id")
    created_at: Mapped[Timestamp]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: When the file result is removed.
    expires_at: Mapped[datetime | None] = mapped_column(index=True)

    @property
    def is_over(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def has_file(self) -> bool:
        return self.file_ciphertext is not None or self.client_file_ciphertext is not None
