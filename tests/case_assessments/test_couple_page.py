"""The couple's joint view: the partners' results side by side and their combined result, with no
individual disclosure in it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role, User
from casework.cases.models import CaseKind
from casework.db import db
from tests.case_assessments.test_couple_routing import MODERATE, VIOLENCE, _completed
from tests.factories import make_case


def test_the_joint_view_shows_both_partners_and_the_combined_result_without_disclosures(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    with app.app_context():
        manager = db.session.get(User, user.id)
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        _completed(manager, case.id, second, VIOLENCE, is_individual=True)
        _completed(manager, case.id, first, MODERATE)
        _completed(manager, case.id, second, MODERATE)
        db.session.commit()
        case_id = case.id
    page = client.get(f"/cases/{case_id}/couple").get_data(as_text=True)
    assert "Combined result" in page and "Relational risk index" in page
    assert page.count("Moderate risk") == 3  # each partner's and the combined level
    assert "violence" not in page.lower().replace("violence and safety", "")
    assert "High risk" not in page and "relational_index" not in page


def test_without_both_partners_results_nothing_is_combined(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.PL)
    with app.app_context():
        manager = db.session.get(User, user.id)
        case = make_case(manager, kind=CaseKind.COUPLE)
        _completed(manager, case.id, case.client_ids[0], MODERATE)
        db.session.commit()
        case_id = case.id
    page = client.get(f"/cases/{case_id}/couple").get_data(as_text=True)
    assert "Umiarkowane ryzyko" not in page and "Indeks ryzyka relacyjnego" not in page
