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
CLINICAL = {"manager", "other_manager", "therapist", "supervisor", "facilitator"}
RUN_MANAGERS = {"facilitator", "supervisor"}
PARTNER_WORK = {"supervisor", "admin"}
CONSULTING = {"consultant", "supervisor"}
PROJECT_READERS = {"supervisor", "admin"}
#: This matrix calls with personal API tokens, which never count as a fresh sign-in.
NEEDS_FRESH_SIGN_IN: set[str] = set()


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
    # Personal tokens are never a fresh sign-in (tests/auth/test_fresh_sign_in.py): refused to all.
    ("POST", "/api/v1/clients/<uuid:client_id>/export"): (
        NEEDS_FRESH_SIGN_IN,
        lambda w: {"reason": "subject access request"},
    ),
    ("POST", "/api/v1/clients/<uuid:client_id>/export-job"): (
        NEEDS_FRESH_SIGN_IN,
        lambda w: {"reason": "subject access request"},
    ),
    ("POST", "/api/v1/clients/<uuid:client_id>/erasure"): (
        NEEDS_FRESH_SIGN_IN,
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
        lambda w: {
            "client_id": str(w["other_client_id"]),
            "service_code": "individual_counselling",
            "practitioner_id": str(w["users"]["therapist"]),
        },
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
    ("GET", "/api/v1/cases/<uuid:case_id>/goals"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/goals"): (MANAGING, lambda w: {"text": "Work again"}),
    ("POST", "/api/v1/goals/<uuid:goal_id>/achieved"): (
        MANAGING,
        lambda w: {"version": w["goal_version"]},
    ),
    ("GET", "/api/v1/cases/<uuid:case_id>/tasks"): (CASE_TEAM, None),
    ("POST", "/api/v1/cases/<uuid:case_id>/tasks"): (
        MANAGING,
        lambda w: {
            "kind": "follow_up",
            "title": "Call after the holidays",
            "owner_id": str(w["users"]["therapist"]),
            "due_on": (utcnow() + timedelta(days=3)).date().isoformat(),
        },
    ),
    ("GET", "/api/v1/tasks/mine"): (EVERYONE, None),
    ("POST", "/api/v1/tasks/<uuid:task_id>/done"): (
        MANAGING,
        lambda w: {
            "done_on": utcnow().date().isoformat(),
            "note": "Plan agreed with the client",
            "version": w["task_version"],
        },
    ),
    ("POST", "/api/v1/tasks/<uuid:task_id>/decline"): (
        MANAGING,
        lambda w: {"reason": "Client refuses", "version": w["task_version"]},
    ),
    ("POST", "/api/v1/tasks/<uuid:task_id>/confirm"): (
        {"supervisor"},
        lambda w: {"confirm": True, "version": w["task_version"]},
    ),
    ("GET", "/api/v1/appointments"): (EVERYONE, lambda w: _window()),
    ("POST", "/api/v1/appointments/<uuid:appointment_id>/attendance"): (
        CASE_TEAM,
        lambda w: {"attendance": "no_show", "version": w["appointment_version"]},
    ),
    ("PATCH", "/api/v1/appointments/<uuid:appointment_id>"): (
        CASE_TEAM,
        lambda w: {
            "starts_at": (utcnow() + timedelta(days=3)).isoformat(),
            "ends_at": (utcnow() + timedelta(days=3, hours=1)).isoformat(),
            "version": w["appointment_version"],
        },
    ),
    ("POST", "/api/v1/appointments/<uuid:appointment_id>/cancellation"): (
        CASE_TEAM,
        lambda w: {"attendance": "cancelled_by_centre", "version": w["appointment_version"]},
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
    # the matrix calls with tokens, and a token cannot make tokens (only a signed-in session)
    ("POST", "/api/v1/tokens"): (set(), lambda w: {"name": "laptop"}),
    ("DELETE", "/api/v1/tokens/<uuid:token_id>"): ({"manager"}, None),
    # --- programmes around the case ---
    ("GET", "/api/v1/group-runs"): (CLINICAL, None),
    ("POST", "/api/v1/group-runs"): (
        RUN_MANAGERS,
        lambda w: {
            "name": "Support group for mothers, autumn",
            "service_code": "support_group_mothers",
            "capacity": 8,
            "starts_on": utcnow().date().isoformat(),
            "facilitator_ids": [str(w["users"]["facilitator"])],
        },
    ),
    ("GET", "/api/v1/group-runs/<uuid:run_id>"): (CLINICAL, None),
    ("PATCH", "/api/v1/group-runs/<uuid:run_id>"): (
        RUN_MANAGERS,
        lambda w: {"capacity": 2, "version": w["run_version"]},
    ),
    ("GET", "/api/v1/group-runs/<uuid:run_id>/enrolments"): (RUN_MANAGERS, None),
    ("POST", "/api/v1/group-runs/<uuid:run_id>/enrolments"): (
        MANAGING,
        lambda w: {"client_id": str(w["other_client_id"]), "case_id": str(w["case_id"])},
    ),
    ("POST", "/api/v1/group-enrolments/<uuid:group_enrolment_id>/withdrawal"): (
        RUN_MANAGERS | {"manager"},
        lambda w: {"version": w["group_enrolment_version"]},
    ),
    ("GET", "/api/v1/group-runs/<uuid:run_id>/meetings"): (CLINICAL, None),
    ("POST", "/api/v1/group-runs/<uuid:run_id>/meetings"): (
        RUN_MANAGERS,
        lambda w: {
            "starts_at": (utcnow() + timedelta(days=7)).isoformat(),
            "ends_at": (utcnow() + timedelta(days=7, hours=2)).isoformat(),
            "topic": "Boundaries",
        },
    ),
    ("GET", "/api/v1/group-meetings/<uuid:meeting_id>/attendance"): (RUN_MANAGERS, None),
    ("POST", "/api/v1/group-meetings/<uuid:meeting_id>/attendance"): (
        RUN_MANAGERS,
        lambda w: {
            "records": [{"enrolment_id": str(w["group_enrolment_id"]), "presence": "excused"}]
        },
    ),
    ("POST", "/api/v1/group-enrolments/<uuid:group_enrolment_id>/mentoring-sessions"): (
        RUN_MANAGERS,
        lambda w: {
            "mentor_id": str(w["users"]["facilitator"]),
            "starts_at": (utcnow() + timedelta(days=3)).isoformat(),
            "ends_at": (utcnow() + timedelta(days=3, hours=1)).isoformat(),
        },
    ),
    ("GET", "/api/v1/group-runs/<uuid:run_id>/mentoring-sessions"): (CLINICAL, None),
    ("POST", "/api/v1/mentoring-sessions/<uuid:mentoring_session_id>/attendance"): (
        RUN_MANAGERS,
        lambda w: {"attendance": "attended", "version": w["mentoring_version"]},
    ),
    ("GET", "/api/v1/consultations"): (CONSULTING, None),
    ("POST", "/api/v1/consultations"): (
        {"consultant"},
        lambda w: {
            "consulted_on": utcnow().date().isoformat(),
            "channel": "in_person",
            "language": "uk",
            "topic_codes": ["work_permit"],
            "duration_minutes": 10,
            "gender": "female",
            "age_group": "30_44",
            "nationality": "UA",
            "migration_reason": "war",
        },
    ),
    ("GET", "/api/v1/consultations/summary"): (CONSULTING, None),
    ("GET", "/api/v1/consultations/<uuid:consultation_id>"): (CONSULTING, None),
    ("GET", "/api/v1/consultation-topics"): (EVERYONE, None),
    ("POST", "/api/v1/consultation-topics"): (
        {"admin"},
        lambda w: {"code": "taxes", "name": {"pl": "Podatki", "en": "Taxes", "uk": "Податки"}},
    ),
    ("GET", "/api/v1/partner-institutions"): (PARTNER_WORK, None),
    ("POST", "/api/v1/partner-institutions"): (
        PARTNER_WORK,
        lambda w: {"name": "Szkoła Podstawowa nr 1", "kind": "school", "city": "Kraków"},
    ),
    ("GET", "/api/v1/partner-institutions/<uuid:institution_id>"): (PARTNER_WORK, None),
    ("PUT", "/api/v1/partner-institutions/<uuid:institution_id>"): (
        PARTNER_WORK,
        lambda w: {"name": "Ośrodek Pomocy Społecznej", "kind": "social_welfare"},
    ),
    ("GET", "/api/v1/trainings"): (PARTNER_WORK, None),
    ("POST", "/api/v1/trainings"): (
        PARTNER_WORK,
        lambda w: {
            "title": "Recognising violence",
            "held_on": utcnow().date().isoformat(),
            "participants": [
                {
                    "institution_id": str(w["institution_id"]),
                    "professional_type": "teacher",
                    "headcount": 4,
                }
            ],
        },
    ),
    ("GET", "/api/v1/trainings/summary"): (PARTNER_WORK, None),
    ("GET", "/api/v1/trainings/<uuid:training_id>"): (PARTNER_WORK, None),
    ("POST", "/api/v1/trainings/<uuid:training_id>/participants"): (
        PARTNER_WORK,
        lambda w: {
            "participants": [
                {
                    "institution_id": str(w["institution_id"]),
                    "professional_type": "psychologist",
                    "headcount": 2,
                }
            ]
        },
    ),
    ("GET", "/api/v1/events"): (PARTNER_WORK, None),
    ("POST", "/api/v1/events"): (
        PARTNER_WORK,
        lambda w: {
            "title": "Open day",
            "kind": "workshop",
            "held_on": utcnow().date().isoformat(),
            "headcount": 35,
        },
    ),
    ("GET", "/api/v1/survey-responses"): (PARTNER_WORK, None),
    ("POST", "/api/v1/survey-responses"): (
        EVERYONE - {"admin"},
        lambda w: {
            "service_code": "support_group_mothers",
            "language": "uk",
            "answers": {
                "sat_helpful": "agree",
                "sat_respect": "agree",
                "sat_time": "neutral",
                "sat_language": "agree",
                "sat_recommend": "strongly_agree",
            },
        },
    ),
    ("GET", "/api/v1/survey-responses/summary"): (PARTNER_WORK, None),
    ("POST", "/api/v1/survey-links"): (
        EVERYONE - {"admin"},
        lambda w: {"service_code": "support_group_mothers", "language": "uk"},
    ),
    ("GET", "/api/v1/supervision-records"): (EVERYONE, None),
    ("POST", "/api/v1/supervision-records"): (
        {"supervisor"},
        lambda w: {
            "practitioner_id": str(w["users"]["therapist"]),
            "held_on": utcnow().date().isoformat(),
            "notes": "Second supervision.",
            "case_ids": [str(w["case_id"])],
            "actions": [{"description": "Call back", "due_on": utcnow().date().isoformat()}],
        },
    ),
    ("GET", "/api/v1/supervision-records/<uuid:record_id>"): ({"supervisor", "therapist"}, None),
    ("POST", "/api/v1/supervision-records/<uuid:record_id>/actions"): (
        {"supervisor"},
        lambda w: {"description": "Read up on it", "due_on": utcnow().date().isoformat()},
    ),
    ("POST", "/api/v1/agreed-actions/<uuid:action_id>/completion"): (
        {"supervisor", "therapist"},
        None,
    ),
    ("GET", "/api/v1/caseload-review"): ({"supervisor"}, None),
    ("GET", "/api/v1/caseload-review/cases"): ({"supervisor"}, None),
    ("POST", "/api/v1/group-enrolments/<uuid:group_enrolment_id>/completion"): (
        RUN_MANAGERS,
        lambda w: {"version": w["group_enrolment_version"]},
    ),
    ("POST", "/api/v1/group-runs/<uuid:run_id>/completion"): (RUN_MANAGERS, None),
    ("GET", "/api/v1/group-runs/<uuid:run_id>/participation"): (CLINICAL, None),
    ("PUT", "/api/v1/services/<code>/group-settings"): (
        {"admin"},
        lambda w: {
            "completion_attendance_percent": 75,
            "max_capacity": 600,
            "default_capacity": 20,
        },
    ),
    ("GET", "/api/v1/projects"): (PROJECT_READERS, None),
    ("POST", "/api/v1/projects"): (
        {"admin"},
        lambda w: {"name": "Matrix project", "starts_on": utcnow().date().isoformat()},
    ),
    ("GET", "/api/v1/projects/<uuid:project_id>"): (PROJECT_READERS, None),
    ("PATCH", "/api/v1/projects/<uuid:project_id>"): (
        {"admin"},
        lambda w: {"version": w["project_version"], "notes": "checked"},
    ),
    ("PUT", "/api/v1/projects/<uuid:project_id>/targets"): (
        {"admin"},
        lambda w: {"targets": [{"indicator_key": "krakow.beneficiaries", "target_value": "10"}]},
    ),
    ("POST", "/api/v1/projects/<uuid:project_id>/attribution"): (
        {"admin"},
        lambda w: {"kind": "service", "add": ["individual_counselling"]},
    ),
    ("POST", "/api/v1/projects/<uuid:project_id>/consultations"): (
        {"admin"},
        lambda w: {"date_from": "2026-01-01", "date_to": "2026-01-31"},
    ),
    ("GET", "/api/v1/reports"): ({"supervisor"}, None),
    ("GET", "/api/v1/reports/<string:name>"): (
        {"supervisor"},
        lambda w: {"from": "2026-01-01", "to": "2026-01-31"},
    ),
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
    rule = rule.replace("<code>", "support_group_mothers").replace("<string:name>", "krakow")
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
