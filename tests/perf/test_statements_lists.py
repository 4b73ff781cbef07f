"""Every list page and API collection: the statements a page costs do not grow with the data,
a keyset walk sees every row exactly once while rows are added, and a cursor that was changed or
belongs to another list is a 400 (API) or the first page (web), never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection

from casework.auth import accounts, grants
from casework.auth.models import Role, User
from casework.auth.services import create_api_token, get_or_create_team
from casework.care.models import AppointmentMode
from casework.care.services import appointments, enrolments
from casework.cases.services import break_glass
from casework.consultations import services as consultations
from casework.consultations.models import Channel
from casework.db import db, utcnow
from casework.groups.models import PeerLeaderKind
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import leaders, meetings, runs
from casework.partners import services as partners
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from casework.projects import services as projects
from casework.supervision import services as supervision
from casework.surveys import services as surveys
from tests.api.programmes_world import SATISFIED
from tests.counting import counted
from tests.factories import PASSWORD, make_case, make_consenting_client, make_user
from tests.pages import sign_in

ROLES = {
    "manager": Role.CASE_MANAGER,
    "breaker": Role.CASE_MANAGER,
    "therapist": Role.THERAPIST,
    "facilitator": Role.FACILITATOR,
    "supervisor": Role.SUPERVISOR,
    "consultant": Role.CONSULTANT,
    "coordinator": Role.COORDINATOR,
    "admin": Role.ADMIN,
}


@dataclass
class World:
    """A team with `size` rows in every list; ids only (objects belong to one session)."""

    tag: str
    staff: dict[str, uuid.UUID]
    enrolment_id: uuid.UUID
    run_id: uuid.UUID
    case_ids: list[uuid.UUID]
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    made: int = 0


def _user(world: World, name: str) -> User:
    user = db.session.get(User, world.staff[name])
    assert user is not None
    return user


def _next(world: World) -> int:
    world.made += 1
    return world.made


# One more row of each list, made by the person who keeps it.
def _case(world: World) -> None:
    world.case_ids.append(make_case(_user(world, "manager")).id)


def _appointment(world: World) -> None:
    start = utcnow() + timedelta(hours=_next(world))
    appointments.schedule_appointment(
        _user(world, "therapist"),
        world.enrolment_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        mode=AppointmentMode.REMOTE,
    )


def _break_glass(world: World) -> None:
    case = make_case(_user(world, "manager"))
    break_glass.break_glass(
        _user(world, "breaker"), case.id, reason="the client called in crisis, manager away"
    )


def _consultation(world: World) -> None:
    consultations.log_consultation(
        _user(world, "consultant"),
        consulted_on=date.today() - timedelta(days=_next(world) % 5),
        channel=Channel.PHONE,
        language="uk",
        topic_codes=["pesel"],
        duration_minutes=10,
    )


def _institution(world: World) -> uuid.UUID:
    return partners.create_institution(
        _user(world, "supervisor"),
        name=f"Institution {world.tag} {_next(world)}",
        kind=InstitutionKind.NGO,
    ).id


def _training(world: World) -> None:
    partners.create_training(
        _user(world, "supervisor"),
        title="training",
        held_on=date.today(),
        participants=[partners.Headcount(_institution(world), ProfessionalType.LAWYER, 2)],
    )


def _event(world: World) -> None:
    partners.create_event(
        _user(world, "supervisor"),
        title="event",
        kind=EventKind.LECTURE,
        held_on=date.today(),
        headcount=9,
    )


def _run(world: World) -> None:
    runs.create_run(
        _user(world, "facilitator"),
        name=f"Run {world.tag} {_next(world)}",
        service_code="support_group_mothers",
        capacity=40,
        starts_on=date.today(),
    )


def _run_enrolment(world: World) -> None:
    person = make_consenting_client(_user(world, "facilitator"))
    group_enrolments.enrol(_user(world, "facilitator"), world.run_id, client_id=person.id)


def _meeting(world: World) -> None:
    start = utcnow() + timedelta(days=_next(world))
    meetings.schedule_meeting(
        _user(world, "facilitator"),
        world.run_id,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def _project(world: World) -> None:
    projects.create_project(
        _user(world, "coordinator"),
        name=f"Project {world.tag} {_next(world)}",
        starts_on=date.today() - timedelta(days=_next(world)),
    )


def _supervision(world: World) -> None:
    supervision.create_record(
        _user(world, "supervisor"),
        practitioner_id=world.staff["therapist"],
        held_on=date.today(),
        notes="notes",
        case_ids=[world.case_ids[0]],
        actions=[],
    )


def _survey(world: World) -> None:
    surveys.record_response(
        _user(world, "facilitator"), answers=SATISFIED, language="pl", group_run_id=world.run_id
    )


def _token(world: World) -> None:
    create_api_token(_user(world, "manager"), name=f"script {_next(world)}")


def _leader(world: World) -> None:
    leaders.add_leader(
        _user(world, "coordinator"), kind=PeerLeaderKind.PEER_LEADER, name=f"Leader {_next(world)}"
    )


def _staff_account(world: World) -> None:
    make_user(roles=(Role.THERAPIST,), display_name=f"Account {world.tag} {_next(world)}")


def _role_change(world: World) -> None:
    someone = make_user(roles=(Role.CONSULTANT,))
    grants.propose(
        _user(world, "admin"), someone, added=[Role.THERAPIST], team=None, moves_team=False
    )


@dataclass(frozen=True)
class Listing:
    """A list: who reads it, where, and how to add one more row to it."""

    reader: str
    url: str
    make: Callable[[World], Any]
    query: dict[str, Any] = field(default_factory=dict)

    def address(self, world: World) -> str:
        return self.url.format(run=world.run_id)

    def __str__(self) -> str:
        return self.url


def _window() -> dict[str, str]:
    return {
        "starts_from": utcnow().isoformat(),
        "starts_before": (utcnow() + timedelta(days=30)).isoformat(),
    }


API = [
    Listing("therapist", "/api/v1/appointments", _appointment, _window()),
    Listing("supervisor", "/api/v1/break-glass", _break_glass),
    Listing("manager", "/api/v1/cases", _case),
    Listing("consultant", "/api/v1/consultations", _consultation),
    Listing("supervisor", "/api/v1/events", _event),
    Listing("facilitator", "/api/v1/group-runs", _run),
    Listing("facilitator", "/api/v1/group-runs/{run}/enrolments", _run_enrolment),
    Listing("facilitator", "/api/v1/group-runs/{run}/meetings", _meeting),
    Listing("supervisor", "/api/v1/partner-institutions", _institution),
    Listing("coordinator", "/api/v1/projects", _project),
    Listing("supervisor", "/api/v1/supervision-records", _supervision),
    Listing("supervisor", "/api/v1/survey-responses", _survey),
    Listing("supervisor", "/api/v1/trainings", _training),
    Listing("manager", "/api/v1/tokens", _token),
]

WEB = [
    Listing("manager", "/cases", _case),
    Listing("facilitator", "/groups", _run, {"all": "1"}),
    Listing("consultant", "/consultations", _consultation),
    Listing("coordinator", "/leaders", _leader),
    Listing("supervisor", "/partners/institutions", _institution),
    Listing("supervisor", "/partners/trainings", _training),
    Listing("supervisor", "/partners/events", _event),
    Listing("coordinator", "/projects", _project),
    Listing("admin", "/admin/users", _staff_account),
    Listing("admin", "/role-changes", _role_change),
    Listing("supervisor", "/supervision/break-glass", _break_glass),
    Listing("manager", "/account", _token),
]


def _world(app: Flask, size: int) -> World:
    """A team with `size` rows of every list above."""
    with app.app_context():
        tag = uuid.uuid4().hex[:8]
        team = get_or_create_team(f"Lists {tag}")
        people = {name: make_user(roles=(role,), team=team) for name, role in ROLES.items()}
        case = make_case(people["manager"])
        enrolment = enrolments.enrol(
            people["manager"],
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=people["therapist"].id,
        )
        run = runs.create_run(
            people["facilitator"],
            name=f"Roster {tag}",
            service_code="support_group_mothers",
            capacity=40,
            starts_on=date.today(),
        )
        world = World(tag, {n: u.id for n, u in people.items()}, enrolment.id, run.id, [case.id])
        for listing in {listing.make: listing for listing in [*API, *WEB]}.values():
            for _ in range(size - (1 if listing.make is _case else 0)):
                listing.make(world)
        world.tokens = {
            name: {"Authorization": "Bearer " + create_api_token(user, name="lists")[1]}
            for name, user in people.items()
        }
        world.emails = {name: user.email for name, user in people.items()}
        db.session.commit()
        return world


def _add(app: Flask, world: World, listing: Listing) -> None:
    with app.app_context():
        listing.make(world)
        db.session.commit()


def _api_statements(
    app: Flask, connection: Connection, world: World, listing: Listing
) -> tuple[int, int]:
    """Statements for the collection's page, and how many items it held."""
    api = app.test_client()
    query = {**listing.query, "limit": 50}
    headers = world.tokens[listing.reader]
    api.get(listing.address(world), headers=headers, query_string=query)  # token's first use
    with counted(connection) as statements:
        response = api.get(listing.address(world), headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return len(statements), len(response.get_json()["items"])


def _signed_in(app: Flask, world: World, reader: str) -> FlaskClient:
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(browser, world.emails[reader], PASSWORD).status_code == 302
    return browser


def _web_statements(app: Flask, connection: Connection, world: World, listing: Listing) -> int:
    browser = _signed_in(app, world, listing.reader)
    browser.get(listing.url, query_string=listing.query)
    with counted(connection) as statements:
        response = browser.get(listing.url, query_string=listing.query)
    assert response.status_code == 200, listing.url
    return len(statements)


#: The most statements a list page may send (session, user, the page, its batched extras, the
#: audit record and its chain).
BOUND = 25


def test_every_list_costs_the_same_statements_at_three_times_the_data(
    app: Flask, db_connection: Connection
) -> None:
    """Measured at 3 rows, then again once 9 more (a second team's) are there."""
    measured = []
    for size in (3, 9):
        world = _world(app, size)
        api = {str(listing): _api_statements(app, db_connection, world, listing) for listing in API}
        web = {str(listing): _web_statements(app, db_connection, world, listing) for listing in WEB}
        measured.append((api, web))
    (api_few, web_few), (api_many, web_many) = measured
    for listing in API:
        (few, shown_few), (many, shown_many) = api_few[str(listing)], api_many[str(listing)]
        assert shown_many > shown_few, f"{listing}: the larger world should show more rows"
        assert few == many <= BOUND, f"{listing}: {few} statements at 3 rows, {many} at 9"
    for listing in WEB:
        few, many = web_few[str(listing)], web_many[str(listing)]
        assert few == many <= BOUND, f"{listing}: {few} statements at 3 rows, {many} at 9"


def _walk(
    app: Flask, world: World, listing: Listing, *, insert_after_first: bool
) -> tuple[list[str], set[str]]:
    """Every id seen walking the collection two at a time (one row added after the first
    page when asked), and the ids there were before the walk."""
    api, headers = app.test_client(), world.tokens[listing.reader]
    url = listing.address(world)
    everything = api.get(url, headers=headers, query_string={**listing.query, "limit": 200})
    before = {item["id"] for item in everything.get_json()["items"]}
    seen: list[str] = []
    query: dict[str, Any] = {**listing.query, "limit": 2}
    while True:
        page = api.get(url, headers=headers, query_string=query)
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            assert body["next"] is None
            break
        assert body["next"].startswith(url) and "limit=2" in body["next"]
        query = {**query, "cursor": body["next_cursor"]}
        if insert_after_first and len(seen) == 2:
            _add(app, world, listing)
    return seen, before


@pytest.mark.parametrize("listing", API, ids=str)
def test_a_keyset_walk_sees_every_row_once_while_rows_are_added(
    app: Flask, db_connection: Connection, listing: Listing
) -> None:
    world = _world_for(app, listing, size=7)
    seen, before = _walk(app, world, listing, insert_after_first=True)
    assert len(seen) == len(set(seen)), f"{listing}: a row was shown twice"
    assert before <= set(seen), f"{listing}: a row was skipped"
    assert len(set(seen) - before) <= 1


def _world_for(app: Flask, listing: Listing, *, size: int) -> World:
    """A smaller world: the base of `_world` with `size` rows of `listing` only."""
    world = _world(app, 0)
    for _ in range(size):
        _add(app, world, listing)
    return world


WEB_ONLY: list[tuple[str, Callable[[World], Any], Callable[[World, str | None], Any]]] = [
    (
        "leaders",
        _leader,
        lambda w, c: leaders.list_leaders(_user(w, "coordinator"), cursor=c, limit=2),
    ),
    (
        "staff accounts",
        _staff_account,
        lambda w, c: accounts.list_users(_user(w, "admin"), cursor=c, limit=2),
    ),
    (
        "role changes",
        _role_change,
        lambda w, c: grants.pending_changes(_user(w, "admin"), cursor=c, limit=2),
    ),
]


def _row_id(item: Any) -> uuid.UUID:
    return item.leader.id if hasattr(item, "leader") else item.id


@pytest.mark.parametrize("name,make,list_page", WEB_ONLY, ids=[row[0] for row in WEB_ONLY])
def test_web_only_lists_walk_every_row_once_while_rows_are_added(
    app: Flask, db_connection: Connection, name: str, make: Callable, list_page: Callable
) -> None:
    world = _world(app, 0)
    with app.app_context():
        for _ in range(5):
            make(world)
        db.session.commit()
        cursor, before = None, set()
        while True:  # everything there is before the walk
            page = list_page(world, cursor)
            before |= {_row_id(item) for item in page.items}
            if (cursor := page.next_cursor) is None:
                break
        seen: list[uuid.UUID] = []
        while True:
            page = list_page(world, cursor)
            seen += [_row_id(item) for item in page.items]
            if (cursor := page.next_cursor) is None:
                break
            if len(seen) == 2:
                make(world)
                db.session.commit()
    assert len(seen) == len(set(seen)), f"{name}: a row was shown twice"
    assert before <= set(seen), f"{name}: a row was skipped"
    assert len(set(seen) - before) <= 1


def _tampered(cursor: str) -> list[str]:
    payload, _, signature = cursor.rpartition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [f"{payload}.{flipped}", "x" + cursor, "!!!", "e30", cursor[: len(cursor) // 2]]


def test_a_changed_or_foreign_cursor_is_a_400_with_a_message(
    app: Flask, db_connection: Connection
) -> None:
    world = _world(app, 3)
    api = app.test_client()
    cursors = {}
    for listing in API:
        headers = world.tokens[listing.reader]
        first = api.get(
            listing.address(world), headers=headers, query_string={**listing.query, "limit": 1}
        ).get_json()
        assert first["next_cursor"], listing
        cursors[listing.url] = first["next_cursor"]
    for index, listing in enumerate(API):
        foreign = cursors[API[index - 1].url]
        for cursor in [*_tampered(cursors[listing.url]), foreign]:
            response = api.get(
                listing.address(world),
                headers=world.tokens[listing.reader],
                query_string={**listing.query, "cursor": cursor},
            )
            assert response.status_code == 400, (listing.url, cursor, response.status_code)
            problem = response.get_json()
            assert "first page" in problem["detail"] and problem["errors"] == {
                "cursor": ["invalid"]
            }


def test_a_changed_cursor_on_a_web_list_shows_the_first_page_with_its_filters(
    app: Flask, db_connection: Connection
) -> None:
    world = _world(app, 1)
    for listing in WEB:
        browser = _signed_in(app, world, listing.reader)
        response = browser.get(listing.url, query_string={**listing.query, "after": "x.y"})
        assert response.status_code == 302, listing.url
        location = response.headers["Location"]
        assert "after" not in location and all(f"{k}=" in location for k in listing.query)
        assert browser.get(location).status_code == 200
