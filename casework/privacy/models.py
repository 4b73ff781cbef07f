"""GDPR requests: who asked for a client's export or erasure, when, and why."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class PrivacyRequestKind(enum.StrEnum):
    EXPORT = "export"
    ERASURE = "erasure"


class PrivacyRequest(Base):
    """One export or erasure of a client. The reason is encrypted under the staff key, not the
    client's: it must outlive the client's crypto-shredding to keep the erasure accountable.
    The audit trail holds only a reference to this row."""

    __tablename__ = "privacy_requests"
    __audit_type__ = "privacy_request"

    id: Mapped[UUIDPk]
    kind: Mapped[PrivacyRequestKind] = mapped_column(
        portable_enum(PrivacyRequestKind, "privacy_request_kind")
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp]
    reason_ciphertext: Mapped[bytes | None] = encrypted_column("reason")
    reason = Encrypted[str]("reason_ciphertext", owner="staff")
