"""Erasure reaches the disk: an erased client's wrapped data key and blind indexes are gone from
the database's files, not only from its rows (an attacker with the master key reads files).

Each test migrates a database of its own and commits for real: what a rolled-back test
transaction leaves on disk says nothing about erasure.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import select, text

from casework.crypto import services as crypto
from casework.crypto.models import BlindIndexEntry, DataKeyRecord
from casework.crypto.services import Identifiers
from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.factories import make_client


def _migrated(app: Flask) -> Flask:
    with app.app_context():
        command.upgrade(alembic_config(), "head")
    return app


def _clients_with_secrets(app: Flask) -> tuple[uuid.UUID, list[bytes], list[bytes]]:
    """An erased-to-be client and a kept one: (erased id, erased's secrets, kept's secrets)."""
    found: dict[uuid.UUID, list[bytes]] = {}
    with app.app_context():
        for phone in ("+48601000111", "+48601000222"):
            client = make_client(given_name="Oksana")
            crypto.set_blind_indexes(client.id, Identifiers(phones=(phone,)))
            found[client.id] = []
        db.session.commit()
        for client_id in found:
            found[client_id].append(
                db.session.scalar(
                    select(DataKeyRecord.wrapped_key).where(
                        DataKeyRecord.owner_id == f"client:{client_id}"
                    )
                )
            )
            found[client_id].append(
                db.session.scalar(
                    select(BlindIndexEntry.digest).where(BlindIndexEntry.client_id == client_id)
                ).encode()
            )
    erased, kept = found
    return erased, found[erased], found[kept]


def _erase(app: Flask, client_id: uuid.UUID) -> None:
    with app.app_context():
        assert crypto.shred_client(client_id) == 1
        db.session.commit()


def test_an_erased_clients_wrapped_key_is_not_left_in_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "erasure.sqlite3"

    def connect_without_secure_delete() -> sqlite3.Connection:
        # As on a build whose default is off: the application must not rely on the default.
        connection = sqlite3.connect(path, check_same_thread=False)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    app = _migrated(
        make_test_app(
            f"sqlite:///{path}",
            SQLALCHEMY_ENGINE_OPTIONS={"creator": connect_without_secure_delete},
        )
    )
    erased, erased_secrets, kept_secrets = _clients_with_secrets(app)
    _erase(app, erased)
    with app.app_context():
        db.engine.dispose()
    data = path.read_bytes()
    assert all(secret in data for secret in kept_secrets)  # the search does find such bytes
    assert [secret for secret in erased_secrets if secret in data] == []


@pytest.fixture
def own_app(fresh_database_url: str) -> Iterator[Flask]:
    app = _migrated(make_test_app(fresh_database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


def _heap_pages(app: Flask, table: str) -> bytes:
    """The table's main relation file as PostgreSQL has it on disk (the test user is superuser)."""
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
        path = connection.scalar(text("SELECT pg_relation_filepath(:table)"), {"table": table})
        return connection.scalar(text("SELECT pg_read_binary_file(:path)"), {"path": path})


@pytest.mark.postgres_only
def test_an_erased_clients_wrapped_key_is_not_left_in_postgresql_heap_pages(
    own_app: Flask,
) -> None:
    erased, (wrapped_key, digest), (kept_key, kept_digest) = _clients_with_secrets(own_app)
    _erase(own_app, erased)
    keys, indexes = _heap_pages(own_app, "data_keys"), _heap_pages(own_app, "blind_indexes")
    assert kept_key in keys and kept_digest in indexes  # the search does find such bytes
    assert wrapped_key not in keys
    assert digest not in indexes
