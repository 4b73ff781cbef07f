"""Events are chained when their transaction commits, the head row locked last: a request holds
the lock for the append and the commit only, never while it renders. Nothing is lost or forked."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Connection, event, func, select

from casework.audit import services as audit
from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.db import db
from tests.conftest import TEST_KEYS, make_test_app

CANARY = "CANARY-shown-only-when-audited"


def _read(object_id: str) -> None:
    audit.record(
        "client.read",
        actor=None,
        object_type="client",
        object_id=object_id,
        client_id="00000000-0000-0000-0000-000000000001",
        fields=["given_name"],
    )


def _object_ids() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_id).order_by(AuditEvent.seq)))


@pytest.fixture
def page_app(database_url: str, db_connection: Connection) -> Iterator[Flask]:
    """An app with a page that reads a client, changes it and renders a secret."""
    page = make_test_app(database_url, WTF_CSRF_ENABLED=False)

    @page.route("/test/page")
    def shown() -> str:
        _read("page-read")
        audit.record("client.update", actor=None, object_type="client", object_id="page-change")
        db.session.scalar(select(User.id).limit(1))  # the page's own query
        return CANARY

    with db.bound_to(page, db_connection):
        yield page


def test_a_request_locks_the_head_only_after_the_page_is_rendered(
    page_app: Flask, db_connection: Connection
) -> None:
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "SAVEPOINT" not in statement.upper():
            statements.append(" ".join(statement.split()[:3]).upper())

    event.listen(db_connection, "before_cursor_execute", remember)
    try:
        response = page_app.test_client().get("/test/page")
    finally:
        event.remove(db_connection, "before_cursor_execute", remember)
    assert response.status_code == 200 and CANARY in response.get_data(as_text=True)
    first_lock = next(i for i, s in enumerate(statements) if s.startswith("UPDATE AUDIT_HEAD"))
    under_lock = statements[first_lock:]
    assert under_lock[1:] in (
        ["INSERT INTO AUDIT_EVENTS", "UPDATE AUDIT_HEAD SET"],
        ["WITH CHAINED AS"],  # PostgreSQL: the events ride on the head's update
    )
    assert first_lock > 0  # the page's own query ran before, outside the lock
    with page_app.app_context():
        assert set(_object_ids()[-2:]) == {"page-read", "page-change"}  # one batch
        assert audit.verify_trail().ok


def test_a_failed_audit_write_fails_the_request_and_shows_nothing(
    page_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server without the key the chain's head names cannot chain the page's read.
    without_head_key = dataclasses.replace(TEST_KEYS, audit_key_id="au-elsewhere")
    monkeypatch.setitem(page_app.extensions, "casework.keys", without_head_key)
    monkeypatch.setitem(page_app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    response = page_app.test_client().get("/test/page")
    assert response.status_code == 500
    assert CANARY not in response.get_data(as_text=True)
    monkeypatch.setitem(page_app.extensions, "casework.keys", TEST_KEYS)
    with page_app.app_context():
        assert "page-read" not in _object_ids() and "page-change" not in _object_ids()


def test_events_of_a_rolled_back_savepoint_are_dropped_and_the_rest_kept(app: Flask) -> None:
    with app.app_context():
        _read("before-savepoint")
        savepoint = db.session.begin_nested()
        _read("in-rolled-back-savepoint")
        savepoint.rollback()
        with db.session.begin_nested():
            _read("in-released-savepoint")
        db.session.commit()
        assert _object_ids()[-2:] == ["before-savepoint", "in-released-savepoint"]
        assert "in-rolled-back-savepoint" not in _object_ids()
        assert audit.verify_trail().ok


def test_an_event_recorded_then_rolled_back_is_not_written_by_the_next_commit(app: Flask) -> None:
    with app.app_context():
        _read("rolled-back")
        db.session.rollback()
        _read("committed")
        db.session.commit()
        actions = _object_ids()
        assert "rolled-back" not in actions and actions[-1] == "committed"


def test_reading_the_trail_in_the_same_transaction_sees_its_own_events(app: Flask) -> None:
    with app.app_context():
        before = db.session.scalar(select(func.count()).where(AuditEvent.action == "client.read"))
        _read("seen-before-commit")
        after = db.session.scalar(select(func.count()).where(AuditEvent.action == "client.read"))
        assert after == before + 1
        db.session.commit()
        assert audit.verify_trail().ok
