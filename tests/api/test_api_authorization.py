"""Every API route against every role and anonymous: allowed, or 404/403 (never a leak), or 401.

The routes come from the URL map, so a new route without an entry here fails this test.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Connection

from casework.db import utcnow
from tests.api.world import ROLES, build_world, call

EVERYONE = set(ROLES)
CASE_TEAM = {"manager", "therapist", "supervisor"}
MANAGING = {"manager", "supervisor"}


def _window() -> dict[str, str]:
    now = utcnow()
    return {
        "starts_from": (now - timedelta(days=1)).isoformat(),
        "starts_before": (now + timedelta(days=1)).isoformat(),
    }


#: (method, rule) -> (roles allowed, body or query builder). Allowed means the answer is not
#: 401/403/404; everyone else must get 403 or 404, anonymous 401.
ROUTES: dict[tuple[str, str], tuple[set[str], Any]] = {
    ("GET", "/api/v1/cases"): (EVERYONE, None),
    ("POST", "/api/v1/cases"): (
        MANAGING,
        lambda w: {
            "kind": "individual",
            "participants": [{"client_id": str(w["client_id"]), "role": "other"}],
            "referral_source": "self",
        },
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/transitions"): (
        MANAGING,
        lambda w: {"to": "on_hold", "reason": "client in hospital", "version": w["case_version"]},
    ),
    ("POST", "/api/v1/cases/<uuid:case_id>/closure"): (
        MANAGING,
        lambda w: {"outcome": "goals_achieved", "reason": "done", "version": w["case_version"]},
    ),
    ("POST", "/api/v1/cases/<uuid:case_id>/reopening"): (
        MANAGING,
        lambda w: {"reason": "again", "version": w["case_version"]},
    ),
    ("POST", "/api/v1/cases/<uuid:case_id>/assignment"): (
        {"supervisor"},
        lambda w: {
            "case_manager_id": str(w["users"]["other_manager"]),
            "version": w["case_version"],
        },
    ),
    ("POST", "/api/v1/cases/<uuid:case_id>/participants"): (
        MANAGING,
        lambda w: {
            "client_id": str(w["client_id"]),
            "role": "partner",
            "version": w["case_version"],
        },
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>/history"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/break-glass"): (
        EVERYONE - {"admin"},
        lambda w: {"reason": "urgent call from the client, manager away"},
    ),
    ("GET", "/api/v1/break-glass"): ({"supervisor"}, None),
    ("POST", "/api/v1/clients"): (
        EVERYONE - {"therapist", "admin"},
        lambda w: {"given_name": "Nowa", "family_name": "Osoba", "confirm_new": True},
    ),
    ("POST", "/api/v1/clients/search"): (EVERYONE, lambda w: {"phone": "600100200"}),
    ("GET", "/api/v1/clients/<uuid:client_id>"): (CASE_TEAM, None),
    ("PATCH", "/api/v1/clients/<uuid:client_id>"): (
        CASE_TEAM,
        lambda w: {"given_name": "Zmieniona", "family_name": "Osoba", "version": 1},
    ),
    ("GET", "/api/v1/clients/<uuid:client_id>/consents"): (CASE_TEAM, None),
    ("POST", "/api/v1/clients/<uuid:client_id>/consents"): (
        CASE_TEAM,
        lambda w: {"purpose": "sharing_with_partners", "notice_version": "2026-01"},
    ),
    ("POST", "/api/v1/consents/<uuid:consent_id>/withdrawal"): (CASE_TEAM, None),
    ("POST", "/api/v1/clients/<uuid:client_id>/export"): (
        {"supervisor", "admin"},
        lambda w: {"reason": "subject access request"},
    ),
    ("POST", "/api/v1/clients/<uuid:client_id>/erasure"): (
        {"supervisor", "admin"},
        lambda w: {"reason": "erasure request"},
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>/assessments"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/assessments"): (
        CASE_TEAM,
        lambda w: {"instrument_id": "phq9", "client_id": str(w["client_id"])},
    ),
    ("GET", "/api/v1/assessments/<uuid:assessment_id>"): (CASE_TEAM, None),
    ("PATCH", "/api/v1/assessments/<uuid:assessment_id>"): (
        CASE_TEAM,
        lambda w: {"answers": {}, "version": w["assessment_version"]},
    ),
    ("POST", "/api/v1/assessments/<uuid:assessment_id>/completion"): (
        CASE_TEAM,
        lambda w: {"version": w["assessment_version"]},
    ),
    ("POST", "/api/v1/assessments/<uuid:assessment_id>/rescore"): (CASE_TEAM, None),
    ("GET", "/api/v1/cases/<uuid:case_id>/comparison"): (
        CASE_TEAM,
        lambda w: {"instrument_id": "norr", "client_id": str(w["client_id"])},
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>/recommendations"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/recommendations"): (
        MANAGING,
        lambda w: {"service_code": "psychoeducation_group", "reason": "asked for it"},
    ),
    ("POST", "/api/v1/recommendations/<uuid:recommendation_id>/decision"): (
        MANAGING,
        lambda w: {"accept": True, "reason": "agreed", "version": w["recommendation_version"]},
    ),
    ("POST", "/api/v1/recommendations/<uuid:recommendation_id>/decline-confirmation"): (
        {"supervisor"},
        lambda w: {"confirm": True, "reason": "ok", "version": w["recommendation_version"]},
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>/enrolments"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/enrolments"): (
        MANAGING,
        lambda w: {"client_id": str(w["other_client_id"]), "service_code": "psychoeducation_group"},
    ),
    ("POST", "/api/v1/enrolments/<uuid:enrolment_id>/end"): (
        MANAGING,
        lambda w: {"status": "completed", "version": w["enrolment_version"]},
    ),
    ("POST", "/api/v1/enrolments/<uuid:enrolment_id>/appointments"): (
        CASE_TEAM,
        lambda w: {
            "starts_at": (utcnow() + timedelta(days=1)).isoformat(),
            "ends_at": (utcnow() + timedelta(days=1, hours=1)).isoformat(),
            "mode": "remote",
        },
    ),
    ("GET", "/api/v1/appointments"): (EVERYONE, lambda w: _window()),
    ("POST", "/api/v1/appointments/<uuid:appointment_id>/attendance"): (
        CASE_TEAM,
        lambda w: {"attendance": "no_show", "version": w["appointment_version"]},
    ),
    ("POST", "/api/v1/appointments/<uuid:appointment_id>/notes"): (
        {"therapist"},
        lambda w: {"kind": "progress", "body": "Second thoughts."},
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>/notes"): (CASE_TEAM, None),
    ("GET", "/api/v1/notes/<uuid:note_id>"): (CASE_TEAM, None),
    ("PATCH", "/api/v1/notes/<uuid:note_id>"): (
        {"therapist"},
        lambda w: {"body": "changed", "version": w["note_version"]},
    ),
    ("POST", "/api/v1/notes/<uuid:note_id>/signature"): (
        {"therapist"},
        lambda w: {"version": w["note_version"]},
    ),
    ("POST", "/api/v1/notes/<uuid:note_id>/addenda"): (
        {"therapist"},
        lambda w: {"body": "correction"},
    ),
    ("GET", "/api/v1/services"): (EVERYONE, None),
    ("GET", "/api/v1/instruments"): (EVERYONE, None),
    ("GET", "/api/v1/tokens"): (EVERYONE, None),
    ("POST", "/api/v1/tokens"): (EVERYONE, lambda w: {"name": "laptop"}),
    ("DELETE", "/api/v1/tokens/<uuid:token_id>"): ({"manager"}, None),
}

PUBLIC = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/static/<path:filename>"}


def api_routes(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, rule.rule))
    return routes


def test_every_api_route_is_in_the_matrix(app: Flask) -> None:
    assert api_routes(app) == set(ROUTES)


def _url(rule: str, ids: dict[str, Any]) -> str:
    return re.sub(r"<uuid:(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def test_the_authorization_matrix(app: Flask, db_connection: Connection) -> None:
    world = build_world(app)
    values = {**world.ids, "users": world.users}
    client = app.test_client()
    failures = []
    for (method, rule), (allowed, build) in sorted(ROUTES.items()):
        url = _url(rule, world.ids)
        payload = build(values) if build else None
        for role in [None, *ROLES]:
            savepoint = db_connection.begin_nested()
            try:
                if method == "GET" and payload:
                    response = call(
                        client,
                        world,
                        role,
                        method,
                        url
                        + "?"
                        + "&".join(f"{k}={v.replace('+', '%2B')}" for k, v in payload.items()),
                    )
                else:
                    response = call(client, world, role, method, url, payload)
            finally:
                savepoint.rollback()
            status = response.status_code
            if role is None:
                ok = status == 401
            elif role in allowed:
                ok = status not in (401, 403, 404) and status < 500
            else:
                ok = status in (403, 404)
            if not ok:
                failures.append(
                    f"{method} {rule} as {role}: {status} {response.get_data(as_text=True)[:160]}"
                )
    assert failures == []
