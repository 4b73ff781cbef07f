"""The case page with teeth: safety tasks at the top until done, an exclusion warned about and
refused unless a supervisor overrides it (shown on the case), an accepted recommendation opening
a prefilled enrolment, and each role offered only the actions it may take."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, User
from casework.care.services import enrolments
from casework.case_assessments.models import Decision, Recommendation
from casework.cases.models import CaseKind
from casework.catalogue.models import Service
from casework.clock import centre_today
from casework.db import db
from casework.tasks.models import Task, TaskKind
from casework.web.collation import collation_key
from tests.factories import PASSWORD, VIOLENT, make_assessment, make_case, staff
from tests.pages import UUID, csrf_token, post_form, sign_in


@pytest.fixture
def violent_couple(app: Flask, team: dict[str, Any], team_emails: dict[str, str]) -> dict:
    """A couple case where violence was disclosed; the team's therapist works with the first
    partner. Ids, committed."""
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        assessment = make_assessment(manager, case, VIOLENT)
        enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=team["therapist"],
        )
        safety_plan = db.session.scalar(
            select(Task).where(Task.case_id == case.id, Task.kind == TaskKind.SAFETY_PLAN)
        )
        ids = {
            "case": str(case.id),
            "partner": str(case.client_ids[1]),
            "therapist": str(team["therapist"]),
            "safety_plan": str(safety_plan.id),
            "reference": case.reference,
            "assessment": str(assessment.id),
        }
        db.session.commit()
    return ids | {"emails": team_emails}


def _enrol(client: FlaskClient, world: dict, **extra: str):
    path = f"/cases/{world['case']}/enrol"
    return post_form(
        client,
        path,
        {
            "enrol-client": world["partner"],
            "enrol-service": "couples_therapy",
            "enrol-practitioner": world["therapist"],
            **extra,
        },
    )


def test_the_case_page_starts_with_the_safety_tasks_and_warns_of_the_exclusion(
    client: FlaskClient, violent_couple: dict
) -> None:
    sign_in(client, violent_couple["emails"]["manager"], PASSWORD)
    page = client.get(f"/cases/{violent_couple['case']}").get_data(as_text=True)
    assert page.index("Safety actions to do") < page.index("Participants")
    top = page[page.index("Safety actions to do") : page.index("Participants")]
    assert "Safety plan" in top and "Blue Card procedure (Niebieska Karta)" in top
    assert "Mark done" in top
    assert "The latest assessment rules out:" in page and "Violence was disclosed" in page
    assert re.search(r'<option value="couples_therapy">[^<]*— ruled out</option>', page)
    assert 'name="enrol-override_reason"' not in page  # only a supervisor may override
    assert page.count('id="client"') <= 1  # the enrolment form's lists carry their own ids


def test_a_case_manager_is_refused_the_excluded_service_and_a_supervisor_overrides_it(
    client: FlaskClient, violent_couple: dict
) -> None:
    emails = violent_couple["emails"]
    sign_in(client, emails["manager"], PASSWORD)
    refused = _enrol(client, violent_couple)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "The latest assessment rules this service out: Violence was disclosed" in text
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, emails["supervisor"], PASSWORD)
    page = client.get(f"/cases/{violent_couple['case']}").get_data(as_text=True)
    assert 'name="enrol-override_reason"' in page
    done = _enrol(
        client, violent_couple, **{"enrol-override_reason": "Agreed with the safety team"}
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    page = client.get(f"/cases/{violent_couple['case']}").get_data(as_text=True)
    assert "Exclusions overridden" in page and "Agreed with the safety team" in page


def test_a_safety_task_marked_done_leaves_the_top_of_the_case_page(
    app: Flask, client: FlaskClient, violent_couple: dict
) -> None:
    sign_in(client, violent_couple["emails"]["manager"], PASSWORD)
    case_path = f"/cases/{violent_couple['case']}"
    with app.app_context():
        today = centre_today()
    response = post_form(
        client,
        f"{case_path}/tasks/{violent_couple['safety_plan']}/done",
        {"version": "1", "done_on": today.isoformat(), "note": "Plan agreed with her"},
        form_on=case_path,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#plan")
    page = client.get(case_path).get_data(as_text=True)
    top = page[page.index("Safety actions to do") : page.index("Participants")]
    assert "Safety plan" not in top and "Blue Card procedure" in top
    assert "Plan agreed with her" in page  # in the case plan, as done


def test_a_therapist_is_offered_no_managers_actions(
    client: FlaskClient, violent_couple: dict
) -> None:
    sign_in(client, violent_couple["emails"]["therapist"], PASSWORD)
    page = client.get(f"/cases/{violent_couple['case']}").get_data(as_text=True)
    for action in (
        "Close the case",
        "Enrol in a service",
        "Change the state",
        "Decide on the recommendations",
        "Add the task",
        "Mark done",
    ):
        assert action not in page, action
    assert "Start an assessment" in page  # they work with one of the partners
    assert "Safety actions to do" in page  # and see what is still to do
    result = client.get(f"/assessments/{violent_couple['assessment']}/result")
    text = result.get_data(as_text=True)
    assert result.status_code == 200 and "Recommendations" in text
    assert 'value="accept"' not in text and "Add a service" not in text


def test_the_case_manager_decides_on_the_result_page_but_confirms_no_decline(
    client: FlaskClient, violent_couple: dict
) -> None:
    sign_in(client, violent_couple["emails"]["manager"], PASSWORD)
    text = client.get(f"/assessments/{violent_couple['assessment']}/result").get_data(as_text=True)
    assert 'value="accept"' in text and "Add a service" in text
    assert 'value="confirm"' not in text


def test_the_supervisor_may_reassign_and_override_but_sees_the_same_tasks(
    client: FlaskClient, violent_couple: dict
) -> None:
    sign_in(client, violent_couple["emails"]["supervisor"], PASSWORD)
    page = client.get(f"/cases/{violent_couple['case']}").get_data(as_text=True)
    assert "Reassign the case" in page and "Close the case" in page and "Mark done" in page


def test_accepting_a_recommendation_opens_the_enrolment_prefilled_with_services_by_name(
    app: Flask, client: FlaskClient, violent_couple: dict
) -> None:
    with app.app_context():
        manager = db.session.scalar(
            select(User).where(User.email == violent_couple["emails"]["manager"])
        )
        manager.preferred_language = Language.PL
        recommendation = db.session.scalar(
            select(Recommendation).where(
                Recommendation.case_id == uuid.UUID(violent_couple["case"]),
                Recommendation.decision == Decision.PENDING,
                Recommendation.service_code == "individual_counselling",
            )
        )
        assert recommendation is not None, "NORR recommends individual support after violence"
        recommendation_id, version = str(recommendation.id), recommendation.version
        services = {s.code: s.name["pl"] for s in db.session.scalars(select(Service))}
        db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    sign_in(client, violent_couple["emails"]["manager"], PASSWORD)
    response = post_form(
        client,
        f"/recommendations/{recommendation_id}/decide",
        {"decision": "accept", "version": str(version), "reason": ""},
        form_on=f"/cases/{violent_couple['case']}",
    )
    location = response.headers["Location"]
    assert location.endswith(
        f"/cases/{violent_couple['case']}/enrol?recommendation={recommendation_id}"
    )
    page = client.get(location).get_data(as_text=True)
    service_select = page[page.index('name="enrol-service"') :]
    service_select = service_select[: service_select.index("</select>")]
    assert re.search(r'<option selected value="individual_counselling"', service_select)
    codes = re.findall(r'<option (?:selected )?value="([a-z_]+)"', service_select)
    names = [services[code] for code in codes]
    assert names == sorted(names, key=lambda name: collation_key(name, "pl"))
    assert re.search(rf'name="enrol-client"[^>]*>.*?<option selected value="{UUID}"', page, re.S)
    # the partner's current therapist is proposed again
    therapist = violent_couple["therapist"]
    assert re.search(rf'<option selected value="{therapist}"', page)
