"""Crypto-shredding and blind-index search: use cases over the stored keys and indexes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select

from casework.crypto.blind_index import BlindIndexer, IndexKind
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


def _indexer() -> BlindIndexer:
    return BlindIndexer(key_material().blind_index_key)


def blind_index_digests(identifiers: Identifiers) -> list[tuple[IndexKind, str]]:
    """The (kind, digest) pairs of the identifiers; invalid input raises BlindIndexInputError."""
    indexer = _indexer()
    digests = [(IndexKind.NATIONAL_ID, indexer.national_id(v)) for v in identifiers.national_ids]
    digests += [(IndexKind.PHONE, indexer.phone(v)) for v in identifiers.phones]
    digests += [(IndexKind.EMAIL, indexer.email(v)) for v in identifiers.emails]
    if identifiers.surname and identifiers.birth_year:
        digests.append(
            (
                IndexKind.SURNAME_BIRTH_YEAR,
                indexer.surname_birth_year(identifiers.surname, identifiers.birth_year),
            )
        )
    return digests


def set_blind_indexes(client_id: uuid.UUID, identifiers: Identifiers) -> None:
    """Replace the client's blind-index entries with those of `identifiers`."""
    db.session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.client_id == client_id))
    for kind, digest in set(blind_index_digests(identifiers)):
        db.session.add(BlindIndexEntry(client_id=client_id, kind=kind.value, digest=digest))
    db.session.flush()


def find_clients(identifiers: Identifiers) -> Mapping[uuid.UUID, set[str]]:
    """The ids of clients matching any of the identifiers exactly, with the kinds that matched."""
    digests = blind_index_digests(identifiers)
    if not digests:
        return {}
    matches: dict[uuid.UUID, set[str]] = {}
    # Digests are keyed per kind, so a digest match is also a kind match.
    rows = db.session.execute(
        select(BlindIndexEntry.client_id, BlindIndexEntry.kind).where(
            BlindIndexEntry.digest.in_([digest for _, digest in digests])
        )
    )
    for client_id, kind in rows:
        matches.setdefault(client_id, set()).add(kind)
    return matches
