"""Key administration: master-key rotation and retirement, a client's data-key rotation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from casework.audit import services as audit
from casework.auth.models import User
from casework.crypto.columns import ENCRYPTED_COLUMNS
from casework.crypto.envelope import WrappedKey, rewrap
from casework.crypto.keystore import client_owner, data_keys, key_material
from casework.crypto.models import DataKeyRecord
from casework.db import db
from casework.errors import Conflict


def key_usage() -> dict[str, int]:
    """How many live data keys each master key wraps."""
    rows = db.session.execute(
        select(DataKeyRecord.master_key_id, func.count())
        .where(DataKeyRecord.wrapped_key.is_not(None))
        .group_by(DataKeyRecord.master_key_id)
    )
    usage = {key_id: 0 for key_id in key_material().master_keys.key_ids}
    usage.update({key_id: count for key_id, count in rows})
    return usage


def keys_left_to_rewrap() -> int:
    """How many live data keys are wrapped by a master key other than the primary."""
    primary = key_material().master_keys.primary_id
    return (
        db.session.scalar(
            select(func.count()).where(
                DataKeyRecord.master_key_id != primary, DataKeyRecord.wrapped_key.is_not(None)
            )
        )
        or 0
    )


def rewrap_batch(limit: int) -> int:
    """Rewrap up to `limit` data keys under the primary master key; returns how many.

    Each batch is its own transaction (the caller commits): a run killed at any point leaves
    every key wrapped under one master key or the other, and the next run continues.
    """
    ring = key_material().master_keys
    records = db.session.scalars(
        select(DataKeyRecord)
        .where(
            DataKeyRecord.master_key_id != ring.primary_id, DataKeyRecord.wrapped_key.is_not(None)
        )
        .order_by(DataKeyRecord.id)
        .limit(limit)
    ).all()
    for record in records:
        assert record.wrapped_key is not None
        wrapped = rewrap(
            ring,
            WrappedKey(record.master_key_id, record.wrapped_key),
            owner_id=record.owner_id,
            version=record.version,
        )
        record.master_key_id, record.wrapped_key = wrapped.master_key_id, wrapped.blob
    db.session.flush()
    return len(records)


def check_retirable(key_id: str) -> None:
    """Refuse to retire a master key that still wraps data keys, or the primary."""
    ring = key_material().master_keys
    if key_id == ring.primary_id:
        raise Conflict(
            "%(key)s is the primary master key; make another key primary first", key=key_id
        )
    in_use = key_usage().get(key_id, 0)
    if in_use:
        raise Conflict(
            "master key %(key)s still wraps %(count)s data keys; run `flask keys rotate-master`",
            key=key_id,
            count=in_use,
        )


def _client_rows(client_id: uuid.UUID) -> Iterable[tuple[object, list[str]]]:
    """Every row holding encrypted data of the client, with its encrypted attributes."""
    by_model: dict[tuple[type, str], list[str]] = {}
    for column in ENCRYPTED_COLUMNS:
        if column.owner != "staff":
            by_model.setdefault((column.model, column.owner), []).append(column.attribute)
    for (model, owner_attribute), attributes in by_model.items():
        rows: Iterable[Any] = db.session.scalars(
            select(model).where(getattr(model, owner_attribute) == client_id)
        )
        for row in rows:
            yield row, attributes


def rotate_client_key(client_id: uuid.UUID, *, actor: User | None = None) -> int:
    """Re-encrypt every field of a client under a new data key and destroy the old versions.

    The owner's key rows are locked first (on PostgreSQL), so a write that is sealing with the
    old key finishes before rotation reads the rows it must re-encrypt.
    """
    owner = client_owner(client_id)
    db.session.execute(
        select(DataKeyRecord.id).where(DataKeyRecord.owner_id == owner).with_for_update()
    ).all()
    rows = [
        (row, {name: getattr(row, name) for name in names})
        for row, names in _client_rows(client_id)
    ]
    store = data_keys()
    new_key = store.create(owner, version=store.current(owner).version + 1)
    for row, values in rows:
        for name, value in values.items():
            setattr(row, name, value)
    store.destroy(owner, below_version=new_key.version)
    audit.record(
        "client.key_rotate",
        actor=actor,
        object_type="client",
        object_id=client_id,
        client_id=client_id,
        fields=sorted({n for _, values in rows for n in values}),
    )
    db.session.flush()
    return len(rows)
