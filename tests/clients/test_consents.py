"""Consents: no processing without a basis, and none after the basis is withdrawn."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.case_assessments.services import assessments
from casework.cases.models import CaseState
from casework.clients.models import ConsentPurpose, LegalBasis
from casework.clients.services import consents
from casework.errors import Conflict
from tests.factories import make_case, make_client, make_consenting_client, staff


def test_processing_without_consent_is_refused_unless_another_basis_is_recorded(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        client = make_client(created_by_id=manager.id)
        with pytest.raises(Conflict, match="no valid consent"):
            make_case(manager, clients=[client])
        consents.record_consent(
            manager,
            client.id,
            purpose=ConsentPurpose.SUPPORT_SERVICES,
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            notice_version="2026-01",
        )
        assert make_case(manager, clients=[client]).state == CaseState.INTAKE


def test_withdrawn_consent_stops_further_processing(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        client = make_consenting_client(manager)
        case = make_case(manager, clients=[client])
        consent = consents.consents_of(client.id)[0]
        consents.withdraw_consent(manager, consent.id)
        with pytest.raises(Conflict, match="no valid consent"):
            assessments.start_assessment(
                manager, case.id, instrument_id="norr", client_id=client.id
            )
