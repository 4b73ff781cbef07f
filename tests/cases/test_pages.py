"""The case feature's page builders and lists: a client's page, my open cases, the intake queue."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import CaseState
from casework.cases.pages import client_page
from casework.cases.services import listing
from casework.db import db
from casework.errors import NotFound
from tests.factories import make_case, staff


def _audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def test_open_cases_by_state_and_the_intake_queue(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        other = staff(team, "other_manager")
        mine = make_case(manager)
        make_case(other)
        grouped = listing.open_cases_by_state(manager)
        assert [case.id for case in grouped[CaseState.INTAKE]] == [mine.id]
        assert listing.intake_queue(staff(team, "therapist")) == []


def test_a_client_page_reads_the_client_with_an_audit_event(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        before = _audited("client.read")
        page = client_page(manager, case.client_ids[0])
        assert [c.id for c in page.cases] == [case.id] and page.consents
        assert _audited("client.read") == before + 1
        with pytest.raises(NotFound):
            client_page(staff(team, "therapist"), case.client_ids[0])
