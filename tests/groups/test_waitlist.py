"""Concurrent enrolments on PostgreSQL: never over capacity, the waitlist 1..n without gaps.

Threads cannot share the per-test rolled-back transaction, so this test migrates a throwaway
database of its own and every thread commits through its own connection.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import select

from casework.auth.models import Role, User
from casework.catalogue.services import sync_catalogue
from casework.db import db, utcnow
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus
from casework.groups.services import enrolments, runs
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.factories import make_consenting_client, make_user

PEOPLE = 12
CAPACITY = 5


@pytest.fixture
def own_app(fresh_database_url: str) -> Iterator[Flask]:
    app = make_test_app(fresh_database_url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        sync_catalogue()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres_only
def test_concurrent_enrolments_never_overfill_a_run_nor_lose_the_waitlist_order(
    own_app: Flask,
) -> None:
    with own_app.app_context():
        facilitator = make_user(roles=(Role.FACILITATOR,))
        run = runs.create_run(
            facilitator,
            name="Polish course A1 (race)",
            service_code="polish_language_course",
            capacity=CAPACITY,
            starts_on=utcnow().date(),
        )
        people = [make_consenting_client(facilitator).id for _ in range(PEOPLE)]
        facilitator_id, run_id = facilitator.id, run.id
        db.session.commit()

    start = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def enrol(client_id: uuid.UUID) -> None:
        try:
            with own_app.app_context():
                user = db.session.get(User, facilitator_id)
                start.wait(timeout=30)
                enrolments.enrol(user, run_id, client_id=client_id)
                db.session.commit()
        except BaseException as error:  # reported below, with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=enrol, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    with own_app.app_context():
        rows = db.session.execute(
            select(GroupEnrolment.status, GroupEnrolment.waitlist_position).where(
                GroupEnrolment.run_id == run_id
            )
        ).all()
    active = [r for r in rows if r.status == GroupEnrolmentStatus.ACTIVE]
    waiting = sorted(
        r.waitlist_position for r in rows if r.status == GroupEnrolmentStatus.WAITLISTED
    )
    assert len(rows) == PEOPLE
    assert len(active) == CAPACITY
    assert waiting == list(range(1, PEOPLE - CAPACITY + 1))


@pytest.mark.postgres_only
def test_concurrent_withdrawals_promote_each_waiting_person_once(own_app: Flask) -> None:
    with own_app.app_context():
        facilitator = make_user(roles=(Role.FACILITATOR,))
        run = runs.create_run(
            facilitator,
            name="Support club (race)",
            service_code="migrant_women_support_club",
            capacity=4,
            starts_on=utcnow().date(),
        )
        made = [
            enrolments.enrol(facilitator, run.id, client_id=make_consenting_client(facilitator).id)
            for _ in range(8)
        ]
        seated = [(e.id, e.version) for e in made[:4]]
        facilitator_id, run_id = facilitator.id, run.id
        db.session.commit()

    start = threading.Barrier(len(seated))
    errors: list[BaseException] = []

    def withdraw(enrolment_id: uuid.UUID, version: int) -> None:
        try:
            with own_app.app_context():
                user = db.session.get(User, facilitator_id)
                start.wait(timeout=30)
                enrolments.withdraw(user, enrolment_id, expected_version=version)
                db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=withdraw, args=seat) for seat in seated]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with own_app.app_context():
        statuses = db.session.scalars(
            select(GroupEnrolment.status).where(GroupEnrolment.run_id == run_id)
        ).all()
    assert sorted(statuses) == ["active"] * 4 + ["withdrawn"] * 4
