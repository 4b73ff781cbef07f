"""Driving the web pages in tests: CSRF tokens, signing in, posting forms, and the usual steps
of a case (intake, opening a case, enrolment with an appointment, a completed NORR)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.services import find_user
from tests.factories import CALM, PASSWORD, norr_answers

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token from the form on `path`."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the sign-in form; the response is a redirect when it worked."""
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def id_in(location: str) -> str:
    """The first id in `location` (a redirect's target)."""
    match = re.search(UUID, location)
    assert match, location
    return match.group(0)


def post_form(
    client: FlaskClient, path: str, data: dict[str, object], *, form_on: str | None = None
):
    """POST `data` with the CSRF token of the form on `form_on` (default: `path`)."""
    token = csrf_token(client, form_on or path)
    return client.post(path, data={**data, "csrf_token": token})


def intake(client: FlaskClient, given: str, family: str, **extra: object) -> str:
    """Register a client, record consent; returns the client id (the intake basket holds it)."""
    response = post_form(
        client,
        "/intake",
        {"given_name": given, "family_name": family, "birth_year": 1985, **extra},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client_id = id_in(response.headers["Location"])
    response = post_form(
        client,
        f"/clients/{client_id}/consent",
        {"purpose": "support_services", "legal_basis": "consent", "notice_version": "2026-01"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/new")
    return client_id


def open_case(client: FlaskClient, kind: str = "individual", roles: int = 1) -> str:
    """Open a case with the participants gathered at intake; returns the case id."""
    data: dict[str, object] = {"kind": kind, "referral_source": "self"}
    page = client.get("/cases/new").get_data(as_text=True)
    for index, client_id in enumerate(
        re.findall(rf'name="participants-(\d+)-client_id" type="hidden" value="({UUID})"', page)
    ):
        data[f"participants-{client_id[0]}-client_id"] = client_id[1]
        data[f"participants-{client_id[0]}-role"] = "partner"
        assert index < roles
    response = post_form(client, "/cases/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return id_in(response.headers["Location"])


def enrol_and_schedule(
    client: FlaskClient, case_id: str, client_id: str, therapist_id: str, *, joint: bool = False
) -> str:
    """Enrol the client with the therapist and book an appointment; returns its id."""
    response = post_form(
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
    response = post_form(
        client, f"/cases/{case_id}/appointments", data, form_on=f"/cases/{case_id}"
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    return re.findall(rf"/appointments/({UUID})", page)[-1]


def user_id(app: Flask, email: str) -> str:
    """The id of the account with `email`."""
    with app.app_context():
        user = find_user(email)
        assert user is not None
        return str(user.id)


def complete_norr(
    client: FlaskClient, app: Flask, case_id: str, client_id: str, **flags: str
) -> str:
    """Start and complete a NORR with all lowest-risk answers; returns the assessment id."""
    response = post_form(
        client,
        f"/cases/{case_id}/assessments",
        {"instrument": "norr", "client": client_id, **flags},
        form_on=f"/cases/{case_id}",
    )
    form_path = response.headers["Location"]
    with app.app_context():
        vector = norr_answers(CALM)
    answers = {f"item-{key}": value for key, value in vector.items() if value is not None}
    response = post_form(client, form_path, {**answers, "version": "1", "action": "complete"})
    assert response.headers["Location"].endswith("/result"), response.get_data(as_text=True)
    return id_in(form_path)
