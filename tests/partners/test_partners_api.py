"""The partner API with the new event fields (online, organising partners, reach by language)
and institution corrections, called by a coordinator with a personal API token."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Role
from casework.auth.tokens import create_api_token
from casework.db import db
from tests.factories import make_user


def _coordinator(app: Flask) -> dict[str, str]:
    with app.app_context():
        user = make_user(roles=(Role.COORDINATOR,))
        token = create_api_token(user, name="t")[1]
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_a_coordinator_records_an_online_event_with_partners_and_reach(
    app: Flask, client: FlaskClient
) -> None:
    auth = _coordinator(app)
    made = client.post(
        "/api/v1/partner-institutions",
        json={"name": "Fundacja Migrant", "kind": "ngo"},
        headers=auth,
    )
    assert made.status_code == 201, made.json
    partner = made.json["id"]
    event = client.post(
        "/api/v1/events",
        json={
            "title": "Work rights webinar",
            "kind": "webinar",
            "held_on": "2026-11-02",
            "headcount": 50,
            "online": True,
            "partner_ids": [partner],
            "reach": {"uk": 30, "ru": 5},
        },
        headers=auth,
    )
    assert event.status_code == 201, event.json
    assert event.json["online"] is True
    assert event.json["partner_ids"] == [partner]
    assert event.json["reach"] == {"ru": 5, "uk": 30}
    listed = client.get("/api/v1/events?kind=webinar", headers=auth).json["items"]
    assert [e["title"] for e in listed] == ["Work rights webinar"]

    over = client.post(
        "/api/v1/events",
        json={
            "title": "Too many",
            "kind": "media_item",
            "held_on": "2026-11-02",
            "headcount": 10,
            "reach": {"uk": 11},
        },
        headers=auth,
    )
    assert over.status_code == 422
    unknown = client.post(
        "/api/v1/events",
        json={
            "title": "Ghost partner",
            "kind": "publication",
            "held_on": "2026-11-02",
            "headcount": 10,
            "partner_ids": ["00000000-0000-4000-8000-000000000000"],
        },
        headers=auth,
    )
    assert unknown.status_code == 422
    old = client.post(
        "/api/v1/events",
        json={"title": "Plain", "kind": "lecture", "held_on": "2026-11-01", "headcount": 9},
        headers=auth,
    )
    assert old.status_code == 201 and old.json["online"] is False and old.json["reach"] == {}


def test_an_institution_is_corrected_and_names_stay_unique(app: Flask, client: FlaskClient) -> None:
    auth = _coordinator(app)
    first = client.post(
        "/api/v1/partner-institutions", json={"name": "PCPR", "kind": "other"}, headers=auth
    ).json["id"]
    client.post(
        "/api/v1/partner-institutions",
        json={"name": "MOPS", "kind": "social_welfare"},
        headers=auth,
    )
    fixed = client.put(
        f"/api/v1/partner-institutions/{first}",
        json={"name": "PCPR Kraków", "kind": "social_welfare", "city": "Kraków"},
        headers=auth,
    )
    assert fixed.status_code == 200
    assert (fixed.json["name"], fixed.json["kind"]) == ("PCPR Kraków", "social_welfare")
    clash = client.put(
        f"/api/v1/partner-institutions/{first}",
        json={"name": "MOPS", "kind": "social_welfare"},
        headers=auth,
    )
    assert clash.status_code == 409
    missing = client.get(
        "/api/v1/partner-institutions/00000000-0000-4000-8000-000000000000", headers=auth
    )
    assert missing.status_code == 404
