"""The assessment pages through Flask's test client: the questionnaire, the result and its
decisions, the closing comparison; a change without its version is refused."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, Role, User
from casework.case_assessments.models import (
    Assessment,
    Decision,
    Recommendation,
    RecommendationKind,
)
from casework.case_assessments.services import assessments
from casework.db import db
from tests.factories import CALM, VIOLENT, make_case, norr_answers
from tests.pages import csrf_token


@pytest.fixture
def draft(app: Flask, login_as) -> dict[str, Any]:
    """A signed-in case manager's case with a draft NORR assessment."""
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    with app.app_context():
        manager = db.session.get(User, user.id)
        case = make_case(manager)
        assessment = assessments.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        db.session.commit()
        return {"case": case.id, "assessment": assessment.id, "manager": user.id}


def _post(client: FlaskClient, path: str, data: dict[str, object], *, form_on: str) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_on)})


def _answers(app: Flask, vector: str) -> dict[str, object]:
    with app.app_context():
        answers = norr_answers(vector)
    return {f"item-{key}": value for key, value in answers.items() if value is not None}


def _stored(app: Flask, assessment_id: uuid.UUID) -> Assessment:
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        db.session.expunge(assessment)
        return assessment


def test_the_questionnaire_without_its_version_is_refused_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    path = f"/assessments/{draft['assessment']}"
    answers = _answers(app, CALM)
    response = _post(client, path, {**answers, "action": "save"}, form_on=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This page is out of date; reload it and try again." in page
    first_item, first_answer = next(iter(answers.items()))
    assert f'name="{first_item}" value="{first_answer}" checked' in page
    assert _stored(app, draft["assessment"]).version == 1


def test_the_questionnaire_saves_a_draft_then_completes_it(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    path = f"/assessments/{draft['assessment']}"
    answers = _answers(app, VIOLENT)
    saved = _post(client, path, {**answers, "version": "1", "action": "save"}, form_on=path)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(path)
    stale = _post(client, path, {**answers, "version": "1", "action": "complete"}, form_on=path)
    assert stale.status_code == 409 and "changed by someone else" in stale.get_data(as_text=True)
    done = _post(client, path, {**answers, "version": "2", "action": "complete"}, form_on=path)
    assert done.headers["Location"].endswith(f"{path}/result")
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-level="very_high"' in result
    assert "Safety planning / Niebieska Karta procedure" in result  # the service's name
    assert client.get(path).headers["Location"].endswith(f"{path}/result")


def test_an_answer_that_is_not_an_option_is_shown_beside_its_item(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    path = f"/assessments/{draft['assessment']}"
    answers = _answers(app, CALM)
    first_item = next(iter(answers))
    answers[first_item] = "nonsense"
    response = _post(client, path, {**answers, "version": "1", "action": "save"}, form_on=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="err-{first_item.removeprefix("item-")}"' in page
    assert "The answers with a problem are marked below." in page


def _decision_form(app: Flask, client: FlaskClient, draft: dict[str, Any]) -> tuple[str, str]:
    """Complete the draft; the result page's path and its mandatory recommendation's id."""
    path = f"/assessments/{draft['assessment']}"
    answers = _answers(app, VIOLENT)
    _post(client, path, {**answers, "version": "1", "action": "complete"}, form_on=path)
    with app.app_context():
        safety = db.session.scalars(
            select(Recommendation).where(
                Recommendation.case_id == draft["case"],
                Recommendation.kind == RecommendationKind.MANDATORY,
            )
        ).one()
        return f"{path}/result", str(safety.id)


def test_a_decision_without_its_version_is_a_message_and_changes_nothing(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    result_path, safety_id = _decision_form(app, client, draft)
    form = {"decision": "accept", "reason": "", "assessment_id": str(draft["assessment"])}
    refused = _post(client, f"/recommendations/{safety_id}/decide", form, form_on=result_path)
    assert refused.headers["Location"].endswith(f"{result_path}#recommendations")
    page = client.get(result_path).get_data(as_text=True)
    assert "This page is out of date; reload it and try again." in page
    version = re.search(
        rf'/recommendations/{safety_id}/decide">\s*<input[^>]*>\s*'
        r'<input type="hidden" name="version" value="(\d+)"',
        page,
    ).group(1)
    accepted = _post(
        client,
        f"/recommendations/{safety_id}/decide",
        {**form, "version": version},
        form_on=result_path,
    )
    assert accepted.status_code == 302
    assert "The decision is saved." in client.get(result_path).get_data(as_text=True)
    with app.app_context():
        recommendation = db.session.get(Recommendation, uuid.UUID(safety_id))
        assert recommendation is not None
        assert recommendation.decision == Decision.ACCEPTED
        assert recommendation.decision_reason == "Accepted as recommended."


def test_a_service_added_without_a_reason_is_a_message(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    result_path, _ = _decision_form(app, client, draft)
    response = _post(
        client,
        f"/cases/{draft['case']}/recommendations",
        {
            "service": "individual_counselling",
            "reason": "",
            "assessment_id": str(draft["assessment"]),
        },
        form_on=result_path,
    )
    assert response.headers["Location"].endswith(f"{result_path}#recommendations")
    assert "This field is required." in client.get(result_path).get_data(as_text=True)


def test_the_closing_comparison_names_levels_and_scales_in_the_page_language(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    path = f"/assessments/{draft['assessment']}"
    _post(
        client, path, {**_answers(app, VIOLENT), "version": "1", "action": "complete"}, form_on=path
    )
    with app.app_context():
        manager = db.session.get(User, draft["manager"])
        case_id = draft["case"]
        closing = assessments.start_assessment(
            manager,
            case_id,
            instrument_id="norr",
            client_id=db.session.get(Assessment, draft["assessment"]).client_id,
            is_closing=True,
        )
        assessments.submit_answers(
            manager, closing.id, norr_answers(CALM), expected_version=1, complete=True
        )
        db.session.commit()
        closing_id = closing.id
    page = client.get(f"/cases/{case_id}/compare/{closing_id}").get_data(as_text=True)
    assert "Closing reassessment compared with the first" in page
    assert "Low risk" in page and "Very high risk" in page
