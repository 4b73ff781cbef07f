"""Master-key rotation and retirement, a client's data-key rotation, and `flask keys`."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from casework.clients.models import Client
from casework.crypto.columns import StoredDataIntegrityError
from casework.crypto.keys import KeyMaterial, KeyRing, MasterKey
from casework.crypto.keystore import client_owner, data_keys
from casework.crypto.models import DataKeyRecord
from casework.db import db
from casework.errors import Conflict
from casework.keyadmin import services
from tests.conftest import TEST_KEYS
from tests.factories import make_client


def _use_keys(app: Flask, monkeypatch: pytest.MonkeyPatch, ring: KeyRing) -> None:
    material = KeyMaterial(ring, TEST_KEYS.blind_index_key, TEST_KEYS.audit_key)
    monkeypatch.setitem(app.extensions, "casework.keys", material)


def _make_clients(app: Flask, count: int) -> list:
    with app.app_context():
        clients = [
            make_client(given_name=f"Imię{i}", address=f"ul. Polna {i}") for i in range(count)
        ]
        db.session.commit()
        return [client.id for client in clients]


def _all_readable(app: Flask, ids: list) -> bool:
    with app.app_context():
        rows = db.session.scalars(select(Client).where(Client.id.in_(ids))).all()
        return sorted(row.given_name for row in rows) == sorted(f"Imię{i}" for i in range(len(ids)))


def test_master_rotation_survives_a_crash_and_a_second_run(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = TEST_KEYS.master_keys.primary
    ids = _make_clients(app, 7)
    new = MasterKey.generate("test-master-2")
    _use_keys(app, monkeypatch, KeyRing((old, new), new.key_id))
    with app.app_context():
        assert services.rewrap_batch(3) == 3
        db.session.commit()
    # A crash in the middle of the next batch: its transaction never commits.
    with app.app_context():
        real_rewrap = services.rewrap
        calls = []

        def crash_on_second(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt("killed")
            return real_rewrap(*args, **kwargs)

        monkeypatch.setattr(services, "rewrap", crash_on_second)
        with pytest.raises(KeyboardInterrupt):
            services.rewrap_batch(3)
        db.session.rollback()
        monkeypatch.setattr(services, "rewrap", real_rewrap)
        assert services.key_usage() == {old.key_id: 4, new.key_id: 3}
        assert _all_readable(app, ids)
    result = app.test_cli_runner().invoke(args=["keys", "rotate-master", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    second = app.test_cli_runner().invoke(args=["keys", "rotate-master"])
    assert second.exit_code == 0
    with app.app_context():
        assert services.key_usage() == {old.key_id: 0, new.key_id: 7}
    _use_keys(app, monkeypatch, KeyRing((new,), new.key_id))  # the old master key is gone
    assert _all_readable(app, ids)


def test_a_master_key_in_use_cannot_be_retired(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    old = TEST_KEYS.master_keys.primary
    _make_clients(app, 1)
    new = MasterKey.generate("test-master-3")
    _use_keys(app, monkeypatch, KeyRing((old, new), new.key_id))
    with app.app_context():
        with pytest.raises(Conflict, match="still wraps 1 data keys"):
            services.check_retirable(old.key_id)
        with pytest.raises(Conflict, match="is the primary"):
            services.check_retirable(new.key_id)
    status = app.test_cli_runner().invoke(args=["keys", "status"])
    assert f"{old.key_id}: 1 data keys" in status.output
    assert f"{new.key_id} (primary): 0 data keys" in status.output


def test_rotating_one_clients_data_key_reencrypts_their_fields(app: Flask) -> None:
    with app.app_context():
        client, other = make_client(given_name="Wiktoria"), make_client(given_name="Nadia")
        db.session.commit()
        before = client.given_name_ciphertext, other.given_name_ciphertext
        assert services.rotate_client_key(client.id) == 1
        db.session.commit()
        client_id, other_id = client.id, other.id
    with app.app_context():
        client, other = db.session.get(Client, client_id), db.session.get(Client, other_id)
        assert client.given_name == "Wiktoria" and other.given_name == "Nadia"
        assert client.given_name_ciphertext != before[0]
        assert other.given_name_ciphertext == before[1]
        versions = db.session.execute(
            select(DataKeyRecord.version, DataKeyRecord.wrapped_key.is_(None)).where(
                DataKeyRecord.owner_id == f"client:{client_id}"
            )
        ).all()
        assert sorted(versions) == [(1, True), (2, False)]


def test_the_cli_rotates_one_clients_key(app: Flask) -> None:
    with app.app_context():
        client = make_client(given_name="Teodora")
        db.session.commit()
        client_id, before = client.id, client.given_name_ciphertext
    result = app.test_cli_runner().invoke(args=["keys", "rotate-client", str(client_id)])
    assert result.exit_code == 0, result.output
    assert "1 rows re-encrypted" in result.output
    with app.app_context():
        client = db.session.get(Client, client_id)
        assert client.given_name == "Teodora" and client.given_name_ciphertext != before
    assert app.test_cli_runner().invoke(args=["keys", "rotate-client", "not-a-uuid"]).exit_code == 2


def test_a_value_left_under_a_destroyed_version_is_an_integrity_failure_not_an_erasure(
    app: Flask,
) -> None:
    with app.app_context():
        client = make_client(given_name="Zofia")
        db.session.commit()
        client_id = client.id
    with app.app_context():
        # What a lost write looked like: the key rotated, this value was never re-encrypted.
        store = data_keys()
        owner = client_owner(client_id)
        store.create(owner, version=2)
        store.destroy(owner, below_version=2)
        db.session.commit()
    with app.app_context():
        client = db.session.get(Client, client_id)
        with pytest.raises(StoredDataIntegrityError):
            _ = client.given_name
