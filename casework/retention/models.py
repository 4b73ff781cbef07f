"""Retention runs: when the policy was applied, with what setting, and what it changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, Timestamp, UTCDateTime, UUIDPk


class RetentionRun(Base):
    """One `flask retention run`: the statistics kept about applying the policy.

    The audit trail holds one event per anonymised client that refers to this row, and one for
    the run; those events are the tamper-evident record, these counts the summary."""

    __tablename__ = "retention_runs"
    __audit_type__ = "retention_run"

    id: Mapped[UUIDPk]
    started_at: Mapped[Timestamp]
    #: None while the run is under way, or when it was stopped before its end.
    finished_at: Mapped[datetime | None]
    #: The policy applied: years after a client's last contact with the centre.
    years_after_last_contact: Mapped[int] = mapped_column(SmallInteger)
    #: Clients whose last contact ended at or before this moment were due.
    cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clients_anonymised: Mapped[int] = mapped_column(default=0)
    keys_destroyed: Mapped[int] = mapped_column(default=0)
