"""Partner work in the browser's forms: institutions, trainings with participants from several
institutions, events with partners and reach by language; who reaches the pages."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, Role
from casework.db import db
from casework.partners.models import (
    EventKind,
    PartnerInstitution,
    ProfessionalType,
    PublicEvent,
    Training,
    TrainingParticipation,
)
from tests.pages import id_in, post_form


def _institution(client: FlaskClient, name: str, kind: str = "social_welfare") -> str:
    response = post_form(
        client, "/partners/institutions/new", {"name": name, "kind": kind, "city": "Kraków"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return _institution_id(client.application, name)


def _institution_id(app: Flask, name: str) -> str:
    with app.app_context():
        found = db.session.scalar(
            select(PartnerInstitution.id).where(PartnerInstitution.name == name)
        )
        assert found is not None
        return str(found)


def test_a_coordinator_records_a_training_with_participants_from_two_institutions(
    client: FlaskClient, login_as: Any, app: Flask
) -> None:
    login_as(Role.COORDINATOR, preferred_language=Language.EN)
    mops = _institution(client, "MOPS Nowa Huta")
    court = _institution(client, "Sąd Rejonowy", "court")
    response = post_form(
        client,
        "/partners/trainings/new",
        {
            "title": "Recognising domestic violence",
            "held_on": "2026-10-05",
            "hours": "6",
            "participants-0-institution": mops,
            "participants-0-professional_type": "social_worker",
            "participants-0-headcount": "7",
            "participants-1-institution": court,
            "participants-1-professional_type": "public_official",
            "participants-1-headcount": "3",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    training_id = id_in(response.headers["Location"])
    page = client.get(f"/partners/trainings/{training_id}").get_data(as_text=True)
    assert "Sąd Rejonowy" in page and "Public official" in page
    assert 'data-total="10"' in page
    listing = client.get("/partners/trainings").get_data(as_text=True)
    assert "Recognising domestic violence" in listing and 'data-professionals="10"' in listing

    more = post_form(
        client,
        f"/partners/trainings/{training_id}",
        {
            "participants-0-institution": mops,
            "participants-0-professional_type": "social_worker",
            "participants-0-headcount": "2",
        },
    )
    assert more.status_code == 302
    with app.app_context():
        counts = {
            (row.professional_type, row.headcount)
            for row in db.session.scalars(
                select(TrainingParticipation).where(
                    TrainingParticipation.training_id == uuid.UUID(training_id)
                )
            )
        }
    assert counts == {
        (ProfessionalType.SOCIAL_WORKER, 9),
        (ProfessionalType.PUBLIC_OFFICIAL, 3),
    }


def test_a_half_filled_participant_row_is_refused_and_nothing_is_written(
    client: FlaskClient, login_as: Any, app: Flask
) -> None:
    login_as(Role.SUPERVISOR, preferred_language=Language.EN)
    mops = _institution(client, "MOPS Podgórze")
    response = post_form(
        client,
        "/partners/trainings/new",
        {
            "title": "Half a row",
            "held_on": "2026-10-05",
            "participants-0-institution": mops,
            "participants-0-headcount": "4",
        },
    )
    assert response.status_code == 200
    assert "A row needs the institution, the professionals and how many." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(Training).where(Training.title == "Half a row")) is None


def test_a_webinar_is_recorded_online_with_a_partner_and_reach_by_language(
    client: FlaskClient, login_as: Any, app: Flask
) -> None:
    login_as(Role.COORDINATOR, preferred_language=Language.EN)
    partner = _institution(client, "Fundacja Ukraina", "ngo")
    response = post_form(
        client,
        "/partners/events/new",
        {
            "title": "Your rights at work",
            "kind": "webinar",
            "held_on": "2026-11-02",
            "where": "online",
            "partners": [partner],
            "headcount": "120",
            "reach-0-language": "uk",
            "reach-0-headcount": "80",
            "reach-1-language": "pl",
            "reach-1-headcount": "30",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    listing = client.get("/partners/events").get_data(as_text=True)
    assert "Your rights at work" in listing and "Webinar" in listing and "Online" in listing
    assert "Fundacja Ukraina" in listing and "Українська: 80" in listing
    with app.app_context():
        event = db.session.scalar(select(PublicEvent).where(PublicEvent.title.like("Your rights%")))
        assert event is not None
        assert event.kind is EventKind.WEBINAR and event.online
        assert [p.name for p in event.partners] == ["Fundacja Ukraina"]
        assert {r.language: r.headcount for r in event.reach} == {"pl": 30, "uk": 80}


def test_reach_by_language_over_the_total_is_a_form_error(
    client: FlaskClient, login_as: Any, app: Flask
) -> None:
    login_as(Role.COORDINATOR, preferred_language=Language.EN)
    response = post_form(
        client,
        "/partners/events/new",
        {
            "title": "Too many",
            "kind": "campaign",
            "held_on": "2026-11-02",
            "where": "on_site",
            "headcount": "10",
            "reach-0-language": "uk",
            "reach-0-headcount": "11",
        },
    )
    assert response.status_code == 200
    assert "add up to more than the total" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PublicEvent).where(PublicEvent.title == "Too many")) is None


def test_an_institution_is_renamed_and_a_clash_is_a_form_error(
    client: FlaskClient, login_as: Any
) -> None:
    login_as(Role.ADMIN, preferred_language=Language.EN)
    first = _institution(client, "PCPR")
    _institution(client, "Szkoła nr 5", "school")
    renamed = post_form(
        client,
        f"/partners/institutions/{first}/edit",
        {"name": "PCPR Kraków", "kind": "social_welfare", "city": ""},
    )
    assert renamed.status_code == 302
    assert "PCPR Kraków" in client.get("/partners/institutions").get_data(as_text=True)
    clash = post_form(
        client,
        f"/partners/institutions/{first}/edit",
        {"name": "Szkoła nr 5", "kind": "school"},
    )
    assert clash.status_code == 200
    assert "already on the list" in clash.get_data(as_text=True)


def test_clinical_staff_do_not_reach_partner_pages(client: FlaskClient, login_as: Any) -> None:
    login_as(Role.THERAPIST, preferred_language=Language.EN)
    for path in ("/partners/trainings", "/partners/events", "/partners/institutions/new"):
        assert client.get(path).status_code == 404


def test_the_coordinator_sees_the_navigation_entry(client: FlaskClient, login_as: Any) -> None:
    login_as(Role.COORDINATOR, preferred_language=Language.EN)
    assert 'href="/partners/trainings"' in client.get("/").get_data(as_text=True)


def test_adding_no_participants_is_a_form_error(
    client: FlaskClient, login_as: Any, app: Flask
) -> None:
    login_as(Role.COORDINATOR, preferred_language=Language.EN)
    response = post_form(
        client, "/partners/trainings/new", {"title": "Empty", "held_on": "2026-10-05"}
    )
    assert response.status_code == 302  # a training may be recorded before its participants
    training_id = id_in(response.headers["Location"])
    again = post_form(client, f"/partners/trainings/{training_id}", {})
    assert again.status_code == 200
    assert "fill in at least one row of participants" in again.get_data(as_text=True)
