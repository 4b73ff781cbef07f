"""The projects demo: projects with targets and attribution, ended runs with completions and
withdrawals over the last year, made once."""

from __future__ import annotations

import random

from flask import Flask
from sqlalchemy import func, select

from casework.auth.models import Role
from casework.auth.services import get_or_create_team
from casework.db import db
from casework.demo.programmes import create_programmes_demo
from casework.demo.projects import PAST_RUNS, create_projects_demo
from casework.demo.services import DEMO_ACCOUNTS
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus
from casework.projects.models import Project, ProjectConsultation, ProjectTarget
from tests.factories import make_consenting_client, make_user


def test_the_projects_demo_gives_reports_something_to_count(app: Flask) -> None:
    with app.app_context():
        assert "coordinator@demo.local" in {a.email for a in DEMO_ACCOUNTS}
        team = get_or_create_team("Projects demo team")
        staff = {
            account.email.split("@")[0]: make_user(
                roles=account.roles,
                team=None if {Role.ADMIN, Role.COORDINATOR} & set(account.roles) else team,
            )
            for account in DEMO_ACCOUNTS
        }
        clients = [make_consenting_client(staff["casemanager"]) for _ in range(6)]
        create_programmes_demo(staff, clients, random.Random(7))
        create_projects_demo(staff, clients, random.Random(7))

        projects = db.session.scalar(select(func.count()).select_from(Project))
        assert projects == 4  # the default project and three funded ones
        assert db.session.scalar(select(func.count()).select_from(ProjectTarget)) > 20
        assert db.session.scalar(select(func.count()).select_from(ProjectConsultation)) > 1000
        statuses = dict(
            db.session.execute(
                select(GroupEnrolment.status, func.count()).group_by(GroupEnrolment.status)
            ).all()
        )
        assert statuses[GroupEnrolmentStatus.COMPLETED] >= len(PAST_RUNS)
        assert statuses[GroupEnrolmentStatus.WITHDRAWN] > 0
        months = db.session.scalars(
            select(GroupEnrolment.ended_at).where(
                GroupEnrolment.status == GroupEnrolmentStatus.COMPLETED
            )
        ).all()
        assert len({ended.strftime("%Y-%m") for ended in months}) >= 3  # spread over the year

        before = db.session.scalar(select(func.count()).select_from(GroupEnrolment))
        create_projects_demo(staff, clients, random.Random(8))
        assert db.session.scalar(select(func.count()).select_from(GroupEnrolment)) == before
