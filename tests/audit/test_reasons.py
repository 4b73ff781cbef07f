"""Reasons never enter the append-only trail: events refer to the row that keeps the reason
encrypted, and the mechanism refuses free text in any event."""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from casework.audit import services as audit
from casework.audit.models import AuditEvent, AuditHead
from casework.cases.models import BreakGlassAccess
from casework.cases.services import break_glass
from casework.db import db
from casework.privacy.models import PrivacyRequest, PrivacyRequestKind
from tests.factories import make_case, staff
from tests.pages import csrf_token, sign_in

CASEWORK = Path(__file__).resolve().parents[2] / "casework"
CANARY = "CANARY-powod-7f3a9c"
REFERENCE = re.compile(r"(?P<table>[a-z_]+):(?P<id>[0-9a-f-]{36})")


def _all_audit_text() -> str:
    """Every column of every audit event as stored, read past the ORM."""
    rows = db.session.execute(text("SELECT * FROM audit_events")).all()
    return "\n".join(repr(tuple(row)) for row in rows)


def test_no_reason_text_reaches_the_trail_through_glass_export_and_erasure(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        case = make_case(staff(team, "manager"))
        client_id = case.client_ids[0]
        break_glass.break_glass(
            staff(team, "other_manager"), case.id, reason=f"glass {CANARY} crisis call"
        )
        db.session.commit()
        case_id = case.id
    # Export and erasure want a freshly signed-in browser session (tests/auth/test_fresh_sign_in).
    assert sign_in(client, team_emails["supervisor"]).status_code == 302
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    for action in ("export", "erasure"):
        response = client.post(
            f"/api/v1/clients/{client_id}/{action}",
            json={"reason": f"{action} {CANARY} art. 15/17"},
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
    with app.app_context():
        assert CANARY not in _all_audit_text()
        events = {
            event.action: event
            for event in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action.in_(["case.break_glass", "client.export", "client.erase"])
                )
            )
        }
        assert set(events) == {"case.break_glass", "client.export", "client.erase"}
        glass = REFERENCE.fullmatch(events["case.break_glass"].reason or "")
        assert glass and glass["table"] == "break_glass_accesses"
        access = db.session.get(BreakGlassAccess, uuid.UUID(glass["id"]))
        assert access is not None and access.case_id == case_id
        # The supervisor's log still shows the reason, decrypted from the access row.
        log = break_glass.break_glass_page(staff(team, "supervisor")).items
        assert [entry.reason for entry in log] == [f"glass {CANARY} crisis call"]
        for action, kind in (
            ("client.export", PrivacyRequestKind.EXPORT),
            ("client.erase", PrivacyRequestKind.ERASURE),
        ):
            found = REFERENCE.fullmatch(events[action].reason or "")
            assert found and found["table"] == "privacy_requests"
            request = db.session.get(PrivacyRequest, uuid.UUID(found["id"]))
            assert request is not None and request.kind == kind
            # Kept under the staff key: readable after the client's key was destroyed.
            assert request.reason == f"{kind.value} {CANARY} art. 15/17"
        stored = db.session.execute(text("SELECT reason FROM privacy_requests")).scalars().all()
        assert stored and all(CANARY.encode() not in bytes(blob) for blob in stored)
        # Reading the log is itself audited, and still without the text.
        assert CANARY not in _all_audit_text()


def _head_seq() -> int:
    return db.session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0


@pytest.mark.parametrize(
    "options",
    [
        {"reason_row": "the client told me about her husband"},
        {"reason_row": BreakGlassAccess(user_id=uuid.uuid4(), case_id=uuid.uuid4())},
        {"fields": ["family_name", "Kowalska called at 9"]},
        {"fields": ["note: she is afraid"]},
    ],
)
def test_the_trail_refuses_free_text_and_writes_nothing(app: Flask, options: dict) -> None:
    with app.app_context():
        before = _head_seq()
        count = db.session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises((TypeError, ValueError)):
            audit.record("client.read", actor=None, object_type="client", **options)
        assert _head_seq() == before
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == count


def test_no_audit_call_passes_free_text() -> None:
    """Every `audit.record*` call in the code: no keyword that carries prose, and the reason
    only as a row, never a string built on the spot."""
    prose = {"reason", "note", "notes", "text", "body", "comment", "description", "message"}
    offenders = []
    for path in CASEWORK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"record", "record_change", "record_many"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            for keyword in node.keywords:
                is_text = isinstance(keyword.value, ast.Constant | ast.JoinedStr | ast.BinOp)
                if keyword.arg in prose or (keyword.arg == "reason_row" and is_text):
                    offenders.append(f"{path.relative_to(CASEWORK)}:{node.lineno} {keyword.arg}")
    assert offenders == []
