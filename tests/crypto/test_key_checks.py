"""Key check values: a database remembers which keys it was used with, and a start with a
different key under a known id is refused (finding 9: a wrong but well-formed master key
started fine and failed later, record by record)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import select

from casework import ConfigError
from casework.crypto.keys import KeyMaterial, KeyRing, MasterKey, key_check_value
from casework.crypto.models import KeyCheck
from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import make_test_app

MATERIAL = KeyMaterial.generate("kc-master")


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    app = make_test_app(url, CASEWORK_KEY_MATERIAL=MATERIAL)  # no schema yet: nothing checked
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        db.engine.dispose()
    return url


def _start(url: str, material: KeyMaterial) -> Flask:
    app = make_test_app(url, CASEWORK_KEY_MATERIAL=material)
    with app.app_context():
        db.engine.dispose()
    return app


def _recorded(url: str) -> dict[tuple[str, str], str]:
    app = _start(url, MATERIAL)
    with app.app_context():
        rows = db.session.execute(select(KeyCheck.kind, KeyCheck.key_id, KeyCheck.check_value))
        recorded = {(kind, key_id): value for kind, key_id, value in rows}
        db.session.close()
        db.engine.dispose()
    return recorded


def test_the_first_start_records_the_check_value_of_every_key(database: str) -> None:
    _start(database, MATERIAL)
    assert _recorded(database) == {
        ("master", "kc-master"): key_check_value(MATERIAL.master_keys.primary.secret),
        ("blind_index", "initial"): key_check_value(MATERIAL.blind_index_key),
        ("audit", "initial"): key_check_value(MATERIAL.audit_key),
    }


def test_a_different_master_key_under_a_recorded_id_refuses_to_start(database: str) -> None:
    _start(database, MATERIAL)
    impostor = MasterKey.generate("kc-master")
    wrong = dataclasses.replace(MATERIAL, master_keys=KeyRing((impostor,), "kc-master"))
    with pytest.raises(ConfigError) as refused:
        _start(database, wrong)
    message = str(refused.value)
    assert message == (
        "master key 'kc-master' is not the key this database was used with (its key check "
        "value differs); refusing to start"
    )


def test_a_different_blind_index_or_audit_key_refuses_to_start(database: str) -> None:
    _start(database, MATERIAL)
    other = KeyMaterial.generate("kc-other")
    for changed, name in (
        ({"blind_index_key": other.blind_index_key}, "blind-index key 'initial'"),
        ({"audit_key": other.audit_key}, "audit key 'initial'"),
    ):
        with pytest.raises(ConfigError, match=f"^{name} is not the key this database"):
            _start(database, dataclasses.replace(MATERIAL, **changed))


def test_a_new_key_id_is_recorded_beside_the_old_ones(database: str) -> None:
    _start(database, MATERIAL)
    added = MasterKey.generate("kc-master-2")
    rotated = dataclasses.replace(
        MATERIAL, master_keys=MATERIAL.master_keys.with_new_primary(added)
    )
    _start(database, rotated)
    recorded = _recorded(database)
    assert recorded[("master", "kc-master-2")] == key_check_value(added.secret)
    assert recorded[("master", "kc-master")] == key_check_value(MATERIAL.master_keys.primary.secret)
    # The new key is now known too: a different key under its id is refused as well.
    impostor = MasterKey.generate("kc-master-2")
    with pytest.raises(ConfigError, match=r"^master key 'kc-master-2' is not the key"):
        _start(
            database,
            dataclasses.replace(
                MATERIAL, master_keys=MATERIAL.master_keys.with_new_primary(impostor)
            ),
        )
