"""Rotating the blind-index key: resumable, searches keep working, then the old key retired."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.crypto import services as crypto
from casework.crypto.keyfile import load_key_file, write_key_file
from casework.crypto.keys import KeyMaterial
from casework.crypto.models import BlindIndexEntry
from casework.crypto.services import Identifiers
from casework.db import db
from casework.keyadmin import services
from tests.conftest import TEST_KEYS
from tests.factories import make_client

PHONES = [f"+48 601 200 30{n}" for n in range(5)]
NEW_BLIND_KEY = KeyMaterial.generate("unused").blind_index_key


def _rotating(app: Flask, monkeypatch: pytest.MonkeyPatch) -> KeyMaterial:
    """The keys after `flask keys add-blind-index`: a new current key, the old one kept."""
    material = dataclasses.replace(
        TEST_KEYS,
        blind_index_key=NEW_BLIND_KEY,
        blind_index_key_id="bi-2",
        old_blind_index_keys=((TEST_KEYS.blind_index_key_id, TEST_KEYS.blind_index_key),),
    )
    monkeypatch.setitem(app.extensions, "casework.keys", material)
    return material


def _clients_with_phones(app: Flask) -> list[uuid.UUID]:
    with app.app_context():
        ids = []
        for phone in PHONES:
            client = make_client(phone=phone)
            crypto.set_blind_indexes(client.id, Identifiers(phones=(phone,)))
            ids.append(client.id)
        db.session.commit()
    return ids


def _found(app: Flask) -> list[uuid.UUID | None]:
    with app.app_context():
        return [
            next(iter(crypto.find_clients(Identifiers(phones=(phone,)))), None) for phone in PHONES
        ]


def _key_ids(app: Flask, ids: list[uuid.UUID]) -> list[str]:
    """The key id of each client's index rows (recomputed rows add the surname's)."""
    with app.app_context():
        rows = db.session.execute(
            select(BlindIndexEntry.client_id, BlindIndexEntry.key_id)
            .where(BlindIndexEntry.client_id.in_(ids))
            .distinct()
        )
        return sorted(key_id for _, key_id in rows)


def test_rotation_is_resumable_and_every_client_stays_findable_throughout(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ids = _clients_with_phones(app)
    material = _rotating(app, monkeypatch)
    assert _found(app) == ids  # before any recomputation: found under the old key

    status = app.test_cli_runner().invoke(args=["keys", "status"])
    assert "blind-index key bi-2: 5 clients still indexed under an older key" in status.output
    with app.app_context():
        assert services.clients_left_to_reindex() == 5
        assert services.reindex_batch(2) == 2
        db.session.commit()
    assert _key_ids(app, ids) == ["bi-2"] * 2 + ["initial"] * 3
    assert _found(app) == ids  # half way: each row compared under its own key

    # A run killed in the middle of a batch: its transaction never commits.
    with app.app_context():
        real_reindex = services._reindex
        calls: list[int] = []

        def killed_on_second(client: object) -> None:
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt("killed")
            real_reindex(client)  # type: ignore[arg-type]

        monkeypatch.setattr(services, "_reindex", killed_on_second)
        with pytest.raises(KeyboardInterrupt):
            services.reindex_batch(3)
        db.session.rollback()
        monkeypatch.setattr(services, "_reindex", real_reindex)
        assert services.clients_left_to_reindex() == 3
    assert _found(app) == ids

    key_file = tmp_path / "keys.json"
    write_key_file(key_file, material)
    monkeypatch.setenv("CASEWORK_KEY_FILE", str(key_file))
    result = app.test_cli_runner().invoke(args=["keys", "rotate-blind-index", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "every blind index is made with bi-2" in result.output
    assert "retired initial" in result.output
    assert _key_ids(app, ids) == ["bi-2"] * 5

    retired = load_key_file(key_file)
    assert retired.blind_index_keys() == {"bi-2": NEW_BLIND_KEY}
    monkeypatch.setitem(app.extensions, "casework.keys", retired)
    assert _found(app) == ids  # the old key is gone, and nothing needed it
    with app.app_context():
        actions = db.session.execute(
            select(AuditEvent.action, func.count()).group_by(AuditEvent.action)
        ).all()
    assert ("client.blind_index_recompute", 5) in actions
    assert ("key.blind_index_retire", 1) in actions


def test_the_old_key_is_not_retired_while_an_index_still_uses_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clients_with_phones(app)
    _rotating(app, monkeypatch)
    with app.app_context(), pytest.raises(Exception, match="5 clients still have blind indexes"):
        services.check_old_blind_index_keys_unused()


def test_add_blind_index_makes_a_new_current_key_and_keeps_the_old_one_for_search(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    write_key_file(key_file, TEST_KEYS)
    monkeypatch.setenv("CASEWORK_KEY_FILE", str(key_file))
    result = app.test_cli_runner().invoke(args=["keys", "add-blind-index", "--key-id", "bi-3"])
    assert result.exit_code == 0, result.output
    updated = load_key_file(key_file)
    assert updated.blind_index_key_id == "bi-3"
    assert updated.old_blind_index_keys == (("initial", TEST_KEYS.blind_index_key),)
    assert updated.master_keys == TEST_KEYS.master_keys and updated.audit_key == TEST_KEYS.audit_key
    refused = app.test_cli_runner().invoke(args=["keys", "add-blind-index", "--key-id", "Bad Id"])
    assert refused.exit_code == 2 and "--key-id: a key id must be" in refused.output
