"""Supervision records: encrypted notes, case references, actions, who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from casework.supervision import services as supervision
from casework.supervision.models import SupervisionRecord
from tests.factories import make_case, staff


def _record(team, **fields):
    today = utcnow().date()
    case = make_case(staff(team, "manager"))
    defaults = {
        "practitioner_id": team["therapist"],
        "held_on": today,
        "notes": "Countertransference in the Nowak case; slow down.",
        "case_ids": [case.id],
        "actions": [supervision.NewAction("Read about rupture and repair", today + timedelta(7))],
    }
    return supervision.create_record(staff(team, "supervisor"), **(defaults | fields))


def test_notes_and_actions_are_stored_encrypted(app: Flask, team) -> None:
    with app.app_context():
        record = _record(team)
        raw = db.session.execute(
            select(SupervisionRecord.notes_ciphertext).where(SupervisionRecord.id == record.id)
        ).scalar_one()
        assert b"Countertransference" not in raw
        assert record.actions[0].description_ciphertext is not None
        assert len(record.case_ids) == 1


def test_the_practitioner_the_author_and_team_supervisors_see_a_record(app: Flask, team) -> None:
    with app.app_context():
        record = _record(team)
        for name in ("therapist", "supervisor"):
            seen = supervision.read_record(staff(team, name), record.id)
            assert seen.notes.startswith("Countertransference")
        for name in ("manager", "facilitator", "outside_supervisor", "admin", "consultant"):
            with pytest.raises(NotFound):
                supervision.read_record(staff(team, name), record.id)
            assert supervision.list_records(staff(team, name)).items == []
        assert [r.id for r in supervision.list_records(staff(team, "therapist")).items] == [
            record.id
        ]
        reads = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(record.id))
        ).all()
        assert reads.count("supervision.read") == 2


def test_only_a_supervisor_of_the_practitioners_team_records(app: Flask, team) -> None:
    with app.app_context():
        with pytest.raises(ValidationError, match="team you supervise"):
            supervision.create_record(
                staff(team, "outside_supervisor"),
                practitioner_id=team["therapist"],
                held_on=utcnow().date(),
                notes="x",
            )
        with pytest.raises(Forbidden):
            supervision.create_record(
                staff(team, "manager"),
                practitioner_id=team["therapist"],
                held_on=utcnow().date(),
                notes="x",
            )
        outsider_case = make_case(staff(team, "manager"))
        outsider_case.team_id = None
        db.session.flush()
        with pytest.raises(ValidationError, match="only cases you can see"):
            _record(team, case_ids=[outsider_case.id])


def test_actions_are_closed_by_the_practitioner_once(app: Flask, team) -> None:
    with app.app_context():
        record = _record(team)
        action = record.actions[0]
        done = supervision.complete_action(staff(team, "therapist"), action.id)
        assert done.done_at is not None
        with pytest.raises(Conflict):
            supervision.complete_action(staff(team, "therapist"), action.id)
        added = supervision.add_action(
            staff(team, "supervisor"),
            record.id,
            supervision.NewAction("Bring the genogram", utcnow().date() + timedelta(days=14)),
        )
        with pytest.raises(Forbidden):
            supervision.add_action(
                staff(team, "therapist"),
                record.id,
                supervision.NewAction("x", utcnow().date()),
            )
        assert added.description == "Bring the genogram"


def test_practitioners_i_supervise_are_the_clinical_staff_of_my_teams(app: Flask, team) -> None:
    with app.app_context():
        supervisor = staff(team, "supervisor")
        ids = {person.id for person in supervision.practitioners_i_supervise(supervisor)}
        assert team["therapist"] in ids and team["facilitator"] in ids
        assert team["supervisor"] not in ids and team["consultant"] not in ids
        assert team["outside_supervisor"] not in ids
        outside = supervision.practitioners_i_supervise(staff(team, "outside_supervisor"))
        assert team["therapist"] not in {person.id for person in outside}
        with pytest.raises(Forbidden):
            supervision.practitioners_i_supervise(staff(team, "therapist"))


def test_may_change_is_the_author_or_a_supervisor_of_the_team(app: Flask, team) -> None:
    with app.app_context():
        record = _record(team)
        assert supervision.may_change(staff(team, "supervisor"), record)
        assert not supervision.may_change(staff(team, "therapist"), record)
        assert not supervision.may_change(staff(team, "outside_supervisor"), record)
