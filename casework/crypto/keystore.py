"""Keys inside the app: loading them at start, and the data keys of one unit of work."""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import Result, Select, event, func, select
from sqlalchemy.orm import Session

from casework.config import ConfigError
from casework.crypto.envelope import DataKey, DataKeyCache, WrappedKey, wrap_data_key
from casework.crypto.errors import DecryptionError, KeyConfigError
from casework.crypto.keycheck import verify_key_checks
from casework.crypto.keyfile import load_key_file, load_key_material, write_new_key_file
from casework.crypto.keys import KeyMaterial
from casework.crypto.models import DataKeyRecord
from casework.crypto.purge import purge_after_commit
from casework.db import db, utcnow
from casework.errors import N_, Conflict

log = logging.getLogger(__name__)

STAFF_OWNER = "staff"
_KEY_VARIABLES = ("CASEWORK_KEY_FILE", "CASEWORK_MASTER_KEYS")


def client_owner(client_id: object) -> str:
    """The data-key owner id of a client's records (memoised: str(UUID) is not free)."""
    if type(client_id) is uuid.UUID:
        return _uuid_client_owner(client_id.int)  # an int hashes in C, a UUID in Python
    return _client_owner(client_id)


@functools.lru_cache(maxsize=8192)
def _uuid_client_owner(client_id: int) -> str:
    return f"client:{uuid.UUID(int=client_id)}"


@functools.lru_cache(maxsize=8192)
def _client_owner(client_id: object) -> str:
    return f"client:{client_id}"


def init_keys(app: Flask) -> None:
    """Load the key material; refuse to start in production when it is missing or malformed.

    Development without configured keys uses (and on first start creates) a 0600 key file in
    the instance folder. A test may hand over `CASEWORK_KEY_MATERIAL` directly. Every key is
    then checked against the check value recorded for its id (`crypto.keycheck`).
    """
    material = app.config.get("CASEWORK_KEY_MATERIAL")
    if material is None:
        material = _load(app)
    with app.app_context():
        try:
            recorded = verify_key_checks(db.engine, material)
        except KeyConfigError as error:
            raise ConfigError(f"{error}; refusing to start") from None
    for kind, key_id in recorded:
        log.info("recorded the check value of the %s key %s", kind, key_id)
    app.extensions["casework.keys"] = material


def _load(app: Flask) -> KeyMaterial:
    production = app.config["CASEWORK_ENV"] == "production"
    configured = any(os.environ.get(name, "").strip() for name in _KEY_VARIABLES)
    try:
        if production or configured:
            return load_key_material(os.environ, production=production)
        path = Path(app.instance_path) / "keys.json"
        if path.exists():
            return load_key_file(path)
        material = write_new_key_file(path)
        log.warning("created a development key file at %s (mode 0600); keep it safe", path)
        return material
    except KeyConfigError as error:
        raise ConfigError(f"{error}; refusing to start") from None


def key_material() -> KeyMaterial:
    return current_app.extensions["casework.keys"]


class ErasedOwnerError(Conflict):
    """A write for a client whose data keys were destroyed (erased)."""

    def __init__(self) -> None:
        super().__init__(N_("this client was erased; nothing new can be stored about them"))


class WrappedRow(Protocol):
    """What unwrapping needs of a stored data key."""

    owner_id: str
    version: int
    master_key_id: str
    wrapped_key: bytes | None


#: The columns a read of a data key loads: plain rows, not `DataKeyRecord` objects, because
#: building and tracking an ORM object per key was most of what decrypting cost a request
#: (benchmarks/bench_crypto.py); nothing a reader does changes a key row.
_WRAPPED = (
    DataKeyRecord.owner_id,
    DataKeyRecord.version,
    DataKeyRecord.master_key_id,
    DataKeyRecord.wrapped_key,
)


class DataKeyStore:
    """The data keys of one session: each unwrapped at most once, created on first write."""

    def __init__(self, session: Session, material: KeyMaterial) -> None:
        self.session = session
        self.material = material
        self.cache = DataKeyCache(material.master_keys)
        self._current: dict[str, DataKey | None] = {}
        self._recent: dict[str, DataKey] = {}
        #: Owners whose key rows this transaction holds a share lock on (see `current`).
        self._locked: set[str] = set()

    def current(self, owner_id: str) -> DataKey:
        """The newest live key of `owner_id`, created (version 1) if it never had one.

        Only writers ask for it, so the first call in a transaction locks the owner's key rows
        FOR SHARE (on PostgreSQL; SQLite has one writer at a time) and then reads them again:
        writers run side by side, while a rotation (FOR UPDATE) waits for every writer sealing
        under the old version to commit, and a writer waiting for a rotation seals under the
        new version. An owner whose keys were all destroyed was erased: nothing new is stored.
        """
        if owner_id not in self._locked:
            self._lock_for_writing(owner_id)
        key = self._current.get(owner_id)
        if key is None:
            self.preload([owner_id])
            key = self._current.get(owner_id)
        if key is None:
            version = self._next_version(owner_id)
            if version > 1:
                raise ErasedOwnerError()
            key = self.create(owner_id, version=version)
        return key

    def _lock_for_writing(self, owner_id: str) -> None:
        self.session.execute(
            select(DataKeyRecord.id)
            .where(DataKeyRecord.owner_id == owner_id)
            .with_for_update(read=True)
        ).all()
        self._locked.add(owner_id)
        # What was read before the lock may predate a rotation that has committed since.
        self._current.pop(owner_id, None)

    def recent(self, owner_id: str) -> DataKey | None:
        """The key last used for `owner_id` in this unit of work: most reads need just that one."""
        return self._recent.get(owner_id)

    def get(self, owner_id: str, version: int) -> DataKey | None:
        """The key that opens a ciphertext of (owner, version); None when the owner was erased.

        A version that never existed is an integrity failure, not an erasure; so is a destroyed
        version while the owner still has a live key: rotation re-encrypts every value before
        destroying the old version, so a value left under it was lost, and must say so.
        """
        cached = self.cache.get(owner_id, version)
        if cached is not None:
            return cached
        record = self._rows(
            select(*_WRAPPED).where(
                DataKeyRecord.owner_id == owner_id, DataKeyRecord.version == version
            )
        ).first()
        if record is None:
            raise DecryptionError()
        key = self._unwrap(record)
        if key is None and self.has_live_key(owner_id):
            raise DecryptionError()
        return key

    def _rows(
        self, query: Select[str, int, str, bytes | None]
    ) -> Result[str, int, str, bytes | None]:
        """Key rows read on the session's connection, as plain rows: a decrypt sends this one
        statement, and the ORM's per-statement work is most of its cost. Flushed first, as the
        session would, so a key this unit of work wrote is seen."""
        self.session.flush()
        return self.session.connection().execute(query)

    def has_live_key(self, owner_id: str) -> bool:
        """Whether the owner has a key that is not destroyed (False: erased, or never had one)."""
        self.preload([owner_id])
        return self._current.get(owner_id) is not None

    def preload(self, owner_ids: Iterable[str]) -> None:
        """Unwrap the live keys of many owners with one query (lists of clients use this)."""
        wanted = [owner for owner in set(owner_ids) if owner not in self._current]
        if not wanted:
            return
        records = self._rows(
            select(*_WRAPPED)
            .where(DataKeyRecord.owner_id.in_(wanted), DataKeyRecord.wrapped_key.is_not(None))
            .order_by(DataKeyRecord.owner_id, DataKeyRecord.version)
        )
        for owner in wanted:
            self._current[owner] = None
        for record in records:
            self._current[record.owner_id] = self._unwrap(record)  # the last is the newest

    def create(self, owner_id: str, *, version: int) -> DataKey:
        key = self.cache.add(DataKey.generate(owner_id, version=version))
        wrapped = wrap_data_key(
            self.material.master_keys, key.secret, owner_id=owner_id, version=version
        )
        self.session.add(
            DataKeyRecord(
                owner_id=owner_id,
                version=version,
                master_key_id=wrapped.master_key_id,
                wrapped_key=wrapped.blob,
            )
        )
        self._current[owner_id] = self._recent[owner_id] = key
        return key

    def destroy(self, owner_id: str, *, below_version: int | None = None) -> int:
        """Destroy the owner's keys (or only the versions below one); returns how many."""
        query = select(DataKeyRecord).where(
            DataKeyRecord.owner_id == owner_id, DataKeyRecord.wrapped_key.is_not(None)
        )
        if below_version is not None:
            query = query.where(DataKeyRecord.version < below_version)
        records = list(self.session.scalars(query))
        for record in records:
            record.wrapped_key = None
            record.destroyed_at = utcnow()
        if records:
            purge_after_commit(self.session)
        self.cache.discard(owner_id)
        self._current.pop(owner_id, None)
        self._recent.pop(owner_id, None)
        return len(records)

    def _unwrap(self, record: WrappedRow) -> DataKey | None:
        if record.wrapped_key is None:
            return None
        wrapped = WrappedKey(record.master_key_id, record.wrapped_key)
        key = self.cache.unwrap(wrapped, owner_id=record.owner_id, version=record.version)
        self._recent[record.owner_id] = key
        return key

    def _next_version(self, owner_id: str) -> int:
        newest = self.session.scalar(
            select(func.max(DataKeyRecord.version)).where(DataKeyRecord.owner_id == owner_id)
        )
        return (newest or 0) + 1


@event.listens_for(Session, "after_soft_rollback")
def _forget_keys_on_rollback(session: Session, _transaction: object) -> None:
    # A key created in a rolled-back transaction was never stored: never encrypt with it.
    session.info.pop("casework.data_keys", None)


def data_keys(session: Session | None = None) -> DataKeyStore:
    """The data-key store of `session` (default: the current one), made on first use."""
    session = session or db.session()
    store = session.info.get("casework.data_keys")
    if store is None:
        store = session.info["casework.data_keys"] = DataKeyStore(session, key_material())
    return store
