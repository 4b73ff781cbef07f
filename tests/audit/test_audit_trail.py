"""The audit chain: appended in the same transaction, append-only, and every tampering detected."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

from casework.audit import services as audit
from casework.audit.models import AuditEvent
from casework.clients.models import Client
from casework.db import db
from tests.conftest import make_test_app
from tests.factories import make_client, make_user


def _record_events(app: Flask, count: int) -> None:
    with app.app_context():
        actor = make_user()
        for number in range(count):
            audit.record(
                "client.read",
                actor=actor,
                object_type="client",
                object_id=f"object-{number}",
                client_id=f"00000000-0000-0000-0000-00000000000{number % 10}",
                fields=["family_name", "given_name"],
            )
        db.session.commit()


def _verify(app: Flask, *extra: str):
    return app.test_cli_runner().invoke(args=["audit", "verify", *extra])


def _allow_tampering(connection: Connection) -> None:
    """Switch off the append-only triggers inside this test's (rolled back) transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_an_untouched_chain_verifies(app: Flask) -> None:
    _record_events(app, 5)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "ok: 5 events, head at sequence 5" in result.output


def test_events_hold_field_names_and_a_pseudonym_never_values(app: Flask) -> None:
    with app.app_context():
        client = make_client(given_name="Sekretna")
        audit.record(
            "client.read",
            actor=None,
            object_type="client",
            object_id=client.id,
            client_id=client.id,
            fields=["given_name"],
        )
        db.session.commit()
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert event.fields == ["given_name"]
        assert event.client_pseudonym == audit.client_pseudonym(client.id)
        assert str(client.id) not in event.client_pseudonym
        assert "Sekretna" not in repr(event.chained_fields())


def test_an_event_is_lost_with_the_transaction_it_records(app: Flask) -> None:
    with app.app_context():
        audit.record("client.read", actor=None, object_type="client", object_id="x")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_to_change_audit_events(
    app: Flask, db_connection: Connection, statement: str
) -> None:
    _record_events(app, 2)
    with pytest.raises(DBAPIError, match="append-only"), db_connection.begin_nested():
        db_connection.execute(text(statement))


def test_an_edited_event_is_detected(app: Flask, db_connection: Connection) -> None:
    _record_events(app, 5)
    _allow_tampering(db_connection)
    db_connection.execute(text("UPDATE audit_events SET object_id = 'forged' WHERE seq = 3"))
    result = _verify(app)
    assert result.exit_code == 1
    assert "edited at sequence 3" in result.output


def test_a_deleted_event_is_detected(app: Flask, db_connection: Connection) -> None:
    _record_events(app, 5)
    _allow_tampering(db_connection)
    db_connection.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    result = _verify(app)
    assert result.exit_code == 1
    assert "missing at sequence 2" in result.output


def test_reordered_events_are_detected(app: Flask, db_connection: Connection) -> None:
    _record_events(app, 5)
    _allow_tampering(db_connection)
    db_connection.execute(text("UPDATE audit_events SET seq = -1 WHERE seq = 2"))
    db_connection.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
    db_connection.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = -1"))
    result = _verify(app)
    assert result.exit_code == 1
    assert "at sequence 2" in result.output


def test_a_truncated_tail_is_detected_with_a_checkpoint(
    app: Flask, db_connection: Connection, tmp_path: Path
) -> None:
    _record_events(app, 5)
    checkpoint = tmp_path / "head.txt"
    written = app.test_cli_runner().invoke(
        args=["audit", "checkpoint", "--output", str(checkpoint)]
    )
    assert written.exit_code == 0, written.output
    _allow_tampering(db_connection)
    db_connection.execute(text("DELETE FROM audit_events WHERE seq >= 4"))
    cut = _verify(app)
    assert cut.exit_code == 1 and "truncated at sequence 4" in cut.output  # the head row knows
    # A careful intruder rewinds the head row too: only the checkpoint kept elsewhere tells.
    mac = db_connection.execute(text("SELECT mac FROM audit_events WHERE seq = 3")).scalar_one()
    db_connection.execute(text("UPDATE audit_head SET seq = 3, mac = :mac"), {"mac": mac})
    assert _verify(app).exit_code == 0
    result = _verify(app, "--checkpoint", str(checkpoint))
    assert result.exit_code == 1
    assert "truncated" in result.output


def test_a_forged_checkpoint_is_refused(app: Flask, tmp_path: Path) -> None:
    _record_events(app, 2)
    forged = tmp_path / "forged.txt"
    forged.write_text("casework-checkpoint/v1:2:" + "a" * 64 + ":" + "b" * 64)
    result = _verify(app, "--checkpoint", str(forged))
    assert result.exit_code == 2
    assert result.output.startswith("Error:")


def test_a_failed_decryption_is_answered_generically_and_audited(
    database_url: str, db_connection: Connection
) -> None:
    app = make_test_app(database_url)

    @app.route("/test-read/<client_id>")
    def read(client_id: str) -> str:
        import uuid

        return db.session.get(Client, uuid.UUID(client_id)).given_name or ""

    with db.bound_to(app, db_connection):
        with app.app_context():
            client = make_client(given_name="Tajna")
            other = make_client(given_name="Inna")
            client.given_name_ciphertext = other.given_name_ciphertext
            db.session.commit()
            client_id = client.id
        response = app.test_client().get(
            f"/test-read/{client_id}", headers={"Accept-Language": "en"}
        )
        assert response.status_code == 500
        assert "stored data failed its integrity check; the failure is recorded" in (
            response.get_data(as_text=True)
        )
        assert "Tajna" not in response.get_data(as_text=True)
        assert "Inna" not in response.get_data(as_text=True)
        with app.app_context():
            event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
            assert event.action == "decrypt_failed"
            assert event.object_id == str(client_id) and event.fields == ["given_name"]
