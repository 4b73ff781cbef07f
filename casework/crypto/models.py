"""Stored data keys (wrapped), blind-index entries and the key check values."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.keys import INITIAL_KEY_ID
from casework.db import Base, Timestamp, UUIDPk


class DataKeyRecord(Base):
    """One version of an owner's data key, wrapped by a master key; shredded keys keep no blob."""

    __tablename__ = "data_keys"
    __table_args__ = (UniqueConstraint("owner_id", "version"),)

    id: Mapped[UUIDPk]
    #: `client:<uuid>` for a client's data, `staff` for staff-only records.
    owner_id: Mapped[str] = mapped_column(String(128))
    version: Mapped[int]
    #: Repeats the wrapped blob's header, so rotation finds what is left to rewrap.
    master_key_id: Mapped[str] = mapped_column(String(32), index=True)
    #: None once destroyed (crypto-shredding or a finished data-key rotation).
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[Timestamp]
    destroyed_at: Mapped[datetime | None]


class BlindIndexEntry(Base):
    """A keyed hash of one normalised identifier of a client, for exact-match search."""

    __tablename__ = "blind_indexes"
    __table_args__ = (Index(None, "kind", "digest"),)

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    digest: Mapped[str] = mapped_column(String(64))
    #: The blind-index key the digest was made with (rows older than key ids: `initial`).
    key_id: Mapped[str] = mapped_column(String(32), index=True, server_default=INITIAL_KEY_ID)


class KeyCheck(Base):
    """The check value of a key this database has been used with, recorded at first use.

    A start with a different key under a recorded id is refused before anything is read or
    written with it.
    """

    __tablename__ = "key_checks"

    #: `master`, `blind_index` or `audit`.
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: `casework.crypto.keys.key_check_value` of the key.
    check_value: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[Timestamp]
