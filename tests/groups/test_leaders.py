"""Peer leaders and volunteers: a register without accounts, their trainings, the runs they lead
(with the run's facilitators responsible), mentoring they give, and who may do what."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Role, User
from casework.db import db, utcnow
from casework.errors import Forbidden, NotFound, ValidationError
from casework.groups.models import PeerLeader, PeerLeaderKind
from casework.groups.services import enrolments, leaders, mentoring
from tests.factories import make_consenting_client, make_user, staff

NAME = "Olena Kowalczyk-Leaderska"
CONTACT = "+48 600 700 800"


def _coordinator() -> User:
    return make_user(roles=(Role.COORDINATOR,))


def test_a_leader_is_recorded_encrypted_with_no_account_and_no_name_in_the_audit(
    app: Flask, team, make_run, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        coordinator = _coordinator()
        academy = make_run(cohort=True, name="Leaders' academy 2025")
        users_before = db.session.scalar(select(func.count()).select_from(User))
        leader = leaders.add_leader(
            coordinator,
            kind=PeerLeaderKind.PEER_LEADER,
            name=f"  {NAME} ",
            contact=CONTACT,
            languages=["uk", "pl", "uk"],
            academy_run_id=academy.id,
        )
        leaders.add_training(
            coordinator, leader.id, title="Leaders' academy", completed_on=date(2025, 6, 30)
        )
        db.session.commit()

        # No staff row, so nothing to sign in with.
        assert db.session.scalar(select(func.count()).select_from(User)) == users_before
        name, contact, languages = db.session.execute(
            select(
                PeerLeader.name_ciphertext, PeerLeader.contact_ciphertext, PeerLeader.languages
            ).where(PeerLeader.id == leader.id)
        ).one()
        assert name and b"Olena" not in name and contact and b"600" not in contact
        assert languages == "pl,uk"

        detail = leaders.get_leader(coordinator, leader.id)
        assert detail.leader.name == NAME and detail.leader.contact == CONTACT
        assert detail.academy_run is not None and detail.academy_run.id == academy.id
        assert [t.title for t in detail.leader.trainings] == ["Leaders' academy"]

        events = list(db.session.scalars(select(AuditEvent)))
        assert {"peer_leader.create", "peer_leader.training"} <= {e.action for e in events}
        for event in events:
            dumped = repr((event.fields, event.object_id, event.reason))
            assert "Olena" not in dumped and "600 700" not in dumped
        assert "Olena" not in caplog.text and "600 700" not in caplog.text


def test_validation_errors_name_the_field(app: Flask, team, make_run) -> None:
    with app.app_context():
        coordinator = _coordinator()
        club = make_run(name="Not a cohort")
        with pytest.raises(ValidationError) as blank:
            leaders.add_leader(coordinator, kind=PeerLeaderKind.VOLUNTEER, name="   ")
        assert blank.value.fields == {"name": ["required"]}
        with pytest.raises(ValidationError) as language:
            leaders.add_leader(
                coordinator, kind=PeerLeaderKind.VOLUNTEER, name="Ann", languages=["xx"]
            )
        assert "languages" in language.value.fields
        with pytest.raises(ValidationError) as academy:
            leaders.add_leader(
                coordinator, kind=PeerLeaderKind.VOLUNTEER, name="Ann", academy_run_id=club.id
            )
        assert "academy_run" in academy.value.fields
        leader = leaders.add_leader(coordinator, kind=PeerLeaderKind.VOLUNTEER, name="Ann")
        with pytest.raises(ValidationError) as future:
            leaders.add_training(
                coordinator,
                leader.id,
                title="First aid",
                completed_on=utcnow().date() + timedelta(days=3),
            )
        assert "completed_on" in future.value.fields
        assert db.session.scalar(select(func.count()).select_from(PeerLeader)) == 1


def test_only_coordinators_and_supervisors_keep_the_register(app: Flask, team) -> None:
    with app.app_context():
        leader = leaders.add_leader(
            staff(team, "supervisor"), kind=PeerLeaderKind.VOLUNTEER, name="Vera"
        )
        for name in ("facilitator", "manager", "consultant", "admin"):
            with pytest.raises(Forbidden):
                leaders.add_leader(staff(team, name), kind=PeerLeaderKind.VOLUNTEER, name="X")
            with pytest.raises(NotFound):
                leaders.get_leader(staff(team, name), leader.id)


def test_a_run_led_by_peer_leaders_with_its_facilitators_responsible(
    app: Flask, team, make_run
) -> None:
    with app.app_context():
        coordinator = _coordinator()
        facilitator = staff(team, "facilitator")
        run = make_run(name="Women's club, Monday")
        maria = leaders.add_leader(coordinator, kind=PeerLeaderKind.PEER_LEADER, name="Maria")
        ira = leaders.add_leader(coordinator, kind=PeerLeaderKind.VOLUNTEER, name="Ira")
        gone = leaders.add_leader(coordinator, kind=PeerLeaderKind.VOLUNTEER, name="Gone")
        leaders.update_leader(
            coordinator,
            gone.id,
            expected_version=gone.version,
            kind=gone.kind,
            name="Gone",
            contact=None,
            languages=[],
            is_active=False,
            academy_run_id=None,
        )

        leaders.set_run_leaders(facilitator, run.id, [maria.id, ira.id])
        shown = leaders.run_leaders(facilitator, run.id)
        assert [leader.name for leader in shown.leaders] == ["Ira", "Maria"]
        assert [person.id for person in shown.responsible] == [facilitator.id]
        assert shown.may_choose and gone.id not in {o.id for o in shown.options}
        assert [run_.id for run_ in leaders.get_leader(coordinator, maria.id).runs] == [run.id]
        rows = {row.leader.name: row.runs_led for row in leaders.list_leaders(coordinator).items}
        assert rows == {"Gone": 0, "Ira": 1, "Maria": 1}

        with pytest.raises(ValidationError) as inactive:
            leaders.set_run_leaders(facilitator, run.id, [gone.id])
        assert inactive.value.fields == {"leaders": ["unknown"]}
        # A case manager sees the run, but only its managers choose who leads it.
        manager = staff(team, "manager")
        assert not leaders.run_leaders(manager, run.id).may_choose
        with pytest.raises(Forbidden):
            leaders.set_run_leaders(manager, run.id, [])
        leaders.set_run_leaders(facilitator, run.id, [maria.id])
        assert [ld.name for ld in leaders.run_leaders(facilitator, run.id).leaders] == ["Maria"]


def test_a_peer_leader_gives_a_cohort_mentoring_session(app: Flask, team, make_run) -> None:
    with app.app_context():
        facilitator = staff(team, "facilitator")
        cohort = make_run(cohort=True, name="Academy 2026")
        member = enrolments.enrol(
            facilitator, cohort.id, client_id=make_consenting_client(facilitator).id
        )
        start = utcnow() + timedelta(days=1)
        session = mentoring.schedule_mentoring(
            facilitator,
            member.id,
            mentor_id=facilitator.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        leader = leaders.add_leader(_coordinator(), kind=PeerLeaderKind.PEER_LEADER, name="Zoya")
        given = leaders.give_mentoring(
            facilitator, session.id, leader_id=leader.id, expected_version=session.version
        )
        assert given.peer_leader_id == leader.id and given.mentor_id == facilitator.id
        with pytest.raises(NotFound):
            leaders.give_mentoring(
                staff(team, "consultant"), session.id, leader_id=None, expected_version=1
            )
