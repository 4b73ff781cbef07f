"""The case manager's and therapist's journey through the API, with its error answers."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Role, User
from casework.auth.services import create_api_token, get_or_create_team
from casework.db import db, utcnow
from tests.factories import VIOLENT, make_user, norr_answers
from tests.pages import csrf_token


def _staff(app: Flask) -> dict[str, dict[str, str]]:
    with app.app_context():
        team = get_or_create_team("Journey team")
        people = {}
        for name, role in (
            ("manager", Role.CASE_MANAGER),
            ("therapist", Role.THERAPIST),
            ("supervisor", Role.SUPERVISOR),
        ):
            user = make_user(roles=(role,), team=team)
            people[name] = {
                "id": str(user.id),
                "Authorization": "Bearer " + create_api_token(user, name="t")[1],
            }
        db.session.commit()
    return people


def _as(person: dict[str, str]) -> dict[str, str]:
    return {"Authorization": person["Authorization"]}


def test_intake_to_signed_note_through_the_api(app: Flask) -> None:
    staff = _staff(app)
    api = app.test_client()
    manager, therapist = _as(staff["manager"]), _as(staff["therapist"])

    person = {
        "given_name": "Olena",
        "family_name": "Shevchenko",
        "birth_year": 1990,
        "gender": "female",
        "phone": "+380 67 123 4567",
        "languages": ["uk", "pl"],
        "migration_reason": "war",
        "nationality": "UA",
    }
    created = api.post("/api/v1/clients", json=person, headers=manager)
    assert created.status_code == 201, created.json
    client_id = created.json["id"]
    duplicate = api.post(
        "/api/v1/clients",
        json={**person, "given_name": "Olena", "family_name": "ШЕВЧЕНКО"},
        headers=manager,
    )
    assert duplicate.status_code == 409
    assert duplicate.json["candidates"][0]["id"] == client_id
    assert set(duplicate.json["candidates"][0]["matched_on"]) == {"phone", "surname_birth_year"}

    case_body = {
        "kind": "individual",
        "participants": [{"client_id": client_id, "role": "other"}],
        "referral_source": "ngo",
        "children_in_household": True,
    }
    refused = api.post("/api/v1/cases", json=case_body, headers=manager)
    assert refused.status_code == 409 and "no valid consent" in refused.json["detail"]
    consent = api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "support_services", "notice_version": "2026-01"},
        headers=manager,
    )
    assert consent.status_code == 201
    case = api.post("/api/v1/cases", json=case_body, headers=manager).json
    assert case["state"] == "intake" and case["reference"].startswith("CR/")

    illegal = api.post(
        f"/api/v1/cases/{case['id']}/transitions",
        json={"to": "active", "version": case["version"]},
        headers=manager,
    )
    assert illegal.status_code == 409
    assert illegal.json["detail"] == (
        "a case cannot move from intake to active; allowed: assessment, on_hold, closed"
    )

    started = api.post(
        f"/api/v1/cases/{case['id']}/assessments",
        json={"instrument_id": "norr", "client_id": client_id},
        headers=manager,
    ).json
    invalid = api.patch(
        f"/api/v1/assessments/{started['id']}",
        json={"answers": {"nonexistent": "yes"}, "version": started["version"]},
        headers=manager,
    )
    assert invalid.status_code == 422 and "answers.nonexistent" in invalid.json["errors"]
    with app.app_context():
        answers = norr_answers(VIOLENT)
    saved = api.patch(
        f"/api/v1/assessments/{started['id']}",
        json={"answers": answers, "version": started["version"]},
        headers=manager,
    ).json
    stale = api.patch(
        f"/api/v1/assessments/{started['id']}",
        json={"answers": {}, "version": started["version"]},
        headers=manager,
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.json["detail"]
    completed = api.post(
        f"/api/v1/assessments/{started['id']}/completion",
        json={"version": saved["version"]},
        headers=manager,
    ).json
    assert completed["level"] == "very_high"
    assert completed["result"]["mandatory_actions"][0]["code"] == "safety_plan_niebieska_karta"
    recs = api.get(f"/api/v1/cases/{case['id']}/recommendations", headers=manager).json
    safety = next(r for r in recs if r["kind"] == "mandatory")
    assert safety["service_code"] == "safety_planning"
    accepted = api.post(
        f"/api/v1/recommendations/{safety['id']}/decision",
        json={"accept": True, "reason": "agreed with client", "version": safety["version"]},
        headers=manager,
    )
    assert accepted.json["decision"] == "accepted"

    enrolment = api.post(
        f"/api/v1/cases/{case['id']}/enrolments",
        json={
            "client_id": client_id,
            "service_code": "individual_counselling",
            "practitioner_id": staff["therapist"]["id"],
        },
        headers=manager,
    ).json
    assert api.get(f"/api/v1/cases/{case['id']}", headers=manager).json["state"] == "active"
    start = utcnow() - timedelta(hours=1)
    appointment = api.post(
        f"/api/v1/enrolments/{enrolment['id']}/appointments",
        json={
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=50)).isoformat(),
            "mode": "in_person",
            "place": "Room 3",
        },
        headers=therapist,
    ).json
    agenda = api.get(
        "/api/v1/appointments",
        query_string={
            "starts_from": (start - timedelta(hours=1)).isoformat(),
            "starts_before": (start + timedelta(hours=1)).isoformat(),
        },
        headers=therapist,
    ).json
    assert [a["id"] for a in agenda["items"]] == [appointment["id"]]
    note = api.post(
        f"/api/v1/appointments/{appointment['id']}/notes",
        json={"kind": "progress", "body": "Safety plan discussed."},
        headers=therapist,
    ).json
    signed = api.post(
        f"/api/v1/notes/{note['id']}/signature",
        json={"version": note["version"]},
        headers=therapist,
    ).json
    assert signed["state"] == "signed"
    immutable = api.patch(
        f"/api/v1/notes/{note['id']}",
        json={"body": "x", "version": signed["version"]},
        headers=therapist,
    )
    assert immutable.status_code == 409
    addendum = api.post(
        f"/api/v1/notes/{note['id']}/addenda", json={"body": "Date corrected."}, headers=therapist
    )
    assert addendum.status_code == 201
    read = api.get(f"/api/v1/notes/{note['id']}", headers=manager).json
    assert (
        read["body"] == "Safety plan discussed." and read["addenda"][0]["body"] == "Date corrected."
    )

    with app.app_context():
        reads = db.session.scalar(select(func.count()).where(AuditEvent.action == "note.read"))
    assert reads == 1


def test_tokens_are_shown_once_and_revocable(app: Flask, client, login_as) -> None:
    api = app.test_client()
    staff = _staff(app)
    # A token cannot mint tokens (they would outlive its expiry); a freshly signed-in session can.
    refused = api.post("/api/v1/tokens", json={"name": "script"}, headers=_as(staff["manager"]))
    assert refused.status_code == 403
    login_as(Role.CASE_MANAGER)  # a token is made in a freshly signed-in session, not by a token
    created = client.post(
        "/api/v1/tokens", json={"name": "script"}, headers={"X-CSRFToken": csrf_token(client, "/")}
    )
    assert created.status_code == 201 and created.json["token"].startswith("cwk_")
    new = {"Authorization": "Bearer " + created.json["token"]}
    assert api.get("/api/v1/cases", headers=new).status_code == 200
    listed = api.get("/api/v1/tokens", headers=new).json
    assert all("token" not in item for item in listed["items"])
    assert api.delete(f"/api/v1/tokens/{created.json['id']}", headers=new).status_code == 200
    assert api.get("/api/v1/cases", headers=new).status_code == 401
    assert (
        api.get("/api/v1/cases", headers={"Authorization": "Bearer cwk_forged"}).status_code == 401
    )


def test_session_authenticated_changes_need_the_csrf_token(app: Flask, client, login_as) -> None:
    login_as(Role.CASE_MANAGER)
    body = {"given_name": "A", "family_name": "B", "confirm_new": True}
    refused = client.post("/api/v1/clients", json=body)
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    token = csrf_token(client, "/")
    assert (
        client.post("/api/v1/clients", json=body, headers={"X-CSRFToken": token}).status_code == 201
    )
    assert client.get("/api/v1/cases").status_code == 200


def test_bad_input_gets_field_messages_never_a_500(app: Flask) -> None:
    staff = _staff(app)
    api = app.test_client()
    manager = _as(staff["manager"])
    for body in (
        {},
        {"given_name": ""},
        {"given_name": "A", "family_name": "B", "birth_year": "x"},
        {"given_name": "A", "family_name": "B", "nationality": "Poland"},
        [1, 2],
        "text",
    ):
        response = api.post("/api/v1/clients", json=body, headers=manager)
        assert response.status_code == 422, (body, response.status_code)
        assert response.json["errors"]
    assert (
        api.get("/api/v1/cases", query_string={"cursor": "!!!"}, headers=manager).status_code == 400
    )
    assert api.get("/api/v1/cases", query_string={"limit": 0}, headers=manager).status_code == 422
    assert api.get("/api/v1/cases/not-a-uuid", headers=manager).status_code == 404
    assert api.post(
        "/api/v1/clients", data="{broken", content_type="application/json", headers=manager
    ).status_code in (400, 422)


def test_reading_a_client_writes_one_audit_event_with_field_names_only(app: Flask) -> None:
    staff = _staff(app)
    api = app.test_client()
    manager = _as(staff["manager"])
    created = api.post(
        "/api/v1/clients",
        json={"given_name": "Jadwiga", "family_name": "Sowa", "confirm_new": True},
        headers=manager,
    ).json
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert (
        api.get(f"/api/v1/clients/{created['id']}", headers=manager).json["family_name"] == "Sowa"
    )
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
        assert [(e.action, e.object_id) for e in events] == [("client.read", created["id"])]
        assert "family_name" in events[0].fields and events[0].client_pseudonym
        assert "Sowa" not in repr(events[0].chained_fields())
        assert events[0].actor_id is not None and events[0].request_id


def test_a_new_password_ends_the_api_tokens_made_before_it(app: Flask) -> None:

    from casework.auth.services import change_password
    from tests.factories import PASSWORD

    staff = _staff(app)
    api = app.test_client()
    assert api.get("/api/v1/cases", headers=_as(staff["manager"])).status_code == 200
    with app.app_context():
        user = db.session.get(User, uuid.UUID(staff["manager"]["id"]))
        change_password(user, current_password=PASSWORD, new_password="another long passphrase")
        db.session.commit()
    assert api.get("/api/v1/cases", headers=_as(staff["manager"])).status_code == 401
