"""The detail pages cost the same number of SQL statements whatever their object holds: a case
with one note or thirty, a client in one case or five, a group run with one member or twelve.

Each test counts the statements of one GET at a small and at a larger size, asserts they are
equal, and bounds what the page itself sends: the request's frame (the sign-in lookup, the
audit trail's append at the commit point, the test's savepoints) is counted apart, because
`auth` and `audit` own it and it is the same for every page.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection

from casework.care.models import AppointmentMode, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.cases.models import CaseKind
from casework.db import db, utcnow
from tests.counting import counted
from tests.factories import CALM, make_assessment, make_case, make_consenting_client, staff
from tests.pages import sign_in

#: Services a participant may be enrolled in with a practitioner, one enrolment each.
_SERVICES = ("individual_counselling", "family_social_counselling", "addiction_consultation")

#: The statement the signed-in request itself sends: its session, with its user and their roles.
_SIGN_IN = ("FROM user_sessions",)


def _is_frame(statement: str) -> bool:
    return statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")) or (
        "audit_head" in statement or statement.startswith("INSERT INTO audit_events")
    )


def _page_statements(statements: list[str]) -> list[str]:
    """What the page sends: the request's statements without its frame."""
    own = [" ".join(s.split()) for s in statements if not _is_frame(s)]
    for marker in _SIGN_IN:
        first = next((i for i, s in enumerate(own) if marker in s), None)
        if first is not None:
            del own[first]
    return own


def _get(connection: Connection, browser: FlaskClient, url: str) -> list[str]:
    """The statements of a GET of `url` (after one GET that warms the per-process caches)."""
    assert browser.get(url).status_code == 200, url
    with counted(connection) as statements:
        response = browser.get(url)
    assert response.status_code == 200, url
    return list(statements)


def _browser(app: Flask, team: dict[str, Any], name: str) -> FlaskClient:
    with app.app_context():
        email = staff(team, name).email
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(browser, email).status_code == 302
    return browser


def _assert_flat(
    connection: Connection, browser: FlaskClient, urls: tuple[str, str], *, bound: int
) -> int:
    small, large = (_get(connection, browser, url) for url in urls)
    print(f"{urls[1]}: {len(small)} / {len(large)} statements")
    assert len(small) == len(large), (
        f"{urls[1]}: {len(small)} statements at the small size, {len(large)} at the larger"
    )
    page = _page_statements(large)
    assert len(page) <= bound, f"{urls[1]}: the page sends {len(page)} statements:\n" + "\n".join(
        page
    )
    return len(page)


def _case(app: Flask, team: dict[str, Any], size: int) -> uuid.UUID:
    """A family case with `size` enrolments (at most 9; from 2 on, with two practitioners),
    3 x `size` appointments each with a signed note (progress, individual, private process), and
    a completed assessment with its recommendations."""
    with app.app_context():
        manager = staff(team, "manager")
        therapists = [staff(team, "therapist"), staff(team, "therapist2")]
        case = make_case(manager, kind=CaseKind.FAMILY)
        make_assessment(manager, case, CALM)
        made = [
            enrolments.enrol(
                manager,
                case.id,
                client_id=case.client_ids[number % 3],
                service_code=_SERVICES[number // 3],
                practitioner_id=therapists[number % 2].id,
            )
            for number in range(size)
        ]
        for number in range(3 * size):
            start = utcnow() - timedelta(days=number + 1)
            enrolment = made[number % size]
            therapist = next(t for t in therapists if t.id == enrolment.practitioner_id)
            appointment = appointments.schedule_appointment(
                therapist,
                enrolment.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                mode=AppointmentMode.IN_PERSON,
            )
            note = notes.write_note(
                therapist,
                appointment.id,
                kind=NoteKind.PRIVATE if number % 3 == 2 else NoteKind.PROGRESS,
                body=f"note {number}",
                is_individual=number % 3 == 1,
            )
            notes.sign_note(therapist, note.id, expected_version=note.version)
        db.session.commit()
        return case.id


@pytest.mark.parametrize("viewer", ["manager", "therapist", "supervisor"])
def test_the_case_page_costs_the_same_for_one_note_and_thirty(
    app: Flask, db_connection: Connection, team: dict[str, Any], viewer: str
) -> None:
    small, large = _case(app, team, 1), _case(app, team, 9)
    browser = _browser(app, team, viewer)
    page = _assert_flat(db_connection, browser, (f"/cases/{small}", f"/cases/{large}"), bound=12)
    print(f"case page as {viewer}: {page} statements of its own")
    joint = _assert_flat(
        db_connection,
        browser,
        (f"/cases/{small}?view=joint", f"/cases/{large}?view=joint"),
        bound=12,
    )
    print(f"joint case page as {viewer}: {joint} statements of its own")


def test_the_earlier_part_of_a_long_timeline_costs_the_same(
    app: Flask, db_connection: Connection, team: dict[str, Any]
) -> None:
    small, large = _case(app, team, 1), _case(app, team, 9)
    browser = _browser(app, team, "manager")
    first = browser.get(f"/cases/{large}").get_data(as_text=True)
    assert "earlier=" in first, "a timeline of 60 entries is cut at 50, with a link to the rest"
    assert "earlier=" not in browser.get(f"/cases/{small}").get_data(as_text=True)
    earlier = first.split("earlier=", 1)[1].split('"', 1)[0]
    _assert_flat(
        db_connection,
        browser,
        (f"/cases/{small}?earlier={earlier}", f"/cases/{large}?earlier={earlier}"),
        bound=12,
    )


def test_the_printed_summary_and_the_api_detail_cost_the_same_whatever_the_case_holds(
    app: Flask, db_connection: Connection, team: dict[str, Any]
) -> None:
    small, large = _case(app, team, 1), _case(app, team, 9)
    browser = _browser(app, team, "manager")
    summary = _assert_flat(
        db_connection, browser, (f"/cases/{small}/summary", f"/cases/{large}/summary"), bound=10
    )
    api = _assert_flat(
        db_connection, browser, (f"/api/v1/cases/{small}", f"/api/v1/cases/{large}"), bound=2
    )
    print(f"summary: {summary}, API detail: {api} statements of their own")


def _client_in_cases(app: Flask, team: dict[str, Any], cases: int) -> uuid.UUID:
    with app.app_context():
        manager = staff(team, "manager")
        person = make_consenting_client(manager)
        for _ in range(cases):
            make_case(
                manager, kind=CaseKind.COUPLE, clients=[person, make_consenting_client(manager)]
            )
        db.session.commit()
        return person.id


def test_the_client_page_costs_the_same_for_one_case_and_five(
    app: Flask, db_connection: Connection, team: dict[str, Any]
) -> None:
    small, large = _client_in_cases(app, team, 1), _client_in_cases(app, team, 5)
    browser = _browser(app, team, "manager")
    page = _assert_flat(db_connection, browser, (f"/clients/{small}", f"/clients/{large}"), bound=5)
    api = _assert_flat(
        db_connection, browser, (f"/api/v1/clients/{small}", f"/api/v1/clients/{large}"), bound=2
    )
    print(f"client page: {page}, API detail: {api} statements of their own")


def _run(app: Flask, team: dict[str, Any], members: int) -> uuid.UUID:
    from casework.groups.services import enrolments as group_enrolments
    from casework.groups.services import meetings as group_meetings
    from casework.groups.services import runs as group_runs

    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = group_runs.create_run(
            facilitator,
            name=f"Run of {members}",
            service_code="support_group_mothers",
            capacity=max(1, members // 2),
            starts_on=utcnow().date(),
        )
        for number in range(members):
            person = make_consenting_client(facilitator)
            group_enrolments.enrol(facilitator, run.id, client_id=person.id)
            start = utcnow() + timedelta(days=number + 1)
            group_meetings.schedule_meeting(
                facilitator, run.id, starts_at=start, ends_at=start + timedelta(hours=2)
            )
        db.session.commit()
        return run.id


def test_the_group_run_page_costs_the_same_for_one_member_and_twelve(
    app: Flask, db_connection: Connection, team: dict[str, Any]
) -> None:
    small, large = _run(app, team, 1), _run(app, team, 12)
    browser = _browser(app, team, "facilitator")
    page = _assert_flat(db_connection, browser, (f"/groups/{small}", f"/groups/{large}"), bound=20)
    api = _assert_flat(
        db_connection,
        browser,
        (f"/api/v1/group-runs/{small}", f"/api/v1/group-runs/{large}"),
        bound=3,
    )
    print(f"group run page: {page}, API detail: {api} statements of their own")


def _consultations(app: Flask, team: dict[str, Any], count: int) -> uuid.UUID:
    """`count` consultations of the team's consultant, each with a registered visitor; the id
    of the last."""
    from casework.consultations import services as consultations
    from casework.consultations.models import Channel

    with app.app_context():
        consultant = staff(team, "consultant")
        last = None
        for _ in range(count):
            last = consultations.log_consultation(
                consultant,
                consulted_on=utcnow().date(),
                channel=Channel.PHONE,
                language="uk",
                topic_codes=["pesel", "housing"],
                duration_minutes=10,
                client_id=make_consenting_client(consultant).id,
            )
        db.session.commit()
        assert last is not None
        return last.id


def test_the_consultation_page_costs_the_same_however_many_the_consultant_logged(
    app: Flask, db_connection: Connection, team: dict[str, Any]
) -> None:
    small = _consultations(app, team, 1)
    large = _consultations(app, team, 12)
    browser = _browser(app, team, "consultant")
    page = _assert_flat(
        db_connection,
        browser,
        (f"/consultations/{small}", f"/consultations/{large}"),
        bound=5,
    )
    print(f"consultation page: {page} statements of its own")


def test_a_case_one_may_not_see_is_still_missing(
    app: Flask, db_connection: Connection, team: dict[str, Any]
) -> None:
    """Reading the case once per request does not widen access: a hidden case is a 404 on each
    of its pages, the same as an unknown id, and a case handed to someone else is gone from its
    former manager's next request."""
    case = _case(app, team, 1)
    browser = _browser(app, team, "other_manager")
    for url in (f"/cases/{case}", f"/cases/{case}/summary", f"/api/v1/cases/{case}"):
        assert browser.get(url).status_code == 404, url
    assert browser.get(f"/cases/{uuid.uuid4()}").status_code == 404
    manager = _browser(app, team, "manager")
    assert manager.get(f"/cases/{case}").status_code == 200
    with app.app_context():
        from casework.cases.services import cases

        current = cases.get_case(staff(team, "manager"), case)
        cases.assign_case(
            staff(team, "supervisor"),
            case,
            case_manager_id=team["other_manager"],
            expected_version=current.version,
        )
        db.session.commit()
    assert manager.get(f"/cases/{case}").status_code == 404
    assert browser.get(f"/cases/{case}").status_code == 200
