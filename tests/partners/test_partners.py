"""Partner institutions, trainings with headcounts per type, events: supervisors and admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.db import utcnow
from casework.errors import Conflict, Forbidden, ValidationError
from casework.partners import services as partners
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from tests.factories import staff


def test_professionals_trained_are_counted_per_institution_and_type(app: Flask, team) -> None:
    with app.app_context():
        admin = staff(team, "admin")
        today = utcnow().date()
        mops = partners.create_institution(admin, name="MOPS", kind=InstitutionKind.SOCIAL_WELFARE)
        school = partners.create_institution(admin, name="SP 12", kind=InstitutionKind.SCHOOL)
        first = partners.create_training(
            admin,
            title="Violence in families",
            held_on=today - timedelta(days=40),
            participants=[
                partners.Headcount(mops.id, ProfessionalType.SOCIAL_WORKER, 7),
                partners.Headcount(mops.id, ProfessionalType.FAMILY_ASSISTANT, 2),
                partners.Headcount(school.id, ProfessionalType.TEACHER, 5),
            ],
        )
        partners.add_participants(
            admin, first.id, [partners.Headcount(mops.id, ProfessionalType.SOCIAL_WORKER, 1)]
        )
        partners.create_training(
            staff(team, "supervisor"),
            title="Couples in conflict",
            held_on=today,
            participants=[partners.Headcount(mops.id, ProfessionalType.SOCIAL_WORKER, 3)],
        )
        rows = {
            (r["institution_name"], r["professional_type"].value): (
                r["professionals"],
                r["trainings"],
            )
            for r in partners.professionals_trained(admin)
        }
        assert rows == {
            ("MOPS", "family_assistant"): (2, 1),
            ("MOPS", "social_worker"): (11, 2),
            ("SP 12", "teacher"): (5, 1),
        }
        recent = partners.professionals_trained(admin, held_from=today - timedelta(days=1))
        assert [(r["professionals"], r["trainings"]) for r in recent] == [(3, 1)]


def test_events_keep_headcounts(app: Flask, team) -> None:
    with app.app_context():
        supervisor = staff(team, "supervisor")
        event = partners.create_event(
            supervisor,
            title="Family day",
            kind=EventKind.PUBLIC_EVENT,
            held_on=utcnow().date(),
            headcount=140,
        )
        assert [e.id for e in partners.list_events(supervisor).items] == [event.id]
        with pytest.raises(ValidationError):
            partners.create_event(
                supervisor, title="x", kind=EventKind.WORKSHOP, held_on=event.held_on, headcount=-1
            )


def test_partner_work_is_for_supervisors_and_administrators(app: Flask, team) -> None:
    with app.app_context():
        for name in ("manager", "therapist", "facilitator", "consultant"):
            with pytest.raises(Forbidden):
                partners.list_trainings(staff(team, name))
        admin = staff(team, "admin")
        partners.create_institution(admin, name="Sąd Rejonowy", kind=InstitutionKind.COURT)
        with pytest.raises(Conflict):
            partners.create_institution(admin, name="Sąd Rejonowy", kind=InstitutionKind.COURT)
        training = partners.create_training(admin, title="x", held_on=utcnow().date())
        with pytest.raises(ValidationError, match="partner list"):
            partners.add_participants(
                admin,
                training.id,
                [partners.Headcount(training.id, ProfessionalType.LAWYER, 1)],
            )
