"""Crypto-shredding and blind-index search: use cases over the stored keys and indexes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from sqlalchemy import ColumnElement, Select, and_, delete, or_, select, tuple_

from casework.crypto.blind_index import BlindIndexer, IndexKind
from casework.crypto.errors import BlindIndexInputError
from casework.crypto.keystore import client_owner, data_keys, key_material
from casework.crypto.models import BlindIndexEntry
from casework.db import db


def shred_client(client_id: uuid.UUID) -> int:
    """Crypto-shred a client: destroy their data keys and blind indexes. Returns keys destroyed.

    Their encrypted fields stay as ciphertext nobody can open; statistics in clear remain.
    """
    destroyed = data_keys().destroy(client_owner(client_id))
    db.session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.client_id == client_id))
    db.session.flush()
    return destroyed


@dataclass(frozen=True)
class Identifiers:
    """The identifiers of a client that can be searched for exactly."""

    national_ids: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    surname: str | None = None
    birth_year: int | None = None


def blind_index_digests(
    identifiers: Identifiers, *, key: bytes | None = None, skip_invalid: bool = False
) -> list[tuple[IndexKind, str]]:
    """The (kind, digest) pairs of the identifiers under `key` (default: the current blind-index
    key); invalid input raises BlindIndexInputError, or is left out with `skip_invalid`."""
    indexer = BlindIndexer(key or key_material().blind_index_key)
    pending: list[tuple[IndexKind, Callable[[], str]]] = [
        *(
            (IndexKind.NATIONAL_ID, partial(indexer.national_id, v))
            for v in identifiers.national_ids
        ),
        *((IndexKind.PHONE, partial(indexer.phone, v)) for v in identifiers.phones),
        *((IndexKind.EMAIL, partial(indexer.email, v)) for v in identifiers.emails),
    ]
    if identifiers.surname and identifiers.birth_year:
        pending.append(
            (
                IndexKind.SURNAME_BIRTH_YEAR,
                partial(indexer.surname_birth_year, identifiers.surname, identifiers.birth_year),
            )
        )
    digests = []
    for kind, digest in pending:
        try:
            digests.append((kind, digest()))
        except BlindIndexInputError:
            if not skip_invalid:
                raise
    return digests


def set_blind_indexes(
    client_id: uuid.UUID, identifiers: Identifiers, *, skip_invalid: bool = False
) -> None:
    """Replace the client's blind-index entries with those of `identifiers` (under the current
    blind-index key)."""
    key_id = key_material().blind_index_key_id
    db.session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.client_id == client_id))
    for kind, digest in set(blind_index_digests(identifiers, skip_invalid=skip_invalid)):
        db.session.add(
            BlindIndexEntry(client_id=client_id, kind=kind.value, digest=digest, key_id=key_id)
        )
    db.session.flush()


def _matching_entries(identifiers: Identifiers) -> ColumnElement[bool] | None:
    """The blind-index rows matching any of the identifiers exactly (None: no identifier).

    While the blind-index key is being rotated, every index row is compared under the key it
    was made with, so clients not yet recomputed are found as well.
    """
    digests = {
        key_id: [(kind.value, digest) for kind, digest in blind_index_digests(identifiers, key=key)]
        for key_id, key in key_material().blind_index_keys().items()
    }
    if not any(digests.values()):
        return None
    # (kind, digest) pairs, so the (kind, digest) index serves the lookup.
    return or_(
        *(
            and_(
                BlindIndexEntry.key_id == key_id,
                tuple_(BlindIndexEntry.kind, BlindIndexEntry.digest).in_(pairs),
            )
            for key_id, pairs in digests.items()
        )
    )


def matching_client_ids(identifiers: Identifiers) -> Select[uuid.UUID] | None:
    """A query for the ids of the clients matching any of the identifiers exactly, for an `IN`
    in the caller's own query (None: no identifier): the database joins it with the caller's
    other conditions, so a common surname is not read into Python first."""
    wanted = _matching_entries(identifiers)
    return None if wanted is None else select(BlindIndexEntry.client_id).where(wanted)


def find_clients(identifiers: Identifiers) -> Mapping[uuid.UUID, set[str]]:
    """The ids of clients matching any of the identifiers exactly, with the kinds that matched
    (see `_matching_entries`)."""
    wanted = _matching_entries(identifiers)
    if wanted is None:
        return {}
    matches: dict[uuid.UUID, set[str]] = {}
    rows = db.session.execute(select(BlindIndexEntry.client_id, BlindIndexEntry.kind).where(wanted))
    for client_id, kind in rows:
        matches.setdefault(client_id, set()).add(kind)
    return matches
