"""Linking consultations to registered clients on the pages, and the consultation statistics."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, Role
from casework.clients.models import Gender, MigrationReason
from casework.clock import centre_today
from casework.consultations import services
from casework.consultations.models import AgeGroup, Channel, InformationConsultation
from casework.consultations.stats import age_band, suppress
from casework.db import db
from tests.factories import make_consenting_client, make_user, staff
from tests.pages import csrf_token, sign_in


@pytest.fixture
def desk(app: Flask, team: dict, team_emails: dict) -> dict:
    """Olena, registered by the team's consultant; Hidden, registered by an outside consultant;
    an anonymous consultation of the consultant (a Ukrainian woman, 30-44, with a token)."""
    with app.app_context():
        consultant = staff(team, "consultant")
        olena = make_consenting_client(consultant, given_name="Olena", family_name="Desk")
        hidden = make_consenting_client(
            staff(team, "outside_consultant"), given_name="Hidden", family_name="Person"
        )
        anonymous = services.log_consultation(
            consultant,
            consulted_on=centre_today(),
            channel=Channel.PHONE,
            language="uk",
            topic_codes=["pesel"],
            duration_minutes=10,
            gender=Gender.FEMALE,
            age_group=AgeGroup.FROM_30_TO_44,
            nationality="UA",
            visitor_phone="+48 600 100 200",
        )
        db.session.commit()
        return {
            **team_emails,
            "olena": str(olena.id),
            "hidden": str(hidden.id),
            "anonymous": str(anonymous.id),
        }


def _form(**fields: object) -> dict[str, object]:
    return {
        "topics": ["pesel"],
        "duration_minutes": "20",
        "channel": "in_person",
        "language": "uk",
        "consulted_on": date.today().isoformat(),
        "gender": "",
        "age_group": "",
        "migration_reason": "",
        **fields,
    }


def _linked_to(app: Flask, client_id: str) -> list[InformationConsultation]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(InformationConsultation).where(
                    InformationConsultation.client_id == uuid.UUID(client_id)
                )
            )
        )


def test_the_consultant_logs_a_consultation_linked_to_a_client(
    app: Flask, client: FlaskClient, desk: dict
) -> None:
    assert sign_in(client, desk["consultant"]).status_code == 302
    page = client.get("/consultations/new").get_data(as_text=True)
    assert "Olena Desk" in page and "Hidden Person" not in page
    token = csrf_token(client, "/consultations/new")
    response = client.post(
        "/consultations/new", data={**_form(client=desk["olena"]), "csrf_token": token}
    )
    assert response.status_code == 302
    (logged,) = _linked_to(app, desk["olena"])
    assert logged.gender is None and logged.visitor_token is None


def test_a_linked_consultation_takes_no_visitor_statistics(
    app: Flask, client: FlaskClient, desk: dict
) -> None:
    assert sign_in(client, desk["consultant"]).status_code == 302
    token = csrf_token(client, "/consultations/new")
    response = client.post(
        "/consultations/new",
        data={**_form(client=desk["olena"], gender="female"), "csrf_token": token},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "takes its statistics from the client record" in page
    assert _linked_to(app, desk["olena"]) == []


@pytest.mark.parametrize("who", ["hidden", "nobody"])
def test_a_hidden_client_answers_like_a_missing_one(
    app: Flask, client: FlaskClient, desk: dict, who: str
) -> None:
    assert sign_in(client, desk["consultant"]).status_code == 302
    chosen = desk["hidden"] if who == "hidden" else str(uuid.uuid4())
    token = csrf_token(client, "/consultations/new")
    response = client.post("/consultations/new", data={**_form(client=chosen), "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="client-error"' in page and "Hidden" not in page
    assert _linked_to(app, chosen) == []


def test_the_consultant_links_an_anonymous_consultation_afterwards(
    app: Flask, client: FlaskClient, desk: dict
) -> None:
    assert sign_in(client, desk["consultant"]).status_code == 302
    listing = client.get("/consultations").get_data(as_text=True)
    path = f"/consultations/{desk['anonymous']}"
    assert f'href="{path}"' in listing
    page = client.get(path).get_data(as_text=True)
    assert "Link to a registered client" in page and "Olena Desk" in page
    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "client": desk["olena"], "version": "1"}
    )
    assert response.status_code == 302
    shown = client.get(path).get_data(as_text=True)
    assert "The consultation is linked to the client." in shown
    assert "Registered client: Olena Desk" in shown and "Link to a registered client" not in shown
    (linked,) = _linked_to(app, desk["olena"])
    assert linked.id == uuid.UUID(desk["anonymous"])
    assert (linked.gender, linked.age_group, linked.nationality, linked.visitor_token) == (
        None,
        None,
        None,
        None,
    )


def test_a_stale_or_foreign_link_is_refused(app: Flask, client: FlaskClient, desk: dict) -> None:
    path = f"/consultations/{desk['anonymous']}"
    assert sign_in(client, desk["consultant"]).status_code == 302
    stale = client.post(
        path, data={"csrf_token": csrf_token(client, path), "client": desk["olena"], "version": "7"}
    )
    assert stale.status_code == 200 and "changed by someone else" in stale.get_data(as_text=True)
    client = app.test_client()
    assert sign_in(client, desk["supervisor"]).status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "Link to a registered client" not in page
    token = csrf_token(client, path)
    client.post(path, data={"csrf_token": token, "client": desk["olena"], "version": "1"})
    assert _linked_to(app, desk["olena"]) == []
    client = app.test_client()
    assert sign_in(client, desk["outside_supervisor"]).status_code == 302
    assert client.get(path).status_code == 404


def test_small_cells_are_hidden_and_cannot_be_worked_out() -> None:
    shown = suppress(12, {"nationality": [("UA", 9), ("GE", 2), ("BY", 1)]}, 5)
    texts = {code: shown["nationality", code].text for code in ("UA", "GE", "BY")}
    assert texts == {"UA": "9", "GE": "<5", "BY": "<5"}
    alone = suppress(12, {"gender": [("female", 9), ("male", 3)]}, 5)
    assert alone["gender", "male"].text == "<5" and alone["gender", "female"].text == "x"
    assert alone[None, None].text == "12"
    tiny = suppress(3, {"gender": [("female", 3)]}, 5)
    assert tiny[None, None].text == "<5" and tiny["gender", "female"].number is None


def _log_many(consultant, count: int, *, nationality: str, on: date) -> None:
    for _ in range(count):
        services.log_consultation(
            consultant,
            consulted_on=on,
            channel=Channel.IN_PERSON,
            language="uk",
            topic_codes=["pesel", "work_permit"],
            duration_minutes=15,
            gender=Gender.FEMALE,
            nationality=nationality,
            migration_reason=MigrationReason.WAR,
            visitor_document="AB123456",
        )


def test_statistics_for_supervisors_coordinators_and_consultants(
    app: Flask, desk: dict, team: dict
) -> None:
    with app.app_context():
        today = centre_today()
        _log_many(staff(team, "consultant"), 7, nationality="UA", on=today)
        _log_many(staff(team, "outside_consultant"), 6, nationality="GE", on=today)
        coordinator = make_user(roles=(Role.COORDINATOR,), preferred_language=Language.EN)
        db.session.commit()
        coordinator_email = coordinator.email

    def figures(email: str, query: str = "") -> str:
        browser = app.test_client()
        assert sign_in(browser, email).status_code == 302
        response = browser.get(f"/consultations/statistics{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    team_page = figures(desk["supervisor"])
    assert "data-total>8<" in team_page  # the team's: 7 + the anonymous one of the fixture
    assert "Ukraine" in team_page and "Georgia" not in team_page
    assert "Consultation statistics" in team_page  # in the navigation too
    by_nationality = team_page[team_page.index('data-breakdown="nationality"') :]
    by_nationality = by_nationality[: by_nationality.index("</table>")]
    assert ">8<" in by_nationality and ">UA<" not in by_nationality
    assert "data-returning>&lt;5<" in team_page  # one returning visitor: hidden
    centre = figures(coordinator_email)
    assert "data-total>14<" in centre and "Georgia" in centre
    assert "Українська" in centre
    later = (today + timedelta(days=400)).isoformat()
    empty = figures(coordinator_email, f"?consulted_from={later}&consulted_to={later}")
    assert "data-total>0<" in empty and "No consultations in this period." in empty
    own = figures(desk["outside_consultant"])
    assert "data-total>6<" in own


def test_a_registered_clients_age_band_is_taken_in_the_year_of_the_consultation() -> None:
    on = date(2026, 5, 1)
    assert age_band(2009, on) == AgeGroup.UNDER_18
    assert age_band(2008, on) == AgeGroup.FROM_18_TO_29
    assert age_band(1966, on) == AgeGroup.FROM_60
    assert age_band(None, on) == AgeGroup.UNDISCLOSED
