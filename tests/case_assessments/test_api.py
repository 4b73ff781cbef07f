"""The assessment and recommendation API: versioned changes need the version they are based on."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from casework.auth.services import create_api_token
from casework.case_assessments.services import assessments, recommendations
from casework.db import db
from tests.factories import VIOLENT, make_case, norr_answers, staff


@pytest.fixture
def routed(app: Flask, team) -> dict[str, Any]:
    """A case routed on a violent NORR result, a fresh draft, and the manager's bearer token."""
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        done = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        assessments.submit_answers(
            manager,
            done.id,
            norr_answers(VIOLENT),
            expected_version=done.version,
            complete=True,
        )
        draft = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        safety = next(
            r
            for r in recommendations.recommendations_of(manager, case.id, joint=False)
            if r.kind.value == "mandatory"
        )
        token = create_api_token(manager, name="test")[1]
        db.session.commit()
        return {
            "draft": str(draft.id),
            "recommendation": str(safety.id),
            "headers": {"Authorization": f"Bearer {token}"},
        }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/api/v1/assessments/{draft}", {"answers": {}}),
        ("POST", "/api/v1/assessments/{draft}/completion", {}),
        (
            "POST",
            "/api/v1/recommendations/{recommendation}/decision",
            {"accept": True, "reason": "ok"},
        ),
        (
            "POST",
            "/api/v1/recommendations/{recommendation}/decline-confirmation",
            {"confirm": True, "reason": "ok"},
        ),
    ],
)
def test_a_versioned_change_without_its_version_is_refused(
    app: Flask, routed: dict[str, Any], method: str, path: str, body: dict[str, Any]
) -> None:
    response = app.test_client().open(
        path.format(**routed), method=method, json=body, headers=routed["headers"]
    )
    assert response.status_code == 422
    assert "version" in response.json["errors"]["json"]
