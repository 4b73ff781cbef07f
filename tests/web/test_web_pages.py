"""The web interface through Flask's test client: the journeys, errors as messages, headers."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role
from casework.db import db
from tests.cases.test_case_workflow import CALM, VIOLENT, norr_answers
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.factories import make_user

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _id_in(location: str) -> str:
    match = re.search(UUID, location)
    assert match, location
    return match.group(0)


@pytest.fixture
def staff(app: Flask) -> dict[str, str]:
    from casework.auth.services import get_or_create_team

    with app.app_context():
        team = get_or_create_team("Web team")
        english = {"preferred_language": Language.EN}
        people = {
            "manager": make_user(roles=(Role.CASE_MANAGER,), team=team, **english),
            "therapist": make_user(roles=(Role.THERAPIST,), team=team, **english),
            "supervisor": make_user(roles=(Role.SUPERVISOR,), team=team, **english),
            "admin": make_user(roles=(Role.ADMIN,), **english),
        }
        db.session.commit()
        return {name: user.email for name, user in people.items()}


def _post(client: FlaskClient, path: str, data: dict[str, object], *, form_on: str | None = None):
    token = csrf_token(client, form_on or path)
    return client.post(path, data={**data, "csrf_token": token})


def _intake(client: FlaskClient, given: str, family: str, **extra: object) -> str:
    """Register a client, record consent; returns the client id (the intake basket holds it)."""
    response = _post(
        client,
        "/intake",
        {"given_name": given, "family_name": family, "birth_year": 1985, **extra},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client_id = _id_in(response.headers["Location"])
    response = _post(
        client,
        f"/clients/{client_id}/consent",
        {"purpose": "support_services", "legal_basis": "consent", "notice_version": "2026-01"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/new")
    return client_id


def _open_case(client: FlaskClient, kind: str = "individual", roles: int = 1) -> str:
    data: dict[str, object] = {"kind": kind, "referral_source": "self"}
    page = client.get("/cases/new").get_data(as_text=True)
    for index, client_id in enumerate(
        re.findall(rf'name="participants-(\d+)-client_id" type="hidden" value="({UUID})"', page)
    ):
        data[f"participants-{client_id[0]}-client_id"] = client_id[1]
        data[f"participants-{client_id[0]}-role"] = "partner"
        assert index < roles
    response = _post(client, "/cases/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return _id_in(response.headers["Location"])


def _enrol_and_schedule(
    client: FlaskClient, case_id: str, client_id: str, therapist_id: str, *, joint: bool = False
) -> str:
    response = _post(
        client,
        f"/cases/{case_id}/enrolments",
        {
            "client": client_id,
            "service": "individual_counselling" if not joint else "couples_therapy",
            "practitioner": therapist_id,
        },
        form_on=f"/cases/{case_id}",
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The client is enrolled." in page or "Enrolled" in page, page
    enrolment_id = re.search(rf'<option value="({UUID})">(Individual psychological|Couples)', page)
    assert enrolment_id, page
    data = {
        "enrolment": enrolment_id.group(1),
        "day": "2020-01-06",
        "starts": "10:00",
        "minutes": "50",
        "mode": "in_person",
        "place": "Room 2",
    }
    if joint:
        data["is_joint"] = "y"
    response = _post(client, f"/cases/{case_id}/appointments", data, form_on=f"/cases/{case_id}")
    assert response.status_code == 302
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    return re.findall(rf"/appointments/({UUID})", page)[-1]


def _user_id(app: Flask, email: str) -> str:
    from casework.auth.services import find_user

    with app.app_context():
        user = find_user(email)
        assert user is not None
        return str(user.id)


def test_case_manager_journey_intake_duplicate_norr_very_high_accept_and_enrol(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    _intake(client, "Anna", "Kowalska", phone="600 100 200")
    # the same phone again: the duplicate is shown, with the first client's name
    response = _post(
        client, "/intake", {"given_name": "Ania", "family_name": "Nowak", "phone": "+48600100200"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Possible duplicates" in page and "Kowalska" in page
    case_id = _open_case(client)
    case_page = client.get(f"/cases/{case_id}")
    assert case_page.headers["Cache-Control"] == "no-store"
    assert "Kowalska" not in re.search(
        r"<title>(.*?)</title>", case_page.get_data(as_text=True)
    ).group(1)
    client_id = re.search(rf'/clients/({UUID})"', case_page.get_data(as_text=True)).group(1)

    response = _post(
        client,
        f"/cases/{case_id}/assessments",
        {"instrument": "norr", "client": client_id},
        form_on=f"/cases/{case_id}",
    )
    form_path = response.headers["Location"]
    form_page = client.get(form_path).get_data(as_text=True)
    assert "data-visible-when" in form_page and "Interviewer guidance" in form_page
    with app.app_context():
        vector = norr_answers(VIOLENT)
    answers = {f"item-{key}": value for key, value in vector.items() if value is not None}
    response = _post(client, form_path, {**answers, "version": "1", "action": "save"})
    assert response.status_code == 302
    version = re.search(
        r'name="version" type="hidden" value="(\d+)"', client.get(form_path).get_data(as_text=True)
    ).group(1)
    response = _post(client, form_path, {**answers, "version": version, "action": "complete"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-level="very_high"' in result
    assert "Safety plan and start of the Niebieska Karta" in result
    assert "not offered because" in result  # couples therapy excluded while violence is positive

    for recommendation_id, version in re.findall(
        rf'/recommendations/({UUID})/decide">\s*<input[^>]*>\s*'
        r'<input type="hidden" name="version" value="(\d+)"',
        result,
    ):
        response = _post(
            client,
            f"/recommendations/{recommendation_id}/decide",
            {
                "decision": "accept",
                "version": version,
                "reason": "",
                "assessment_id": _id_in(form_path),
            },
            form_on=f"/cases/{case_id}",
        )
        assert response.status_code == 302
    assert "Nothing to decide." in client.get("/").get_data(as_text=True)

    therapist_id = _user_id(app, staff["therapist"])
    _enrol_and_schedule(client, case_id, client_id, therapist_id)
    case_html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Enrolment" in case_html and "Appointment" in case_html


def test_a_refused_decline_without_reason_is_a_message_not_an_error(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    _intake(client, "Olena", "Shevchenko")
    case_id = _open_case(client)
    response = _post(
        client,
        f"/cases/{case_id}/move",
        {"to_state": "on_hold", "reason": ""},
        form_on=f"/cases/{case_id}",
    )
    assert response.status_code == 302
    assert "say why the case is put on hold" in client.get(f"/cases/{case_id}").get_data(
        as_text=True
    )


def test_therapist_writes_signs_and_amends_a_note(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    client_id = _intake(client, "Marta", "Zielińska")
    case_id = _open_case(client)
    appointment_id = _enrol_and_schedule(
        client, case_id, client_id, _user_id(app, staff["therapist"])
    )
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, staff["therapist"], PASSWORD)
    assert "Marta" in client.get("/my-clients").get_data(as_text=True)
    path = f"/appointments/{appointment_id}"
    response = _post(client, path, {"kind": "progress", "body": "First session."})
    note_path = response.headers["Location"]
    assert "Drafts to finish" in client.get("/").get_data(as_text=True)
    response = _post(
        client, note_path, {"action": "sign", "version": "1", "body": "First session, signed."}
    )
    assert response.status_code == 302
    page = client.get(note_path).get_data(as_text=True)
    assert "First session, signed." in page and "Add an addendum" in page
    response = _post(client, note_path, {"action": "addendum", "body": "Correction: 55 minutes."})
    page = client.get(note_path).get_data(as_text=True)
    assert "Correction: 55 minutes." in page and "First session, signed." in page


def test_an_individual_disclosure_is_absent_from_the_joint_view(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    first = _intake(client, "Ewa", "Wiśniewska")
    client.get("/intake")
    _intake(client, "Piotr", "Wiśniewski")
    case_id = _open_case(client, kind="couple", roles=2)
    appointment_id = _enrol_and_schedule(
        client, case_id, first, _user_id(app, staff["therapist"]), joint=True
    )
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, staff["therapist"], PASSWORD)
    path = f"/appointments/{appointment_id}"
    note = _post(
        client,
        path,
        {"kind": "progress", "body": "Said alone: afraid at home.", "is_individual": "y"},
    )
    _post(
        client,
        note.headers["Location"],
        {"action": "sign", "version": "1", "body": "Said alone: afraid at home."},
    )
    joint_note = _post(client, path, {"kind": "progress", "body": "Worked together on listening."})
    _post(
        client,
        joint_note.headers["Location"],
        {"action": "sign", "version": "1", "body": "Worked together on listening."},
    )
    full = client.get(f"/cases/{case_id}").get_data(as_text=True)
    joint = client.get(f"/cases/{case_id}?view=joint").get_data(as_text=True)
    assert "afraid at home" in full and "Worked together" in full
    assert "afraid at home" not in joint and "Worked together" in joint


def test_hidden_and_missing_objects_show_the_friendly_404(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    response = client.get(f"/cases/{uuid.uuid4()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Wróć do mojej pracy" in page  # the user's language
    assert "you may break the glass" not in page  # Polish here; the link is there:
    assert "/break-glass" in page


def test_security_headers_on_every_response_and_a_relaxed_style_only_on_api_docs(
    client: FlaskClient,
) -> None:
    page = client.get("/sign-in")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in page.get_data(as_text=True)
    docs = client.get("/api/v1/docs")
    assert "style-src 'self' 'unsafe-inline'" in docs.headers["Content-Security-Policy"]
    assert "script-src 'self';" in docs.headers["Content-Security-Policy"]


def test_signed_in_pages_are_not_cached_and_the_ping_keeps_the_session(
    client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    token = csrf_token(client, "/")
    assert client.post("/session/ping", headers={"X-CSRFToken": token}).status_code == 204
    assert client.post("/session/ping").status_code == 400  # CSRF


def test_no_page_has_inline_scripts_or_style_attributes(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER, Role.THERAPIST, Role.SUPERVISOR)
    for path in ("/", "/intake", "/clients/search", "/cases", "/agenda", "/my-clients", "/account"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, path
        assert " style=" not in html, path


def test_client_search_is_a_post_and_finds_by_exact_phone(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    _intake(client, "Iryna", "Bondarenko", phone="601 222 333")
    response = _post(client, "/clients/search", {"phone": "601222333"})
    assert "Bondarenko" in response.get_data(as_text=True)
    response = _post(client, "/clients/search", {"phone": "601222334"})
    assert "No client you may see matches." in response.get_data(as_text=True)


def test_interface_language_follows_the_user_then_the_browser(
    client: FlaskClient, login_as
) -> None:
    assert "Zaloguj" in client.get("/sign-in", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )
    assert "Увійти" in client.get("/sign-in", headers={"Accept-Language": "uk"}).get_data(
        as_text=True
    )
    login_as(Role.THERAPIST)
    _post(client, "/account/language", {"language": "uk"}, form_on="/account")
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Моя робота" in page and 'lang="uk"' in page


def test_administrator_pages(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    response = _post(client, "/admin/teams", {"name": "Kraków team"}, form_on="/admin/users")
    assert response.status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Kraków team" in page
    response = _post(
        client,
        "/admin/users",
        {
            "email": "new@example.test",
            "display_name": "New Person",
            "roles": ["therapist"],
            "team": "",
            "language": "pl",
            "password": "long enough password",
        },
    )
    assert response.status_code == 302
    assert "New Person" in client.get("/admin/users").get_data(as_text=True)
    response = _post(
        client, "/admin/services/couples_therapy/active", {"active": "0"}, form_on="/admin/services"
    )
    assert response.status_code == 302
    response = _post(client, "/account/tokens", {"name": "reports"}, form_on="/account")
    assert "cwk_" in response.get_data(as_text=True)


def test_clinical_staff_cannot_open_the_administrator_pages(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/services").status_code == 404


def _complete_norr(
    client: FlaskClient, app: Flask, case_id: str, client_id: str, **flags: str
) -> str:
    response = _post(
        client,
        f"/cases/{case_id}/assessments",
        {"instrument": "norr", "client": client_id, **flags},
        form_on=f"/cases/{case_id}",
    )
    form_path = response.headers["Location"]
    with app.app_context():
        vector = norr_answers(CALM)
    answers = {f"item-{key}": value for key, value in vector.items() if value is not None}
    response = _post(client, form_path, {**answers, "action": "complete"})
    assert response.headers["Location"].endswith("/result"), response.get_data(as_text=True)
    return _id_in(form_path)


def test_closing_compares_the_closing_reassessment_with_the_first(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    client_id = _intake(client, "Halina", "Nowicka")
    case_id = _open_case(client)
    _complete_norr(client, app, case_id, client_id)
    assert "No closing reassessment yet" in client.get(f"/cases/{case_id}/close").get_data(
        as_text=True
    )
    closing_id = _complete_norr(client, app, case_id, client_id, is_closing="y")
    close_page = client.get(f"/cases/{case_id}/close").get_data(as_text=True)
    assert f"/cases/{case_id}/compare/{closing_id}" in close_page
    comparison = client.get(f"/cases/{case_id}/compare/{closing_id}").get_data(as_text=True)
    assert "Closing reassessment compared with the first" in comparison
    assert comparison.count("Low risk") >= 2
    version = re.search(r'name="version" value="(\d+)"', close_page).group(1)
    response = _post(
        client,
        f"/cases/{case_id}/close",
        {"outcome": "goals_achieved", "reason": "Goals met.", "version": version},
    )
    assert response.status_code == 302
    assert "Reopen the case" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_supervisor_reassigns_a_case_of_the_team(
    app: Flask, client: FlaskClient, staff: dict[str, str]
) -> None:
    sign_in(client, staff["manager"], PASSWORD)
    _intake(client, "Oksana", "Melnyk")
    case_id = _open_case(client)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        from casework.auth.services import get_or_create_team

        other = make_user(
            roles=(Role.CASE_MANAGER,),
            team=get_or_create_team("Web team"),
            display_name="Second Manager",
        )
        db.session.commit()
        other_id = str(other.id)
    sign_in(client, staff["supervisor"], PASSWORD)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Reassign the case" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = _post(
        client,
        f"/cases/{case_id}/assign",
        {"case_manager": other_id, "version": version},
        form_on=f"/cases/{case_id}",
    )
    assert response.status_code == 302
    assert "Second Manager" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_link_cannot_empty_the_intake_basket(client, login_as) -> None:
    from casework.auth.models import Role
    from tests.conftest import csrf_token

    login_as(Role.CASE_MANAGER)
    assert client.get("/intake?restart=1").status_code == 200  # ignored: GET changes nothing
    assert client.post("/intake/new").status_code == 400  # no CSRF token
    token = csrf_token(client, "/")
    response = client.post("/intake/new", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/intake")
