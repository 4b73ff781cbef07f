"""Projects: facts, targets, attribution and the rule the report engine counts by."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.auth.models import Language, Role
from casework.consultations.models import Channel, ConsultationTopic, InformationConsultation
from casework.consultations.services import log_consultation
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.groups.models import GroupRun
from casework.groups.services import runs as group_runs
from casework.partners import services as partners
from casework.partners.models import EventKind, PublicEvent
from casework.projects import services as projects
from casework.projects.models import Project
from casework.projects.scope import ActivityKind, attributions, default_project_id, project_scope
from tests.factories import make_team, make_user, staff
from tests.pages import csrf_token


@pytest.fixture
def team(app: Flask) -> dict:
    return make_team(app)


def _coordinator():
    return make_user(roles=(Role.COORDINATOR,))


def _project(user, name: str = "The Power of Relationships") -> Project:
    return projects.create_project(
        user,
        name=name,
        funder="City of Kraków",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        budget=Decimal("125000.00"),
    )


def _runs_in(project_id: uuid.UUID) -> set[str]:
    scope = project_scope(project_id)
    return set(db.session.scalars(select(GroupRun.name).where(scope.group_runs(GroupRun.id))))


def test_the_migration_creates_one_default_project(app: Flask) -> None:
    with app.app_context():
        defaults = db.session.scalars(select(Project).where(Project.is_default.is_(True))).all()
        assert [p.name for p in defaults] == ["Core activity"]
        assert default_project_id() == defaults[0].id


def test_a_coordinator_creates_a_project_and_sets_targets(app: Flask) -> None:
    with app.app_context():
        coordinator = _coordinator()
        project = _project(coordinator)
        targets = projects.set_targets(
            coordinator,
            project.id,
            {"krakow.people_diagnosed": Decimal(300), "krakow.beneficiaries": Decimal(250)},
        )
        assert {t.indicator_key: t.target_value for t in targets} == {
            "krakow.beneficiaries": Decimal(250),
            "krakow.people_diagnosed": Decimal(300),
        }
        left = projects.set_targets(coordinator, project.id, {"krakow.beneficiaries": None})
        assert [t.indicator_key for t in left] == ["krakow.people_diagnosed"]


def test_project_input_is_checked_with_messages_that_say_what_to_fix(app: Flask) -> None:
    with app.app_context():
        coordinator = _coordinator()
        project = _project(coordinator)
        with pytest.raises(Conflict, match="choose another name"):
            _project(coordinator)
        with pytest.raises(ValidationError, match="cannot end before it starts"):
            projects.update_project(
                coordinator, project.id, expected_version=project.version, ends_on=date(2024, 1, 1)
            )
        with pytest.raises(ValidationError, match=r"report>\.<indicator"):
            projects.set_targets(coordinator, project.id, {"People diagnosed": Decimal(1)})
        with pytest.raises(ValidationError, match="UUID"):
            projects.attribute(coordinator, project.id, kind=ActivityKind.EVENT, add=["x"])
        with pytest.raises(ValidationError, match="no such service"):
            projects.attribute(
                coordinator, project.id, kind=ActivityKind.SERVICE, add=["no_such_service"]
            )


def test_only_administrators_and_coordinators_manage_projects(app: Flask, team) -> None:
    with app.app_context():
        with pytest.raises(Forbidden):
            _project(staff(team, "supervisor"))
        with pytest.raises(Forbidden):
            _project(staff(team, "facilitator"))
        project = _project(staff(team, "admin"))
        assert projects.get_project(staff(team, "supervisor"), project.id).project.name
        with pytest.raises(NotFound):
            projects.get_project(staff(team, "therapist"), project.id)


def test_a_run_follows_its_service_unless_attributed_itself(app: Flask, team) -> None:
    with app.app_context():
        coordinator, facilitator = _coordinator(), staff(team, "facilitator")
        krakow, other = _project(coordinator), _project(coordinator, "Another grant")

        def run(name: str, service: str) -> GroupRun:
            return group_runs.create_run(
                facilitator,
                name=name,
                service_code=service,
                capacity=10,
                starts_on=utcnow().date(),
            )

        mothers = run("Mothers", "support_group_mothers")
        fathers = run("Fathers", "support_group_fathers")
        parenting = run("Parenting", "parenting_workshops")
        projects.attribute(
            coordinator, krakow.id, kind=ActivityKind.SERVICE, add=["support_group_mothers"]
        )
        projects.attribute(
            coordinator, other.id, kind=ActivityKind.GROUP_RUN, add=[str(fathers.id)]
        )
        projects.attribute(
            coordinator, krakow.id, kind=ActivityKind.GROUP_RUN, add=[str(parenting.id)]
        )
        projects.attribute(
            coordinator, other.id, kind=ActivityKind.GROUP_RUN, add=[str(parenting.id)]
        )
        default = default_project_id()
        assert _runs_in(krakow.id) == {"Mothers", "Parenting"}
        assert _runs_in(other.id) == {"Fathers", "Parenting"}  # one run counts for two
        assert {"Mothers", "Fathers", "Parenting"}.isdisjoint(_runs_in(default))

        projects.attribute(
            coordinator, other.id, kind=ActivityKind.GROUP_RUN, remove=[str(fathers.id)]
        )
        assert "Fathers" in _runs_in(default)  # attributed nowhere: the default project
        assert mothers.id not in {
            key
            for key, project_id in db.session.execute(attributions(ActivityKind.GROUP_RUN))
            if project_id == default
        }


def test_events_attributed_nowhere_count_for_the_default_project(app: Flask, team) -> None:
    with app.app_context():
        coordinator, supervisor = _coordinator(), staff(team, "supervisor")
        project = _project(coordinator)
        picnic, _lecture = (
            partners.create_event(
                supervisor,
                title=title,
                kind=EventKind.PUBLIC_EVENT,
                held_on=date(2026, 5, 1),
                headcount=40,
            )
            for title in ("Family picnic", "Lecture on relationships")
        )
        projects.attribute(coordinator, project.id, kind=ActivityKind.EVENT, add=[str(picnic.id)])

        def titles(project_id: uuid.UUID) -> set[str]:
            scope = project_scope(project_id)
            return set(
                db.session.scalars(select(PublicEvent.title).where(scope.events(PublicEvent.id)))
            )

        assert titles(project.id) == {"Family picnic"}
        assert "Lecture on relationships" in titles(default_project_id())
        assert "Family picnic" not in titles(default_project_id())
        total = db.session.scalar(
            select(func.count(PublicEvent.id)).where(project_scope(None).events(PublicEvent.id))
        )
        assert total == db.session.scalar(select(func.count()).select_from(PublicEvent))


def test_unknown_project_in_a_scope_is_not_found(app: Flask) -> None:
    with app.app_context(), pytest.raises(NotFound):
        project_scope(uuid.uuid4())


def _api_login(client: FlaskClient, login_as, role: Role) -> str:
    login_as(role)
    return csrf_token(client, "/")


def test_the_api_creates_lists_and_attributes(app: Flask, client: FlaskClient, login_as) -> None:
    token = _api_login(client, login_as, Role.COORDINATOR)
    headers = {"X-CSRFToken": token}
    created = client.post(
        "/api/v1/projects",
        json={
            "name": "WroMigrant 2026",
            "funder": "EU AMIF",
            "starts_on": "2026-01-01",
            "budget": "80000.00",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["budget"] == "80000.00" and body["is_default"] is False
    attributed = client.post(
        f"/api/v1/projects/{body['id']}/attribution",
        json={"kind": "service", "add": ["individual_counselling"]},
        headers=headers,
    )
    assert attributed.get_json()["service_codes"] == ["individual_counselling"]
    targets = client.put(
        f"/api/v1/projects/{body['id']}/targets",
        json={"targets": [{"indicator_key": "wromigrant.people", "target_value": "1200"}]},
        headers=headers,
    )
    assert targets.get_json()["targets"] == [
        {"indicator_key": "wromigrant.people", "target_value": "1200.00"}
    ]
    listed = client.get("/api/v1/projects?limit=1").get_json()
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    following = client.get(f"/api/v1/projects?limit=1&cursor={listed['next_cursor']}").get_json()
    assert following["items"][0]["id"] != listed["items"][0]["id"]
    assert client.get("/api/v1/projects?funder=EU").status_code == 422
    stale = client.patch(
        f"/api/v1/projects/{body['id']}", json={"version": 99, "name": "x"}, headers=headers
    )
    assert stale.status_code == 409
    unversioned = client.patch(
        f"/api/v1/projects/{body['id']}", json={"name": "x"}, headers=headers
    )
    assert unversioned.status_code == 422
    bad = client.post(
        f"/api/v1/projects/{body['id']}/consultations",
        json={"date_from": "2026-02-01", "date_to": "2026-01-01"},
        headers=headers,
    )
    assert bad.status_code == 422


def test_a_therapist_gets_404_from_the_projects_api(client: FlaskClient, login_as) -> None:
    login_as(Role.THERAPIST)
    assert client.get("/api/v1/projects").status_code == 404


def test_the_project_pages_create_and_edit(app: Flask, client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, preferred_language=Language.EN)
    token = csrf_token(client, "/projects/new")
    answer = client.post(
        "/projects/new",
        data={
            "csrf_token": token,
            "name": "Clubs 2026",
            "funder": "Voivodeship",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "budget": "1000",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Clubs 2026" in page and "What counts for this project" in page
    project_url = answer.headers["Location"]
    token = csrf_token(client, project_url)
    saved = client.post(
        f"{project_url}/targets",
        data={
            "csrf_token": token,
            "target-indicator_key": "clubs.meetings",
            "target-target_value": "40",
        },
    )
    assert saved.status_code == 302
    assert "clubs.meetings" in client.get(project_url).get_data(as_text=True)
    early = client.post(
        f"{project_url}/edit",
        data={
            "csrf_token": token,
            "project-version": "1",
            "project-name": "Clubs 2026",
            "project-starts_on": "2026-06-01",
            "project-ends_on": "2026-01-01",
        },
    )
    assert early.status_code == 200
    assert "cannot end before it starts" in early.get_data(as_text=True)
    unversioned = client.post(
        f"{project_url}/edit",
        data={"csrf_token": token, "project-name": "Clubs 2027", "project-starts_on": "2026-01-01"},
    )
    assert unversioned.status_code == 200
    assert "This page is out of date" in unversioned.get_data(as_text=True)
    assert "Clubs 2027" not in client.get("/projects").get_data(as_text=True)
    index = client.get("/projects").get_data(as_text=True)
    assert "Core activity" in index and "Clubs 2026" in index


def test_days_of_consultations_are_attributed_once(app: Flask, team) -> None:
    with app.app_context():
        coordinator, consultant = _coordinator(), staff(team, "consultant")
        project = _project(coordinator)
        today = utcnow().date()
        topic = db.session.scalar(select(ConsultationTopic.code).limit(1))
        for days_ago in (1, 10, 40):
            log_consultation(
                consultant,
                consulted_on=today - timedelta(days=days_ago),
                channel=Channel.PHONE,
                language="uk",
                topic_codes=[topic],
                duration_minutes=15,
            )
        window = {"date_from": today - timedelta(days=30), "date_to": today}
        assert projects.attribute_consultations_between(coordinator, project.id, **window) == 2
        assert projects.attribute_consultations_between(coordinator, project.id, **window) == 0
        assert projects.get_project(coordinator, project.id).consultation_count == 2
        scope = project_scope(default_project_id())
        unattributed = db.session.scalar(
            select(func.count(InformationConsultation.id)).where(
                scope.consultations(InformationConsultation.id)
            )
        )
        assert unattributed == 1  # the one 40 days ago counts for the default project
