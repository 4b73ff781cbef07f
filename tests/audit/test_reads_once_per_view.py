"""One read event per object a request shows: reads wait for the request's commit point, are
merged there, and are dropped when a GET only redirected to the page that shows the data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask, redirect
from flask.testing import FlaskClient
from sqlalchemy import Connection, select

from casework.audit import services as audit
from casework.audit.models import AuditEvent
from casework.auth.models import Role, User
from casework.db import db
from tests.case_assessments.test_result_page import STRANGULATION, _completed
from tests.conftest import make_test_app

X, Y = uuid.uuid4(), uuid.uuid4()


def _events(app: Flask, action: str, *object_ids: object) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.action == action,
                    AuditEvent.object_id.in_([str(i) for i in object_ids]),
                )
                .order_by(AuditEvent.seq)
            )
        )


def test_opening_a_completed_assessment_records_one_read(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER)
    with app.app_context():
        manager = db.session.get(User, user.id)
        _case, assessment = _completed(manager, STRANGULATION)
        assessment_id = assessment.id
    opened = client.get(f"/assessments/{assessment_id}")
    assert opened.status_code == 302 and opened.location.endswith("/result")
    assert _events(app, "assessment.read", assessment_id) == []  # the redirect showed nothing
    assert client.get(opened.location).status_code == 200
    (read,) = _events(app, "assessment.read", assessment_id)
    assert read.fields == ["answers", "result"]
    with app.app_context():
        assert audit.verify_trail().ok


@pytest.fixture
def reading_app(database_url: str, db_connection: Connection) -> Iterator[Flask]:
    """An app whose routes read X twice and Y once, in a GET, a redirecting GET and a POST."""
    reader = make_test_app(database_url, WTF_CSRF_ENABLED=False)

    def read_twice() -> None:
        audit.record(
            "client.read",
            actor=None,
            object_type="client",
            object_id=X,
            client_id=X,
            fields=["given_name"],
        )
        audit.record_many(
            "client.read",
            actor=None,
            object_type="client",
            objects=[audit.Read(X, X), audit.Read(Y, Y)],
            fields=["family_name"],
        )
        audit.record(
            "client.update",
            actor=None,
            object_type="client",
            object_id=X,
            client_id=X,
            fields=["phone"],
        )

    @reader.route("/test/read")
    def shown() -> str:
        read_twice()
        return "shown"

    @reader.route("/test/read-then-redirect", methods=["GET", "POST"])
    def redirected():  # type: ignore[no-untyped-def]
        read_twice()
        return redirect("/test/read")

    with db.bound_to(reader, db_connection):
        yield reader


def test_a_request_records_each_object_it_read_once_with_every_field(reading_app: Flask) -> None:
    assert reading_app.test_client().get("/test/read").status_code == 200
    x, y = (_events(reading_app, "client.read", i) for i in (X, Y))
    assert [event.fields for event in x] == [["family_name", "given_name"]]
    assert [event.fields for event in y] == [["family_name"]]
    assert len(_events(reading_app, "client.update", X)) == 1  # changes are never merged
    with reading_app.app_context():
        assert audit.verify_trail().ok


def test_a_get_that_redirects_records_no_read_but_its_changes(reading_app: Flask) -> None:
    assert reading_app.test_client().get("/test/read-then-redirect").status_code == 302
    assert _events(reading_app, "client.read", X, Y) == []
    assert len(_events(reading_app, "client.update", X)) == 1


def test_a_post_that_redirects_keeps_its_reads(reading_app: Flask) -> None:
    client = reading_app.test_client()
    assert client.post("/test/read-then-redirect").status_code == 302
    assert len(_events(reading_app, "client.read", X, Y)) == 2


def test_outside_a_request_reads_are_not_merged_and_are_chained_at_the_commit(app: Flask) -> None:
    with app.app_context():
        (first,) = audit.record_many(
            "client.read", actor=None, object_type="client", objects=[audit.Read(X, X)]
        )
        (second,) = audit.record_many(
            "client.read", actor=None, object_type="client", objects=[audit.Read(X, X)]
        )
        assert first.seq is None  # the head row is locked at the commit, not before
        db.session.commit()
        assert second.seq == first.seq + 1 and second.prev_mac == first.mac
        assert audit.verify_trail().ok
