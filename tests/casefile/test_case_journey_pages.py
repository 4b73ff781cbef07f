"""The case page through the test client: a case manager's journey from intake to enrolment,
the joint view, closing with the comparison, and the page of a case one may not see."""

from __future__ import annotations

import re
import uuid

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Role
from tests.factories import PASSWORD, VIOLENT, norr_answers
from tests.pages import (
    UUID,
    complete_norr,
    csrf_token,
    enrol_and_schedule,
    id_in,
    intake,
    open_case,
    post_form,
    sign_in,
    user_id,
)


def test_case_manager_journey_intake_duplicate_norr_very_high_accept_and_enrol(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    intake(client, "Anna", "Kowalska", phone="600 100 200")
    # the same phone again: the duplicate is shown, with the first client's name
    response = post_form(
        client, "/intake", {"given_name": "Ania", "family_name": "Nowak", "phone": "+48600100200"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Possible duplicates" in page and "Kowalska" in page
    case_id = open_case(client)
    case_page = client.get(f"/cases/{case_id}")
    assert case_page.headers["Cache-Control"] == "no-store"
    assert "Kowalska" not in re.search(
        r"<title>(.*?)</title>", case_page.get_data(as_text=True)
    ).group(1)
    client_id = re.search(rf'/clients/({UUID})"', case_page.get_data(as_text=True)).group(1)

    response = post_form(
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
    response = post_form(client, form_path, {**answers, "version": "1", "action": "save"})
    assert response.status_code == 302
    version = re.search(
        r'name="version" type="hidden" value="(\d+)"', client.get(form_path).get_data(as_text=True)
    ).group(1)
    response = post_form(client, form_path, {**answers, "version": version, "action": "complete"})
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
        response = post_form(
            client,
            f"/recommendations/{recommendation_id}/decide",
            {
                "decision": "accept",
                "version": version,
                "reason": "",
                "assessment_id": id_in(form_path),
            },
            form_on=f"/cases/{case_id}",
        )
        assert response.status_code == 302
    assert "Nothing to decide." in client.get("/").get_data(as_text=True)

    therapist_id = user_id(app, team_emails["therapist"])
    enrol_and_schedule(client, case_id, client_id, therapist_id)
    case_html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Enrolment" in case_html and "Appointment" in case_html


def test_an_individual_disclosure_is_absent_from_the_joint_view(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    first = intake(client, "Ewa", "Wiśniewska")
    client.get("/intake")
    intake(client, "Piotr", "Wiśniewski")
    case_id = open_case(client, kind="couple", roles=2)
    appointment_id = enrol_and_schedule(
        client, case_id, first, user_id(app, team_emails["therapist"]), joint=True
    )
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, team_emails["therapist"], PASSWORD)
    path = f"/appointments/{appointment_id}"
    note = post_form(
        client,
        path,
        {"kind": "progress", "body": "Said alone: afraid at home.", "is_individual": "y"},
    )
    post_form(
        client,
        note.headers["Location"],
        {"action": "sign", "version": "1", "body": "Said alone: afraid at home."},
    )
    joint_note = post_form(
        client, path, {"kind": "progress", "body": "Worked together on listening."}
    )
    post_form(
        client,
        joint_note.headers["Location"],
        {"action": "sign", "version": "1", "body": "Worked together on listening."},
    )
    full = client.get(f"/cases/{case_id}").get_data(as_text=True)
    joint = client.get(f"/cases/{case_id}?view=joint").get_data(as_text=True)
    assert "afraid at home" in full and "Worked together" in full
    assert "afraid at home" not in joint and "Worked together" in joint


def test_closing_compares_the_closing_reassessment_with_the_first(
    app: Flask, client: FlaskClient, team_emails: dict[str, str]
) -> None:
    sign_in(client, team_emails["manager"], PASSWORD)
    client_id = intake(client, "Halina", "Nowicka")
    case_id = open_case(client)
    complete_norr(client, app, case_id, client_id)
    assert "No closing reassessment yet" in client.get(f"/cases/{case_id}/close").get_data(
        as_text=True
    )
    closing_id = complete_norr(client, app, case_id, client_id, is_closing="y")
    close_page = client.get(f"/cases/{case_id}/close").get_data(as_text=True)
    assert f"/cases/{case_id}/compare/{closing_id}" in close_page
    comparison = client.get(f"/cases/{case_id}/compare/{closing_id}").get_data(as_text=True)
    assert "Closing reassessment compared with the first" in comparison
    assert comparison.count("Low risk") >= 2
    version = re.search(r'name="version" value="(\d+)"', close_page).group(1)
    response = post_form(
        client,
        f"/cases/{case_id}/close",
        {"outcome": "goals_achieved", "reason": "Goals met.", "version": version},
    )
    assert response.status_code == 302
    assert "Reopen the case" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_hidden_and_missing_objects_show_the_friendly_404(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    response = client.get(f"/cases/{uuid.uuid4()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Wróć do mojej pracy" in page  # the user's language
    assert "you may break the glass" not in page  # Polish here; the link is there:
    assert "/break-glass" in page
