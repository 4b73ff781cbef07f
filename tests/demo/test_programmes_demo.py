"""The programmes demo: made once, synthetic, with waitlists, a year of consultations and more."""

from __future__ import annotations

import random

from flask import Flask
from sqlalchemy import func, select

from casework.auth.models import Role
from casework.auth.services import get_or_create_team
from casework.consultations.models import InformationConsultation
from casework.db import db
from casework.demo.programmes import CONSULTATIONS, RUNS, create_programmes_demo
from casework.demo.services import DEMO_ACCOUNTS
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun, MeetingAttendance
from casework.partners.models import PublicEvent, Training, TrainingParticipation
from casework.supervision.models import SupervisionRecord
from casework.surveys.models import SurveyResponse
from tests.factories import make_consenting_client, make_user

MODELS = (
    GroupRun,
    GroupEnrolment,
    MeetingAttendance,
    InformationConsultation,
    Training,
    TrainingParticipation,
    PublicEvent,
    SurveyResponse,
    SupervisionRecord,
)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_the_programmes_demo_is_made_once(app: Flask) -> None:
    with app.app_context():
        # The demo accounts' keys and roles, in one team (as the demo centre makes them).
        team = get_or_create_team("Programmes demo team")
        staff = {
            account.email.split("@")[0]: make_user(
                roles=account.roles, team=None if Role.ADMIN in account.roles else team
            )
            for account in DEMO_ACCOUNTS
        }
        clients = [make_consenting_client(staff["casemanager"]) for _ in range(6)]
        before = _counts()
        create_programmes_demo(staff, clients, random.Random(7))
        made = {name: count - before[name] for name, count in _counts().items()}
        assert made["GroupRun"] == len(RUNS)
        assert made["InformationConsultation"] == CONSULTATIONS
        assert made["MeetingAttendance"] > 0 and made["SurveyResponse"] > 50
        assert made["Training"] == 8 and made["PublicEvent"] == 6
        assert made["TrainingParticipation"] > 0 and made["SupervisionRecord"] == 15
        waiting = db.session.scalar(
            select(func.count()).where(GroupEnrolment.status == GroupEnrolmentStatus.WAITLISTED)
        )
        assert waiting > 0
        returning = db.session.scalar(
            select(func.count(InformationConsultation.visitor_token.distinct()))
        )
        assert 0 < returning < CONSULTATIONS
        after_first = _counts()
        create_programmes_demo(staff, clients, random.Random(8))
        assert _counts() == after_first
