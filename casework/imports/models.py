"""Uploads waiting for their import, the runs, and the ledger that makes a run repeatable."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.columns import Encrypted, encrypted_column
from casework.crypto.keystore import STAFF_OWNER
from casework.db import Base, Timestamp, UUIDPk


class ImportUpload(Base):
    """A file between its upload and its import: encrypted, seen only by who uploaded it, and
    deleted when it is imported or abandoned."""

    __tablename__ = "import_uploads"

    id: Mapped[UUIDPk]
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: "csv" or "xlsx".
    file_format: Mapped[str] = mapped_column(String(8))
    content_ciphertext: Mapped[bytes | None] = encrypted_column("content")
    #: The file, base64, under the staff data key.
    content = Encrypted[str]("content_ciphertext", owner=STAFF_OWNER)
    #: Field name -> column heading, once the mapping step is done.
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ImportRun(Base):
    """One confirmed import and what it did."""

    __tablename__ = "import_runs"
    __audit_type__ = "import_run"

    id: Mapped[UUIDPk]
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    #: Rows an earlier run already imported (matched in the ledger).
    already_imported: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime | None]


class ImportLedgerEntry(Base):
    """A row already imported, by its keyed fingerprint (HMAC of its normalised content; never
    the content): the same row in a later run is recognised and skipped."""

    __tablename__ = "import_ledger"
    __table_args__ = (UniqueConstraint("kind", "fingerprint"),)

    id: Mapped[UUIDPk]
    kind: Mapped[str] = mapped_column(String(20))
    fingerprint: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"))
    #: The client the row created; the ledger entry goes with the client's erasure.
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
