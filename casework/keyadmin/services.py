"""Key administration: master-key rotation and retirement, a client's data-key rotation, the
blind-index key's rotation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, delete, distinct, func, select

from casework.audit import services as audit
from casework.auth.models import User
from casework.clients.models import Client
from casework.crypto.columns import ENCRYPTED_COLUMNS
from casework.crypto.envelope import WrappedKey, rewrap
from casework.crypto.keystore import client_owner, data_keys, key_material
from casework.crypto.models import BlindIndexEntry, DataKeyRecord
from casework.crypto.services import Identifiers, set_blind_indexes
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


# --- blind-index key rotation ---------------------------------------------------------------


def _stale_index_rows() -> ColumnElement[bool]:
    return BlindIndexEntry.key_id != key_material().blind_index_key_id


def clients_left_to_reindex() -> int:
    """How many clients still have blind indexes made with an old blind-index key."""
    count = select(func.count(distinct(BlindIndexEntry.client_id))).where(_stale_index_rows())
    return db.session.scalar(count) or 0


def reindex_batch(limit: int, *, actor: User | None = None) -> int:
    """Recompute, under the current blind-index key, the indexes of up to `limit` clients still
    indexed under an old one; returns how many clients were done.

    Each batch is its own transaction (the caller commits): the rows themselves say which key
    made them, so a run killed at any point continues where it stopped, and a search meanwhile
    compares each row under its own key. The clients are locked, so an edit of one of them
    waits rather than being overwritten with the identifiers read before it.
    """
    client_ids = db.session.scalars(
        select(BlindIndexEntry.client_id)
        .where(_stale_index_rows())
        .group_by(BlindIndexEntry.client_id)
        .order_by(BlindIndexEntry.client_id)
        .limit(limit)
    ).all()
    if not client_ids:
        return 0
    clients = db.session.scalars(
        select(Client)
        .where(Client.id.in_(client_ids))
        .order_by(Client.id)
        .with_for_update(of=Client)
    ).all()
    # Rows of a client who no longer exists index nobody.
    gone = set(client_ids) - {client.id for client in clients}
    db.session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.client_id.in_(gone)))
    data_keys().preload(client_owner(client.id) for client in clients)
    for client in clients:
        _reindex(client)
    audit.record_many(
        "client.blind_index_recompute",
        actor=actor,
        object_type="client",
        objects=[audit.Read(client.id, client.id) for client in clients],
        fields=["blind_indexes"],
    )
    db.session.flush()
    return len(client_ids)


def _reindex(client: Client) -> None:
    date_of_birth = client.date_of_birth
    identifiers = Identifiers(
        national_ids=(client.national_id,) if client.national_id else (),
        phones=(client.phone,) if client.phone else (),
        emails=(client.email,) if client.email else (),
        surname=client.family_name or None,
        birth_year=client.birth_year or (date_of_birth.year if date_of_birth else None),
    )
    # Anything stored before a stricter normalisation is left out rather than stopping the run.
    set_blind_indexes(client.id, identifiers, skip_invalid=True)


def check_old_blind_index_keys_unused() -> None:
    """Refuse to retire the old blind-index keys while any index was made with one."""
    left = clients_left_to_reindex()
    if left:
        raise Conflict(
            "%(count)s clients still have blind indexes made with an old key; "
            "run `flask keys rotate-blind-index`",
            count=left,
        )


def record_key_event(action: str, key_id: str, *, actor: User | None = None) -> None:
    """Audit an administrative step on a key (never the key itself)."""
    audit.record(action, actor=actor, object_type="key", object_id=key_id)
