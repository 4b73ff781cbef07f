"""A trail of several chains (appended side by side when heads are busy) verifies as a whole, and
tampering with any chain, its head or its events is detected; checkpoints cover every head."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import Connection, text

from casework.audit import services as audit
from casework.audit.models import AuditHead
from casework.crypto.chain import GENESIS_MAC, chain_start
from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import TEST_KEYS, make_test_app

#: The first sequence numbers of chain 1.
C1 = chain_start(1)


def _append(head_id: int, count: int) -> None:
    for number in range(count):
        audit.record(
            "client.read",
            actor=None,
            object_type="client",
            object_id=f"chain{head_id}-{number}",
            client_id="00000000-0000-0000-0000-000000000002",
            fields=["given_name"],
        )
        audit.append_queued(head_id=head_id)  # as a busy chain 0 would have sent it


def _two_chains(app: Flask) -> None:
    """Three events on chain 0 and two on chain 1, interleaved."""
    with app.app_context():
        db.session.add(AuditHead(id=2, seq=C1, mac=GENESIS_MAC, key_id="initial"))
        _append(1, 2)
        _append(2, 1)
        _append(1, 1)
        _append(2, 1)
        db.session.commit()


def _verify(app: Flask, *extra: str):
    return app.test_cli_runner().invoke(args=["audit", "verify", *extra])


def _allow_tampering(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_two_chains_verify_together(app: Flask) -> None:
    _two_chains(app)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert f"ok: 5 events in 2 chains, heads at sequence 3, {C1 + 2}" in result.output


@pytest.mark.parametrize("seq", [2, C1 + 1])
def test_an_edited_event_in_any_chain_is_detected(
    app: Flask, db_connection: Connection, seq: int
) -> None:
    _two_chains(app)
    _allow_tampering(db_connection)
    db_connection.execute(
        text("UPDATE audit_events SET object_id = 'forged' WHERE seq = :seq"), {"seq": seq}
    )
    result = _verify(app)
    assert result.exit_code == 1 and f"edited at sequence {seq}" in result.output


def test_an_event_moved_to_another_chain_is_detected(app: Flask, db_connection: Connection) -> None:
    _two_chains(app)
    _allow_tampering(db_connection)
    db_connection.execute(text("UPDATE audit_events SET seq = :to WHERE seq = 3"), {"to": C1 + 3})
    db_connection.execute(text("UPDATE audit_head SET seq = 2 WHERE id = 1"))
    result = _verify(app)
    assert result.exit_code == 1 and "at sequence" in result.output


def test_a_deleted_head_is_detected(app: Flask, db_connection: Connection) -> None:
    _two_chains(app)
    db_connection.execute(text("DELETE FROM audit_head WHERE id = 2"))
    result = _verify(app)
    assert result.exit_code == 1
    assert "head_missing" in result.output and "chain 1 has events" in result.output


def test_the_first_chains_deleted_head_is_detected_too(
    app: Flask, db_connection: Connection
) -> None:
    _two_chains(app)
    db_connection.execute(text("DELETE FROM audit_head WHERE id = 1"))
    result = _verify(app)
    assert result.exit_code == 1 and "head_missing" in result.output


def test_a_cut_tail_of_the_second_chain_is_detected(app: Flask, db_connection: Connection) -> None:
    _two_chains(app)
    _allow_tampering(db_connection)
    db_connection.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": C1 + 2})
    result = _verify(app)
    assert result.exit_code == 1 and f"truncated at sequence {C1 + 2}" in result.output


def test_a_whole_chain_removed_with_its_head_is_caught_by_the_checkpoint(
    app: Flask, db_connection: Connection, tmp_path: Path
) -> None:
    _two_chains(app)
    checkpoint = tmp_path / "heads.txt"
    written = app.test_cli_runner().invoke(
        args=["audit", "checkpoint", "--output", str(checkpoint)]
    )
    assert written.exit_code == 0, written.output
    assert checkpoint.read_text().startswith("casework-checkpoint/v2:")
    assert _verify(app, "--checkpoint", str(checkpoint)).exit_code == 0
    _allow_tampering(db_connection)
    db_connection.execute(text("DELETE FROM audit_events WHERE seq > :start"), {"start": C1})
    db_connection.execute(text("DELETE FROM audit_head WHERE id = 2"))
    assert _verify(app).exit_code == 0  # without the checkpoint it looks like one chain
    result = _verify(app, "--checkpoint", str(checkpoint))
    assert result.exit_code == 1 and "truncated" in result.output


def test_an_edited_checkpoint_of_several_chains_is_refused(app: Flask, tmp_path: Path) -> None:
    _two_chains(app)
    with app.app_context():
        text_ = audit.checkpoint()
    assert text_ is not None
    forged = tmp_path / "forged.txt"
    forged.write_text(text_.replace(f"{C1 + 2}-", f"{C1 + 1}-"))
    result = _verify(app, "--checkpoint", str(forged))
    assert result.exit_code == 2 and "signature does not match" in result.output


def test_a_key_rotation_starts_a_segment_in_every_chain(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_chains(app)
    rotated = dataclasses.replace(
        TEST_KEYS,
        audit_key=bytes(32),
        audit_key_id="au-9",
        old_audit_keys=((TEST_KEYS.audit_key_id, TEST_KEYS.audit_key),),
    )
    monkeypatch.setitem(app.extensions, "casework.keys", rotated)
    result = app.test_cli_runner().invoke(args=["keys", "rotate-audit"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        _append(2, 1)
        db.session.commit()
        keys = db.session.execute(
            text("SELECT seq, key_id FROM audit_events WHERE seq IN (4, :a, :b)"),
            {"a": C1 + 3, "b": C1 + 4},
        ).all()
    assert sorted(keys) == [(4, "au-9"), (C1 + 3, "au-9"), (C1 + 4, "au-9")]
    verified = _verify(app)
    assert verified.exit_code == 0, verified.output
    assert f"heads at sequence 4, {C1 + 4}" in verified.output


def test_a_trail_written_before_the_chains_migration_verifies_after_it(
    fresh_database_url: str,
) -> None:
    app = make_test_app(fresh_database_url)
    try:
        with app.app_context():
            command.upgrade(alembic_config(), "c4a8e1f2d3b5")  # one head row, `id = 1`
            _append(1, 3)
            db.session.commit()
            command.upgrade(alembic_config(), "head")
        result = _verify(app)
        assert result.exit_code == 0, result.output
        assert "ok: 3 events, head at sequence 3" in result.output
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    "text_",
    [
        "casework-checkpoint/v2:1-" + "a" * 64 + ":" + "ż" * 64,
        "casework-checkpoint/v1:1:" + "a" * 64 + ":" + "ż" * 64,
        "casework-checkpoint/v2:1-" + "a" * 64 + ",1-" + "b" * 64 + ":" + "c" * 64,
        "casework-checkpoint/v2::" + "c" * 64,
    ],
)
def test_a_malformed_checkpoint_is_refused_with_a_clear_error(
    app: Flask, tmp_path: Path, text_: str
) -> None:
    _two_chains(app)
    forged = tmp_path / "forged.txt"
    forged.write_text(text_)
    result = _verify(app, "--checkpoint", str(forged))
    assert result.exit_code == 2 and result.output.startswith("Error:"), result.output
