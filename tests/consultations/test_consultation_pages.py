"""The consultant's pages through the test client: the consultation log and my consultations."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, Role
from casework.clock import centre_today
from casework.consultations.models import InformationConsultation
from casework.db import db
from tests.pages import csrf_token

EN = {"preferred_language": Language.EN}


def _consultation(**fields: object) -> dict[str, object]:
    return {
        "topics": ["pesel"],
        "duration_minutes": "15",
        "channel": "in_person",
        "language": "uk",
        "consulted_on": "2026-01-05",
        "gender": "",
        "age_group": "",
        "migration_reason": "",
        **fields,
    }


def _log(client: FlaskClient, **fields: object):
    token = csrf_token(client, "/consultations/new")
    return client.post("/consultations/new", data={**_consultation(**fields), "csrf_token": token})


def test_the_form_has_the_usual_defaults_and_autofocus(client: FlaskClient, login_as) -> None:
    login_as(Role.CONSULTANT, preferred_language=Language.UK)
    response = client.get("/consultations/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r'<input[^>]*autofocus[^>]*value="residence_legalisation"', page) or re.search(
        r'<input[^>]*value="residence_legalisation"[^>]*autofocus', page
    ), page
    assert 'value="15"' in page  # duration
    assert re.search(r'<option selected value="uk">|<option value="uk" selected>', page), page
    assert re.search(r'checked[^>]*value="in_person"|value="in_person"[^>]*checked', page)
    assert "data-enter-submits" in page and 'data-logged-today="0"' in page
    assert "Легалізація перебування" in page  # topics in the interface language


def test_a_consultant_logs_an_anonymous_consultation_and_gets_a_fresh_form(
    app: Flask, client: FlaskClient, login_as
) -> None:
    me = login_as(Role.CONSULTANT, **EN)
    response = _log(
        client,
        consulted_on="",  # left as the default: today
        topics=["pesel", "work_permit"],
        gender="female",
        age_group="30_44",
        nationality="ua",
        migration_reason="war",
        visitor_phone="+48 600 100 200",
    )
    assert response.status_code == 200 and 'id="consulted_on-error"' in response.get_data(
        as_text=True
    )  # the date is required (the form shows today; emptied, it asks again)
    response = _log(
        client,
        topics=["pesel", "work_permit"],
        gender="female",
        age_group="30_44",
        nationality="ua",
        migration_reason="war",
        visitor_phone="+48 600 100 200",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/consultations/new"
    page = client.get("/consultations/new").get_data(as_text=True)
    assert "The consultation is logged." in page
    with app.app_context():
        logged = db.session.scalars(
            select(InformationConsultation).where(InformationConsultation.consultant_id == me.id)
        ).one()
        assert sorted(logged.topic_codes) == ["pesel", "work_permit"] and logged.nationality == "UA"
        assert logged.visitor_token and "600100200" not in logged.visitor_token
        assert logged.language == "uk" and logged.duration_minutes == 15


def test_todays_count_and_my_consultations(app: Flask, client: FlaskClient, login_as) -> None:
    login_as(Role.CONSULTANT, **EN)
    with app.app_context():
        today = centre_today().isoformat()
    for _ in range(2):
        assert _log(client, consulted_on=today).status_code == 302
    assert _log(client, consulted_on="2026-01-02").status_code == 302
    page = client.get("/consultations/new").get_data(as_text=True)
    assert 'data-logged-today="2"' in page and "2 consultations logged today" in page
    listing = client.get("/consultations")
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    assert listing.get_data(as_text=True).count("PESEL") >= 3


def test_my_consultations_is_paginated(app: Flask, client: FlaskClient, login_as) -> None:
    login_as(Role.CONSULTANT, **EN)
    token = csrf_token(client, "/consultations/new")
    for day in range(1, 28):
        client.post(
            "/consultations/new",
            data={**_consultation(consulted_on=f"2026-01-{day:02d}"), "csrf_token": token},
        )
    first = client.get("/consultations").get_data(as_text=True)
    older = re.search(r'href="(/consultations\?after=[^"]+)"', first)
    assert older and first.count("<tr>") == 26  # the head row and 25
    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count("<tr>") == 3 and "Older consultations" not in second


def test_a_refused_consultation_keeps_the_form_with_the_services_message(
    client: FlaskClient, login_as
) -> None:
    login_as(Role.CONSULTANT, **EN)
    response = _log(client, visitor_phone="600100200", visitor_document="AB123456")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "give either a document number or a phone number" in page
    assert 'value="AB123456"' in page  # what was typed stays on the form
    response = _log(client, topics=[])
    assert response.status_code == 200 and 'class="error" id="topics-error"' in response.get_data(
        as_text=True
    )


def test_the_consultation_form_needs_the_csrf_token(client: FlaskClient, login_as) -> None:
    login_as(Role.CONSULTANT, **EN)
    response = client.post("/consultations/new", data=_consultation())
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR, Role.FACILITATOR])
def test_other_roles_do_not_see_the_consultant_pages(
    client: FlaskClient, login_as, role: Role
) -> None:
    login_as(role, **EN)
    assert client.get("/consultations/new").status_code == 404
    listing = client.get("/consultations")
    if role == Role.SUPERVISOR:  # the figures instead of a list of their own
        assert listing.headers["Location"] == "/consultations/statistics"
    else:
        assert listing.status_code == 404
        assert client.get("/consultations/statistics").status_code == 404
    assert "/consultations/new" not in client.get("/").get_data(as_text=True)


def test_the_consultant_navigation(client: FlaskClient, login_as) -> None:
    login_as(Role.CONSULTANT, **EN)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/consultations/new"' in page and "Log a consultation" in page
