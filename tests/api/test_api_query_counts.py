"""List and detail endpoints issue a bounded number of SQL queries whatever the page size."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import Connection

from casework.auth.models import Role, User
from casework.auth.services import create_api_token, get_or_create_team
from casework.care.models import AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.cases.models import CaseKind
from casework.db import db, utcnow
from tests.counting import counted
from tests.factories import make_case, make_user


def _centre(app: Flask, cases: int) -> tuple[dict[str, str], dict[str, str], object]:
    with app.app_context():
        team = get_or_create_team(f"Team of {cases}")
        manager = make_user(roles=(Role.CASE_MANAGER,), team=team)
        therapist = make_user(roles=(Role.THERAPIST,), team=team)
        made = [make_case(manager, kind=CaseKind.COUPLE) for _ in range(cases)]
        first = made[0]
        enrolment = enrolments.enrol(
            manager,
            first.id,
            client_id=first.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        for number in range(cases):
            start = utcnow() + timedelta(hours=number + 1)
            appointment = appointments.schedule_appointment(
                therapist,
                enrolment.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                mode=AppointmentMode.REMOTE,
            )
            note = notes.write_note(
                therapist,
                appointment.id,
                kind=NoteKind.PROGRESS,
                body=f"note {number}",
                is_individual=number % 2 == 0,
            )
            notes.sign_note(therapist, note.id, expected_version=note.version)
        tokens = {
            name: {
                "Authorization": "Bearer "
                + create_api_token(db.session.get(User, user.id), name="t")[1]
            }
            for name, user in (("manager", manager), ("therapist", therapist))
        }
        db.session.commit()
        return tokens["manager"], tokens["therapist"], first.id


def _queries(app: Flask, connection: Connection, headers: dict[str, str], url: str, **query) -> int:
    client = app.test_client()
    with counted(connection) as statements:
        response = client.get(url, headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return len(statements)


def test_list_endpoints_issue_a_bounded_number_of_queries(
    app: Flask, db_connection: Connection
) -> None:
    small = _centre(app, 2)
    large = _centre(app, 12)
    window = {
        "starts_from": utcnow().isoformat(),
        "starts_before": (utcnow() + timedelta(days=2)).isoformat(),
        "limit": 50,
    }
    for role, url, query in (
        (0, "/api/v1/cases", {"limit": 50}),
        (1, "/api/v1/appointments", window),
        (0, "/api/v1/cases/{case}/notes", {"context": "individual"}),
        (1, "/api/v1/cases/{case}/notes", {}),
        (0, "/api/v1/cases/{case}/enrolments", {}),
        (0, "/api/v1/cases/{case}/recommendations", {}),
        (0, "/api/v1/cases/{case}", {}),
    ):
        counts = [
            _queries(app, db_connection, centre[role], url.format(case=centre[2]), **query)
            for centre in (small, large)
        ]
        assert counts[0] == counts[1], (
            f"{url}: {counts[0]} queries for the small centre, {counts[1]} for the large"
        )


def _programmes(app: Flask, size: int) -> tuple[dict[str, dict[str, str]], object]:
    """A team with `size` of every programme object; tokens of its staff and its run id."""
    from casework.consultations import services as consultations
    from casework.consultations.models import Channel
    from casework.groups.services import enrolments as group_enrolments
    from casework.groups.services import meetings as group_meetings
    from casework.groups.services import runs as group_runs
    from casework.partners import services as partners
    from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
    from casework.supervision import services as supervision
    from casework.surveys import services as surveys
    from tests.api.programmes_world import SATISFIED
    from tests.factories import make_consenting_client

    with app.app_context():
        team = get_or_create_team(f"Programmes of {size}")
        staff = {
            name: make_user(roles=(role,), team=team)
            for name, role in (
                ("facilitator", Role.FACILITATOR),
                ("supervisor", Role.SUPERVISOR),
                ("consultant", Role.CONSULTANT),
                ("manager", Role.CASE_MANAGER),
                ("therapist", Role.THERAPIST),
            )
        }
        today = utcnow().date()
        run = group_runs.create_run(
            staff["facilitator"],
            name=f"Run of {size}",
            service_code="support_group_mothers",
            capacity=size // 2,
            starts_on=today,
        )
        case = make_case(staff["manager"])
        for number in range(size):
            person = make_consenting_client(staff["facilitator"])
            group_enrolments.enrol(staff["facilitator"], run.id, client_id=person.id)
            start = utcnow() + timedelta(days=number + 1)
            group_meetings.schedule_meeting(
                staff["facilitator"], run.id, starts_at=start, ends_at=start + timedelta(hours=2)
            )
            consultations.log_consultation(
                staff["consultant"],
                consulted_on=today,
                channel=Channel.PHONE,
                language="uk",
                topic_codes=["pesel", "housing"],
                duration_minutes=10,
                # a visitor the consultant registered: the clients a consultation may name
                client_id=make_consenting_client(staff["consultant"]).id if number % 2 else None,
            )
            supervision.create_record(
                staff["supervisor"],
                practitioner_id=staff["therapist"].id,
                held_on=today,
                notes=f"notes {number}",
                case_ids=[case.id],
                actions=[supervision.NewAction("act", today)],
            )
            institution = partners.create_institution(
                staff["supervisor"], name=f"Institution {size}/{number}", kind=InstitutionKind.NGO
            )
            partners.create_training(
                staff["supervisor"],
                title="t",
                held_on=today,
                participants=[partners.Headcount(institution.id, ProfessionalType.LAWYER, 2)],
            )
            partners.create_event(
                staff["supervisor"], title="e", kind=EventKind.LECTURE, held_on=today, headcount=9
            )
            surveys.record_response(
                staff["facilitator"], answers=SATISFIED, language="pl", group_run_id=run.id
            )
        tokens = {
            name: {"Authorization": "Bearer " + create_api_token(user, name="t")[1]}
            for name, user in staff.items()
        }
        db.session.commit()
        return tokens, run.id


def test_programme_list_endpoints_issue_a_bounded_number_of_queries(
    app: Flask, db_connection: Connection
) -> None:
    small = _programmes(app, 2)
    large = _programmes(app, 12)
    for role, url in (
        ("facilitator", "/api/v1/group-runs"),
        ("facilitator", "/api/v1/group-runs/{run}/enrolments"),
        ("facilitator", "/api/v1/group-runs/{run}/meetings"),
        ("manager", "/api/v1/group-runs/{run}"),
        ("consultant", "/api/v1/consultations"),
        ("supervisor", "/api/v1/consultations"),
        ("consultant", "/api/v1/consultations/summary"),
        ("supervisor", "/api/v1/supervision-records"),
        ("therapist", "/api/v1/supervision-records"),
        ("supervisor", "/api/v1/partner-institutions"),
        ("supervisor", "/api/v1/trainings"),
        ("supervisor", "/api/v1/trainings/summary"),
        ("supervisor", "/api/v1/events"),
        ("supervisor", "/api/v1/survey-responses"),
        ("supervisor", "/api/v1/survey-responses/summary"),
        ("supervisor", "/api/v1/caseload-review"),
    ):
        paged = not url.endswith(("summary", "review", "{run}"))
        query = {"limit": 50} if paged else {}
        counts = [
            _queries(app, db_connection, tokens[role], url.format(run=run), **query)
            for tokens, run in (small, large)
        ]
        assert counts[0] == counts[1], (
            f"{url} as {role}: {counts[0]} queries for the small centre, {counts[1]} for the large"
        )
