"""Audit events and the head of their hash chain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.keys import INITIAL_KEY_ID
from casework.db import Base, UTCDateTime


class AuditEvent(Base):
    """One read or change of sensitive data: who, what, which fields; never the values."""

    __tablename__ = "audit_events"

    #: Position in the trail: chain c numbers its events from c * 2**48 + 1 up without gaps
    #: (`casework.crypto.chain.chain_of`); a gap is a deleted event.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: No foreign key: the trail outlives accounts.
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_role: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: Keyed hash of the client id: links events of one client without naming them.
    client_pseudonym: Mapped[str | None] = mapped_column(String(32), index=True)
    #: Names of the fields read or changed, never their values.
    fields: Mapped[list[str]] = mapped_column(JSON)
    #: Where the reason is kept, when the policy asks for one: `<table>:<row id>` of a row whose
    #: reason is encrypted (breaking the glass, export, erasure), never the text itself. Events
    #: written before 2026-11-30 may hold text: the chain covers it (docs/security.md).
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    #: The MAC of the event before this one (all zeros for the first): the chain, readable.
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    #: The audit key that made `mac`: its chain segment (events older than key ids: `initial`).
    key_id: Mapped[str] = mapped_column(String(32), server_default=INITIAL_KEY_ID)

    def chained_fields(self) -> dict[str, Any]:
        """The fields the MAC covers, as stored; a later segment's key id is one of them."""
        fields = {
            "occurred_at": self.occurred_at,
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "client_pseudonym": self.client_pseudonym,
            "fields": list(self.fields),
            "reason": self.reason,
            "request_id": self.request_id,
            "prev_mac": self.prev_mac,
        }
        if self.key_id != INITIAL_KEY_ID:
            fields["key_id"] = self.key_id
        return fields


#: At most this many chains are appended side by side (PostgreSQL; SQLite uses one).
CHAINS = 16


class AuditHead(Base):
    """The head of one chain (row `id` heads chain `id - 1`): its update locks the chain, so
    appends to one chain queue while the other chains take appends of their own."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint(f"id BETWEEN 1 AND {CHAINS}", name="chains"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The chain's newest event (its start, `chain * 2**48`, while it has none).
    seq: Mapped[int] = mapped_column(BigInteger)
    mac: Mapped[str] = mapped_column(String(64))
    #: The audit key new events are made with; `flask keys rotate-audit` moves it on.
    key_id: Mapped[str] = mapped_column(String(32), server_default=INITIAL_KEY_ID)
