"""The supervisor's caseload review through the test client."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role, User
from casework.db import db
from tests.pages import sign_in

EN = {"preferred_language": Language.EN}


def _as(app: Flask, client: FlaskClient, user_id: uuid.UUID) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        user.preferred_language = Language.EN
        email = user.email
        db.session.commit()
    assert sign_in(client, email).status_code == 302


def test_the_caseload_dashboard_charts_and_tables(
    app: Flask,
    client: FlaskClient,
    centre: dict,
) -> None:
    _as(app, client, centre["supervisor"])
    response = client.get("/caseload")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    # c1 has never had contact and c6 not for 40 days; c2 had contact 5 days ago
    rows = re.findall(r"<tr data-no-contact-case>(.*?)</tr>", page, re.S)
    references = [re.search(r'<a href="/cases/[0-9a-f-]{36}">([^<]+)</a>', row) for row in rows]
    assert sorted(match.group(1) for match in references if match) == sorted(
        [centre["c1"], centre["c6"]]
    )
    assert "Never" in rows[0] or "Never" in rows[1]
    assert page.count('<svg class="chart" viewBox="0 0 100 10"') == 2 + 1 + 1  # m1, m2; t1; run
    # m1, the busiest (4 open cases): 2 very high, 1 low, 1 unassessed, scaled to 100
    assert 'class="seg-very_high" x="0.0" y="0" width="50.0"' in page
    assert 'class="seg-low" x="50.0" y="0" width="25.0"' in page
    assert 'class="seg-unassessed" x="75.0" y="0" width="25.0"' in page
    # the run: 1 seated of 1 seat, 2 waiting, scaled to the widest run (3)
    assert 'class="seg-waiting" x="33.33" y="0" width="66.67"' in page
    assert "Fathers (review)" in page and "Elsewhere (review)" not in page
    assert centre["c3"] in page  # overdue reassessment
    assert " style=" not in page and re.search(r"<script(?![^>]*\bsrc=)", page) is None
    # the threshold is a GET parameter: 50 days leaves c6 (40 days) out
    page = client.get("/caseload?days=50").get_data(as_text=True)
    rows = re.findall(r"<tr data-no-contact-case>(.*?)</tr>", page, re.S)
    assert len(rows) == 1 and centre["c1"] in rows[0]
    page = client.get("/caseload?days=9999").get_data(as_text=True)
    assert "day limits must be between 1 and 3650" in page


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.CONSULTANT, Role.THERAPIST])
def test_only_supervisors_see_the_caseload_review(
    client: FlaskClient, login_as, role: Role
) -> None:
    login_as(role, **EN)
    assert client.get("/caseload").status_code == 404


def test_a_supervisor_without_a_team_gets_a_message_not_a_crash(
    client: FlaskClient, login_as
) -> None:
    login_as(Role.SUPERVISOR, **EN)
    assert client.get("/caseload").status_code == 403


def test_odd_digits_in_the_threshold_are_ignored_not_a_crash(
    app: Flask,
    client: FlaskClient,
    centre: dict,
) -> None:
    _as(app, client, centre["supervisor"])
    page = client.get("/caseload?days=%C2%B2")  # "²" is a digit to str.isdigit, not to int()
    assert page.status_code == 200 and 'value="30"' in page.get_data(as_text=True)
