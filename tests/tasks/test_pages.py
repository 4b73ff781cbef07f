"""Tasks on the pages: "my work" lists one's overdue tasks and those due this week, a supervisor
their teams' overdue safety actions; the case plan takes goals and tasks from its form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.clock import centre_today
from casework.db import db
from tests.factories import PASSWORD
from tests.pages import post_form, sign_in


@pytest.fixture
def overdue_world(app: Flask, safety_case, team_emails: dict[str, str]) -> dict[str, Any]:
    with app.app_context():
        world = safety_case()
        world.safety_plan.due_on = centre_today() - timedelta(days=2)
        ids = {
            "case": str(world.case.id),
            "reference": world.case.reference,
            "therapist": str(world.therapist.id),
            "today": centre_today(),
        }
        db.session.commit()
    return ids | {"emails": team_emails}


def test_my_work_lists_my_overdue_safety_task_and_what_is_due_this_week(
    client: FlaskClient, overdue_world: dict[str, Any]
) -> None:
    sign_in(client, overdue_world["emails"]["manager"], PASSWORD)
    page = client.get("/").get_data(as_text=True)
    section = page[page.index("My tasks") :]
    overdue = section[section.index("Overdue") : section.index("Due this week")]
    assert overdue_world["reference"] in overdue and "Safety plan" in overdue
    assert "Blue Card procedure" not in overdue
    assert "safety_plan" not in page and "blue_card" not in page  # labels, never codes


def test_a_supervisor_sees_the_overdue_safety_actions_of_the_team(
    client: FlaskClient, overdue_world: dict[str, Any]
) -> None:
    sign_in(client, overdue_world["emails"]["supervisor"], PASSWORD)
    page = client.get("/").get_data(as_text=True)
    section = page[page.index("Overdue safety actions in my teams") :]
    assert overdue_world["reference"] in section and "Safety plan" in section


def test_the_caseload_dashboard_lists_the_teams_overdue_safety_actions_with_links(
    client: FlaskClient, overdue_world: dict[str, Any]
) -> None:
    sign_in(client, overdue_world["emails"]["supervisor"], PASSWORD)
    page = client.get("/caseload").get_data(as_text=True)
    section = page[page.index('data-slot="overdue-safety"') :]
    section = section[: section.index("</section>")]
    assert f'href="/cases/{overdue_world["case"]}"' in section
    assert overdue_world["reference"] in section and "Safety plan" in section
    assert "safety_plan" not in section


def test_the_case_plan_takes_a_goal_and_a_follow_up_for_the_therapist(
    client: FlaskClient, overdue_world: dict[str, Any]
) -> None:
    sign_in(client, overdue_world["emails"]["manager"], PASSWORD)
    case_path = f"/cases/{overdue_world['case']}"
    response = post_form(
        client,
        f"{case_path}/goals",
        {"goal-text": "Safe contact with the children"},
        form_on=case_path,
    )
    assert response.status_code == 302
    due = (overdue_world["today"] + timedelta(days=3)).isoformat()
    response = post_form(
        client,
        f"{case_path}/tasks",
        {
            "task-kind": "follow_up",
            "task-title": "Call about the court date",
            "task-owner": overdue_world["therapist"],
            "task-due_on": due,
            "task-goal": "",
        },
        form_on=case_path,
    )
    assert response.status_code == 302
    page = client.get(case_path).get_data(as_text=True)
    assert "Safe contact with the children" in page
    assert "Follow-up: Call about the court date" in page
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, overdue_world["emails"]["therapist"], PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert "Call about the court date" in home[home.index("Due this week") :]


def _token(client: FlaskClient) -> str:
    from tests.pages import csrf_token

    return csrf_token(client, "/")
