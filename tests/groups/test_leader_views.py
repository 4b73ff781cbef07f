"""The peer leaders' pages through the test client: the register, adding and changing a record,
trainings, and choosing who leads a run on the run's page."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.auth.models import Language, Role
from casework.db import db, utcnow
from casework.groups.models import MentoringSession, PeerLeader, PeerLeaderKind
from casework.groups.services import enrolments, leaders, mentoring, runs
from tests.factories import make_consenting_client, make_user, staff
from tests.pages import csrf_token, id_in, post_form, sign_in


def _coordinator(app: Flask) -> str:
    with app.app_context():
        user = make_user(roles=(Role.COORDINATOR,), preferred_language=Language.EN)
        db.session.commit()
        return user.email


def _leaders(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PeerLeader)) or 0


def test_a_coordinator_adds_changes_and_trains_a_leader(app: Flask, client: FlaskClient) -> None:
    assert sign_in(client, _coordinator(app)).status_code == 302
    assert "No peer leaders or volunteers recorded yet." in client.get("/leaders").get_data(
        as_text=True
    )
    blank = post_form(client, "/leaders/new", {"kind": "peer_leader", "name": ""})
    assert blank.status_code == 200 and 'class="error"' in blank.get_data(as_text=True)
    assert _leaders(app) == 0

    created = post_form(
        client,
        "/leaders/new",
        {
            "kind": "volunteer",
            "name": "Halyna Test",
            "contact": "halyna@example.test",
            "languages": ["uk", "ru"],
            "academy_run": "",
        },
    )
    assert created.status_code == 302
    leader_id = id_in(created.headers["Location"])
    page = client.get(f"/leaders/{leader_id}").get_data(as_text=True)
    assert "Halyna Test" in page and "<dd>Ukrainian, Russian</dd>" in page
    assert "<dd>Volunteer</dd>" in page  # the label, not the stored value

    version = re.search(r'name="version"[^>]*value="(\d+)"', page)
    assert version
    changed = post_form(
        client,
        f"/leaders/{leader_id}",
        {
            "version": version.group(1),
            "kind": "peer_leader",
            "name": "Halyna Test",
            "languages": ["uk"],
            "academy_run": "",
        },
    )
    assert changed.status_code == 302
    page = client.get(f"/leaders/{leader_id}").get_data(as_text=True)
    assert "<dd>Peer leader</dd>" in page and "<dd>Ukrainian</dd>" in page
    assert "<dd>No</dd>" in page  # no longer active

    path = f"/leaders/{leader_id}/trainings"
    token = csrf_token(client, f"/leaders/{leader_id}")
    future = client.post(
        path, data={"csrf_token": token, "title": "First aid", "completed_on": "2099-01-01"}
    )
    assert future.status_code == 422
    assert "a training is recorded once it is completed" in future.get_data(as_text=True)
    done = client.post(
        path, data={"csrf_token": token, "title": "First aid", "completed_on": "2025-05-05"}
    )
    assert done.status_code == 302
    assert "First aid" in client.get(f"/leaders/{leader_id}").get_data(as_text=True)


def test_the_register_is_not_for_facilitators(client: FlaskClient, team_emails) -> None:
    assert sign_in(client, team_emails["facilitator"]).status_code == 302
    assert client.get("/leaders").status_code == 404
    assert client.get("/leaders/new").status_code == 404


def test_a_facilitator_chooses_who_leads_a_run_on_its_page(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        run = runs.create_run(
            facilitator,
            name="Club for women (leaders)",
            service_code="support_group_mothers",
            capacity=8,
            starts_on=utcnow().date(),
        )
        db.session.commit()
        run_path = f"/groups/{run.id}"
    sign_in(client, _coordinator(app))
    created = post_form(client, "/leaders/new", {"kind": "peer_leader", "name": "Marta Leader"})
    leader_id = id_in(created.headers["Location"])
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    assert sign_in(client, team_emails["facilitator"]).status_code == 302
    page = client.get(run_path).get_data(as_text=True)
    assert "Who leads the run" in page and "none: staff lead it" in page
    assert f'value="{leader_id}"' in page
    response = post_form(client, f"{run_path}/leaders", {"leaders": [leader_id]}, form_on=run_path)
    assert response.status_code == 302 and response.headers["Location"] == run_path
    page = client.get(run_path).get_data(as_text=True)
    panel = page[page.index("Who leads the run") :]
    assert "Marta Leader" in panel[: panel.index("Staff responsible")]
    with app.app_context():
        assert staff(team, "facilitator").display_name in panel

    unknown = post_form(
        client, f"{run_path}/leaders", {"leaders": [run_path[-36:]]}, form_on=run_path
    )
    assert unknown.status_code == 302
    assert "Choose peer leaders from the list." in client.get(run_path).get_data(as_text=True)


def test_a_cohort_manager_has_a_peer_leader_give_a_mentoring_session(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        cohort = runs.create_run(
            facilitator,
            name="Academy (leaders' pages)",
            service_code="support_group_mothers",
            capacity=8,
            starts_on=utcnow().date(),
            is_cohort=True,
        )
        member = enrolments.enrol(
            facilitator, cohort.id, client_id=make_consenting_client(facilitator).id
        )
        start = utcnow() + timedelta(days=2)
        session = mentoring.schedule_mentoring(
            facilitator,
            member.id,
            mentor_id=facilitator.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        leader = leaders.add_leader(
            make_user(roles=(Role.COORDINATOR,)), kind=PeerLeaderKind.PEER_LEADER, name="Lesia"
        )
        db.session.commit()
        run_path, session_id, leader_id = f"/groups/{cohort.id}", session.id, leader.id
    assert sign_in(client, team_emails["facilitator"]).status_code == 302
    page = client.get(run_path).get_data(as_text=True)
    assert "Mentoring given by peer leaders" in page and f'value="{leader_id}"' in page
    response = post_form(
        client,
        f"{run_path}/mentoring/{session_id}/leader",
        {"version": 1, "peer_leader": str(leader_id)},
        form_on=run_path,
    )
    assert response.status_code == 302 and response.headers["Location"] == run_path
    with app.app_context():
        given = db.session.get(MentoringSession, session_id)
        assert given is not None and given.peer_leader_id == leader_id
    page = client.get(run_path).get_data(as_text=True)
    assert f'<option value="{leader_id}" selected>Lesia</option>' in page

    # The page is out of date: the version it sent is no longer the session's.
    post_form(
        client,
        f"{run_path}/mentoring/{session_id}/leader",
        {"version": 1, "peer_leader": ""},
        form_on=run_path,
    )
    with app.app_context():
        kept = db.session.get(MentoringSession, session_id)
        assert kept is not None and kept.peer_leader_id == leader_id
