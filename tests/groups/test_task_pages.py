"""Direct enrolment in a club or course run and a cohort's mentoring sessions, on the run page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, User
from casework.care.models import Attendance
from casework.db import db, utcnow
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, MentoringSession
from casework.groups.services import enrolments, mentoring, runs
from tests.factories import make_consenting_client, make_team, staff
from tests.pages import csrf_token, sign_in


@pytest.fixture
def club(app: Flask) -> dict:
    """A club run of capacity 1 holding Anna, a cohort with Borys, Edyta registered by the
    facilitator (in no run), and Hanna registered by an outside consultant (hidden)."""
    ids = make_team(app, "Task pages team")
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.id.in_(ids.values()))):
            user.preferred_language = Language.EN
        facilitator = staff(ids, "facilitator")
        run = runs.create_run(
            facilitator,
            name="Fathers' club (tasks)",
            service_code="support_group_fathers",
            capacity=1,
            starts_on=utcnow().date(),
            facilitator_ids=[facilitator.id],
        )
        cohort = runs.create_run(
            facilitator,
            name="Leaders' academy (tasks)",
            service_code="support_group_mothers",
            capacity=5,
            starts_on=utcnow().date(),
            facilitator_ids=[facilitator.id],
            is_cohort=True,
        )
        anna = make_consenting_client(facilitator, given_name="Anna", family_name="Club")
        enrolments.enrol(facilitator, run.id, client_id=anna.id)
        borys = make_consenting_client(facilitator, given_name="Borys", family_name="Cohort")
        member = enrolments.enrol(facilitator, cohort.id, client_id=borys.id)
        edyta = make_consenting_client(facilitator, given_name="Edyta", family_name="New")
        hanna = make_consenting_client(
            staff(ids, "outside_consultant"), given_name="Hanna", family_name="Hidden"
        )
        db.session.commit()
        emails = {n: db.session.get(User, i).email for n, i in ids.items()}  # type: ignore[union-attr]
        return {
            **emails,
            "ids": ids,
            "run": str(run.id),
            "cohort": str(cohort.id),
            "member": str(member.id),
            "edyta": str(edyta.id),
            "hanna": str(hanna.id),
        }


def _open(app: Flask, run_id: str, client_id: str) -> list[tuple[GroupEnrolmentStatus, object]]:
    """(status, case id) of the person's enrolments in the run."""
    with app.app_context():
        return [
            (e.status, e.case_id)
            for e in db.session.scalars(
                select(GroupEnrolment).where(
                    GroupEnrolment.run_id == uuid.UUID(run_id),
                    GroupEnrolment.client_id == uuid.UUID(client_id),
                )
            )
        ]


def test_the_facilitator_enrols_a_person_directly_and_a_full_run_queues_them(
    app: Flask, client: FlaskClient, club: dict
) -> None:
    assert sign_in(client, club["facilitator"]).status_code == 302
    path = f"/groups/{club['run']}"
    page = client.get(path).get_data(as_text=True)
    offered = page[page.index('id="enrol-title"') :]
    assert "Edyta New" in offered
    assert "Hanna Hidden" not in page and "Anna Club</option>" not in offered
    response = client.post(
        f"{path}/enrol",
        data={"csrf_token": csrf_token(client, path), "enrol-person": club["edyta"]},
    )
    assert response.status_code == 302 and response.headers["Location"] == path
    shown = client.get(path).get_data(as_text=True)
    assert "number 1 on its waitlist" in shown
    waiting = shown[shown.index("data-waitlist") :]
    assert "Edyta New" in waiting[: waiting.index("</table>")]
    assert _open(app, club["run"], club["edyta"]) == [(GroupEnrolmentStatus.WAITLISTED, None)]


def test_a_hidden_person_answers_like_a_missing_one_and_nothing_is_written(
    app: Flask, client: FlaskClient, club: dict
) -> None:
    assert sign_in(client, club["facilitator"]).status_code == 302
    path = f"/groups/{club['run']}"
    answers = [
        client.post(
            f"{path}/enrol",
            data={"csrf_token": csrf_token(client, path), "enrol-person": person},
        )
        for person in (club["hanna"], str(uuid.uuid4()))
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert (
        answers[0].get_data(as_text=True).count('class="error"')
        == answers[1].get_data(as_text=True).count('class="error"')
        >= 1
    )
    assert "Hanna" not in answers[0].get_data(as_text=True)
    assert _open(app, club["run"], club["hanna"]) == []


def test_staff_who_do_not_manage_the_run_cannot_enrol_directly(
    app: Flask, client: FlaskClient, club: dict
) -> None:
    assert sign_in(client, club["facilitator2"]).status_code == 302
    path = f"/groups/{club['run']}"
    page = client.get(path).get_data(as_text=True)
    assert 'id="enrol-title"' not in page
    response = client.post(
        f"{path}/enrol",
        data={"csrf_token": csrf_token(client, path), "enrol-person": club["edyta"]},
    )
    assert response.status_code == 403
    assert _open(app, club["run"], club["edyta"]) == []


def test_the_facilitator_records_a_mentoring_session_of_a_cohort_member(
    app: Flask, client: FlaskClient, club: dict
) -> None:
    assert sign_in(client, club["facilitator"]).status_code == 302
    path = f"/groups/{club['cohort']}"
    page = client.get(path).get_data(as_text=True)
    assert "No mentoring sessions yet." in page
    mentor = club["ids"]["facilitator2"]
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = client.post(
        f"{path}/mentoring",
        data={
            "csrf_token": csrf_token(client, path),
            "mentoring-member": club["member"],
            "mentoring-mentor": str(mentor),
            "mentoring-day": day,
            "mentoring-starts": "16:00",
            "mentoring-minutes": "45",
        },
    )
    assert response.status_code == 302
    shown = client.get(path).get_data(as_text=True)
    assert "The mentoring session is recorded." in shown
    table = shown[shown.index("data-mentoring") :]
    table = table[: table.index("</table>")]
    assert "Borys Cohort" in table and '<option value="scheduled" selected>' in table
    with app.app_context():
        (session,) = db.session.scalars(
            select(MentoringSession).where(MentoringSession.run_id == uuid.UUID(club["cohort"]))
        )
        assert session.mentor_id == mentor
        assert session.ends_at - session.starts_at == timedelta(minutes=45)
    # a club is not a cohort: no mentoring there
    assert "data-mentoring" not in client.get(f"/groups/{club['run']}").get_data(as_text=True)


def test_a_mentoring_session_needs_a_member_holding_a_seat(
    app: Flask, client: FlaskClient, club: dict
) -> None:
    assert sign_in(client, club["facilitator"]).status_code == 302
    path = f"/groups/{club['cohort']}"
    response = client.post(
        f"{path}/mentoring",
        data={
            "csrf_token": csrf_token(client, path),
            "mentoring-member": str(uuid.uuid4()),
            "mentoring-mentor": str(club["ids"]["facilitator2"]),
            "mentoring-day": "2030-01-01",
            "mentoring-starts": "16:00",
            "mentoring-minutes": "45",
        },
    )
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(MentoringSession)).all() == []


def test_the_mentor_marks_a_past_session_attended(
    app: Flask, client: FlaskClient, club: dict
) -> None:
    with app.app_context():
        start = utcnow() - timedelta(hours=2)
        session = mentoring.schedule_mentoring(
            staff(club["ids"], "facilitator"),
            uuid.UUID(club["member"]),
            mentor_id=club["ids"]["facilitator2"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        db.session.commit()
        session_id = session.id
    # the mentor does not manage the run: they see their session, without the member's name
    assert sign_in(client, club["facilitator2"]).status_code == 302
    path = f"/groups/{club['cohort']}"
    page = client.get(path).get_data(as_text=True)
    table = page[page.index("data-mentoring") :]
    assert f"/groups/mentoring/{session_id}/attendance" in table and "Borys" not in page
    response = client.post(
        f"/groups/mentoring/{session_id}/attendance",
        data={"csrf_token": csrf_token(client, path), "version": "1", "attendance": "attended"},
    )
    assert response.headers["Location"] == path
    stale = client.post(
        f"/groups/mentoring/{session_id}/attendance",
        data={"csrf_token": csrf_token(client, path), "version": "1", "attendance": "no_show"},
    )
    assert stale.headers["Location"] == "/groups"
    with app.app_context():
        marked = db.session.get(MentoringSession, session_id)
        assert marked is not None and marked.attendance == Attendance.ATTENDED
