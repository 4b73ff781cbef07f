"""The REST API over tasks and the exclusion refusal: same rules as the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from casework.auth.services import create_api_token
from casework.clock import centre_today
from casework.db import db


@pytest.fixture
def api_world(app: Flask, safety_case) -> dict[str, Any]:
    with app.app_context():
        world = safety_case()
        headers = {
            name: {"Authorization": "Bearer " + create_api_token(user, name="t")[1]}
            for name, user in (
                ("manager", world.manager),
                ("supervisor", world.supervisor),
                ("therapist", world.therapist),
            )
        }
        ids = {
            "case": str(world.case.id),
            "partner": str(world.case.client_ids[1]),
            "therapist": str(world.therapist.id),
            "safety_plan": str(world.safety_plan.id),
            "today": centre_today(),
        }
        db.session.commit()
    return {"headers": headers, **ids}


def test_enrolling_in_an_excluded_service_is_refused_then_a_supervisor_overrides(
    app: Flask, api_world: dict[str, Any]
) -> None:
    api = app.test_client()
    url = f"/api/v1/cases/{api_world['case']}/enrolments"
    body = {
        "client_id": api_world["partner"],
        "service_code": "couples_therapy",
        "practitioner_id": api_world["therapist"],
    }
    refused = api.post(url, json=body, headers=api_world["headers"]["manager"])
    assert refused.status_code == 409
    assert "Violence was disclosed" in refused.json["detail"]
    not_theirs = api.post(
        url, json={**body, "override_reason": "insists"}, headers=api_world["headers"]["manager"]
    )
    assert not_theirs.status_code == 403
    overridden = api.post(
        url,
        json={**body, "override_reason": "Agreed in the team meeting"},
        headers=api_world["headers"]["supervisor"],
    )
    assert overridden.status_code == 201, overridden.json


def test_tasks_of_a_case_and_mine_and_done_needs_its_version(
    app: Flask, api_world: dict[str, Any]
) -> None:
    api = app.test_client()
    manager = api_world["headers"]["manager"]
    tasks = api.get(f"/api/v1/cases/{api_world['case']}/tasks", headers=manager).json
    assert [t["kind"] for t in tasks][:2] == ["safety_plan", "blue_card"]
    mine = api.get("/api/v1/tasks/mine", headers=manager).json
    assert {line["task"]["id"] for line in mine["due_this_week"] + mine["overdue"]} >= {
        api_world["safety_plan"]
    }
    url = f"/api/v1/tasks/{api_world['safety_plan']}/done"
    body = {"done_on": api_world["today"].isoformat(), "note": "Plan agreed"}
    missing = api.post(url, json=body, headers=manager)
    assert missing.status_code == 422 and "version" in missing.json["errors"]["json"]
    done = api.post(url, json={**body, "version": 1}, headers=manager)
    assert done.status_code == 200 and done.json["state"] == "done"


def test_a_therapist_adds_no_task_but_a_manager_does(app: Flask, api_world: dict[str, Any]) -> None:
    api = app.test_client()
    url = f"/api/v1/cases/{api_world['case']}/tasks"
    body = {
        "kind": "reassessment",
        "title": "NORR again",
        "owner_id": api_world["therapist"],
        "due_on": (api_world["today"] + timedelta(days=90)).isoformat(),
    }
    assert api.post(url, json=body, headers=api_world["headers"]["therapist"]).status_code == 403
    added = api.post(url, json=body, headers=api_world["headers"]["manager"])
    assert added.status_code == 201 and added.json["title"] == "NORR again"
    wrong_kind = api.post(
        url, json={**body, "kind": "safety_plan"}, headers=api_world["headers"]["manager"]
    )
    assert wrong_kind.status_code == 422
