"""Rotating the audit key: a new chain segment bound to the old one, verified across both."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, select, text

from casework.audit import services as audit
from casework.audit.models import AuditEvent
from casework.crypto.keyfile import load_key_file, write_key_file
from casework.crypto.keys import KeyMaterial
from casework.db import db
from tests.conftest import TEST_KEYS
from tests.factories import make_user

NEW_AUDIT_KEY = KeyMaterial.generate("unused").audit_key


def _record_events(app: Flask, count: int) -> None:
    with app.app_context():
        actor = make_user()
        for number in range(count):
            audit.record(
                "client.read",
                actor=actor,
                object_type="client",
                object_id=f"object-{number}",
                client_id="00000000-0000-0000-0000-000000000001",
                fields=["family_name"],
            )
        db.session.commit()


def _with_new_audit_key(app: Flask, monkeypatch: pytest.MonkeyPatch) -> KeyMaterial:
    """The keys after `flask keys add-audit-key`: a newest key, the old one kept to verify."""
    material = dataclasses.replace(
        TEST_KEYS,
        audit_key=NEW_AUDIT_KEY,
        audit_key_id="au-2",
        old_audit_keys=((TEST_KEYS.audit_key_id, TEST_KEYS.audit_key),),
    )
    monkeypatch.setitem(app.extensions, "casework.keys", material)
    return material


def _cli(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _rotated_chain(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three events under the old key, the rotation event, and two under the new key."""
    _record_events(app, 3)
    _with_new_audit_key(app, monkeypatch)
    rotated = _cli(app, "keys", "rotate-audit")
    assert rotated.exit_code == 0, rotated.output
    assert "from sequence 4 on are signed with au-2" in rotated.output
    _record_events(app, 2)


def _allow_tampering(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))


def test_a_new_segment_continues_the_chain_and_verifies_across_both_keys(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rotated_chain(app, monkeypatch)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [e.key_id for e in events] == ["initial"] * 3 + ["au-2"] * 3
        first_new = events[3]
        assert first_new.action == "audit.key_rotate" and first_new.object_id == "au-2"
        assert first_new.prev_mac == events[2].mac  # bound to the old segment's last MAC
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "ok: 6 events, head at sequence 6" in result.output
    assert "audit events are signed with au-2" in _cli(app, "keys", "status").output


@pytest.mark.parametrize("seq", [2, 5])
def test_tampering_in_either_segment_is_detected(
    app: Flask, monkeypatch: pytest.MonkeyPatch, db_connection: Connection, seq: int
) -> None:
    _rotated_chain(app, monkeypatch)
    _allow_tampering(db_connection)
    db_connection.execute(
        text("UPDATE audit_events SET object_id = 'forged' WHERE seq = :seq"), {"seq": seq}
    )
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"edited at sequence {seq}" in result.output


def test_moving_an_event_back_into_the_old_segment_is_detected(
    app: Flask, monkeypatch: pytest.MonkeyPatch, db_connection: Connection
) -> None:
    _rotated_chain(app, monkeypatch)
    _allow_tampering(db_connection)
    db_connection.execute(text("UPDATE audit_events SET key_id = 'initial' WHERE seq = 5"))
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert "at sequence 5" in result.output and "earlier audit key" in result.output


def test_the_old_key_verifies_only_and_without_it_the_old_segment_cannot_be_checked(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _record_events(app, 2)
    checkpoint = tmp_path / "before.txt"
    assert _cli(app, "audit", "checkpoint", "--output", str(checkpoint)).exit_code == 0
    _with_new_audit_key(app, monkeypatch)
    assert _cli(app, "keys", "rotate-audit").exit_code == 0
    # A checkpoint signed before the rotation still vouches for the old segment.
    assert _cli(app, "audit", "verify", "--checkpoint", str(checkpoint)).exit_code == 0
    again = _cli(app, "keys", "rotate-audit")
    assert again.exit_code == 2 and "already signed with au-2" in again.output
    only_new = dataclasses.replace(TEST_KEYS, audit_key=NEW_AUDIT_KEY, audit_key_id="au-2")
    monkeypatch.setitem(app.extensions, "casework.keys", only_new)
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert "at sequence 1" in result.output and "does not hold" in result.output


def test_add_audit_key_keeps_the_old_key_for_verification(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    write_key_file(key_file, TEST_KEYS)
    monkeypatch.setenv("CASEWORK_KEY_FILE", str(key_file))
    result = _cli(app, "keys", "add-audit-key", "--key-id", "au-3")
    assert result.exit_code == 0, result.output
    updated = load_key_file(key_file)
    assert updated.audit_key_id == "au-3"
    assert updated.audit_keys() == {"initial": TEST_KEYS.audit_key, "au-3": updated.audit_key}
    # Until `rotate-audit`, events are still signed with the key the chain head names.
    monkeypatch.setitem(app.extensions, "casework.keys", updated)
    _record_events(app, 1)
    with app.app_context():
        newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert newest is not None and newest.key_id == "initial"
