"""Choosing the cases a supervision record refers to, on the supervision form."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Role
from casework.db import db
from casework.supervision.models import SupervisedCase, SupervisionRecord
from tests.factories import make_case, make_user, staff
from tests.pages import csrf_token, sign_in

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def cases(app: Flask, team: dict) -> dict[str, tuple[str, str]]:
    """(id, reference) of a case of the team's case manager and of a case outside the team."""
    with app.app_context():
        ours = make_case(staff(team, "manager"))
        theirs = make_case(make_user(roles=(Role.CASE_MANAGER,)))
        db.session.commit()
        return {
            "ours": (str(ours.id), ours.reference),
            "theirs": (str(theirs.id), theirs.reference),
        }


def _post(client: FlaskClient, team_emails: dict, case_ids: list[str]):
    return client.post(
        "/supervision/new",
        data={
            "csrf_token": csrf_token(client, "/supervision/new"),
            "practitioner": team_emails["therapist_id"],
            "held_on": "2026-01-10",
            "notes": "The family's case, and what to try next.",
            "cases": case_ids,
        },
    )


def test_the_supervisor_chooses_the_cases_discussed(
    app: Flask, client: FlaskClient, team_emails: dict, cases: dict
) -> None:
    assert sign_in(client, team_emails["supervisor"]).status_code == 302
    page = client.get("/supervision/new").get_data(as_text=True)
    offered = page[page.index("data-cases") :]
    assert cases["ours"][1] in offered and f'value="{cases["ours"][0]}"' in offered
    assert cases["theirs"][1] not in page
    response = _post(client, team_emails, [cases["ours"][0]])
    assert response.status_code == 302
    record_id = re.search(rf"/supervision/({UUID})", response.headers["Location"])
    assert record_id
    shown = client.get(f"/supervision/{record_id.group(1)}").get_data(as_text=True)
    listed = shown[shown.index("data-cases") :]
    assert cases["ours"][1] in listed[: listed.index("</dd>")]
    with app.app_context():
        (row,) = db.session.scalars(select(SupervisedCase))
        assert row.case_id == uuid.UUID(cases["ours"][0])
    # the practitioner reads the record: a case they do not work on is counted, not named
    reader = app.test_client()
    assert sign_in(reader, team_emails["therapist"]).status_code == 302
    theirs = reader.get(f"/supervision/{record_id.group(1)}").get_data(as_text=True)
    assert cases["ours"][1] not in theirs and "Cases you do not have access to: 1" in theirs


def test_a_case_the_supervisor_cannot_see_is_refused_and_nothing_is_written(
    app: Flask, client: FlaskClient, team_emails: dict, cases: dict
) -> None:
    assert sign_in(client, team_emails["supervisor"]).status_code == 302
    for chosen in (cases["theirs"][0], str(uuid.uuid4())):
        response = _post(client, team_emails, [cases["ours"][0], chosen])
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="cases-error"' in page
        assert cases["theirs"][1] not in page
    with app.app_context():
        assert db.session.scalars(select(SupervisionRecord)).all() == []
