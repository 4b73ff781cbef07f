"""The large-centre generator: what it writes, the service reads, decrypts, finds and verifies."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import func, select

from casework import create_app
from casework.audit.services import verify_trail
from casework.auth.models import User
from casework.care.models import SessionNote
from casework.care.services import notes
from casework.cases.models import Case, CaseParticipant
from casework.clients.models import Client
from casework.clients.services import clients as client_services
from casework.crypto.keys import KeyMaterial
from casework.crypto.services import Identifiers
from casework.db import Base, db
from casework.demo.scale import ScaleError, ScaleReport, generate, staff_email
from casework.demo.scale.sink import COLUMNS
from casework.migrate import alembic_config
from tests.database import throwaway_database
from tests.pages import sign_in

CLIENTS = 40
PASSWORD = "scale-test-password"
KEYS = KeyMaterial.generate("scale-test")


def _app(url: str) -> Flask:
    return create_app(
        {
            "CASEWORK_ENV": "testing",
            "SECRET_KEY": "test-secret-key-long-enough-for-production",
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "CASEWORK_KEY_MATERIAL": KEYS,
            "CASEWORK_TWO_FACTOR_ROLES": frozenset(),
        }
    )


def _migrate(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, ScaleReport]]:
    """A migrated database of its own with a generated centre of 40 clients."""
    server = os.environ.get("CASEWORK_TEST_DATABASE_URL", "")
    with throwaway_database(server, tmp_path_factory.mktemp("scale")) as url:
        app = _app(url)
        _migrate(app)
        with app.app_context():
            report = generate(db.engine, CLIENTS, notes_per_client=10, seed=3, password=PASSWORD)
        yield app, report
        with app.app_context():
            db.engine.dispose()


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_tables_hold_the_expected_proportions(generated: tuple[Flask, ScaleReport]) -> None:
    app, report = generated
    with app.app_context():
        assert _count(Client) == CLIENTS == report.counts["clients"]
        assert report.counts["data_keys"] == CLIENTS  # one data key per client
        assert report.counts["blind_indexes"] == 2 * CLIENTS  # surname with year, and phone
        assert _count(CaseParticipant) == CLIENTS  # every client is in exactly one case
        cases = _count(Case)
        assert CLIENTS / 3 <= cases <= CLIENTS
        written_notes = _count(SessionNote)
        assert 5 * CLIENTS <= written_notes <= 15 * CLIENTS  # about 10 per client
        assert report.counts["appointments"] > written_notes  # no-shows, future sessions
        assert report.counts["audit_events"] >= CLIENTS + cases
        assert report.counts["group_runs"] == 3 and report.counts["meeting_attendances"] > 0
        assert report.counts["information_consultations"] == round(CLIENTS * 0.3)
        states = set(db.session.scalars(select(Case.state).distinct()))
        assert len(states) >= 3


def test_the_audit_chain_verifies_after_generation(generated: tuple[Flask, ScaleReport]) -> None:
    app, report = generated
    with app.app_context():
        outcome = verify_trail()
    assert outcome.ok, outcome.detail
    assert outcome.events_checked == report.counts["audit_events"]


def _manager_with_notes() -> tuple[User, Case, SessionNote]:
    note = db.session.scalars(select(SessionNote).order_by(SessionNote.created_at)).first()
    assert note is not None
    case = db.session.get(Case, note.case_id)
    assert case is not None and case.case_manager_id is not None
    therapist = db.session.get(User, note.author_id)
    assert therapist is not None
    return therapist, case, note


def test_a_sample_of_clients_is_found_by_search_and_decrypts(
    generated: tuple[Flask, ScaleReport],
) -> None:
    app, _ = generated
    with app.app_context():
        manager = db.session.scalar(
            select(User).where(User.email == staff_email("casemanager", 0, 1))
        )
        assert manager is not None
        sample = db.session.scalars(
            select(Client)
            .join(Case, Case.primary_client_id == Client.id)
            .where(Case.case_manager_id == manager.id)
            .limit(5)
        ).all()
        assert sample
        for person in sample:
            assert person.family_name and person.given_name and person.phone
            by_phone = client_services.search_clients(manager, Identifiers(phones=(person.phone,)))
            assert [found.id for found in by_phone.clients] == [person.id]
            by_name = client_services.search_clients(
                manager, Identifiers(surname=person.family_name, birth_year=person.birth_year)
            )
            assert person.id in {found.id for found in by_name.clients}
        db.session.rollback()


def test_notes_decrypt_through_the_services_read_path(
    generated: tuple[Flask, ScaleReport],
) -> None:
    app, _ = generated
    with app.app_context():
        therapist, case, note = _manager_with_notes()
        read = notes.read_note(therapist, note.id)
        assert read.body and len(read.body) > 20
        listed = notes.notes_of_case(therapist, case.id, joint=False)
        assert all(item.body for item in listed)
        db.session.rollback()


def test_the_case_page_of_a_generated_case_renders(generated: tuple[Flask, ScaleReport]) -> None:
    app, _ = generated
    with app.app_context():
        _, case, _ = _manager_with_notes()
        manager = db.session.get(User, case.case_manager_id)
        assert manager is not None
        email, case_id, reference = manager.email, case.id, case.reference
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(browser, email, PASSWORD).status_code == 302
    page = browser.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert reference in page.get_data(as_text=True)


def test_a_second_run_on_the_same_database_is_refused(
    generated: tuple[Flask, ScaleReport],
) -> None:
    app, report = generated
    with app.app_context(), pytest.raises(ScaleError, match="already holds a generated centre"):
        generate(db.engine, 5, password=PASSWORD)
    with app.app_context():
        assert _count(Client) == report.counts["clients"]


def test_flask_demo_scale_writes_a_centre_once_and_then_refuses(tmp_path: Path) -> None:
    server = os.environ.get("CASEWORK_TEST_DATABASE_URL", "")
    with throwaway_database(server, tmp_path) as url:
        app = _app(url)
        _migrate(app)
        runner = app.test_cli_runner()
        try:
            weak = runner.invoke(args=["demo", "--scale", "12", "--password", "short"])
            assert weak.exit_code == 2 and "at least" in weak.output
            first = runner.invoke(args=["demo", "--scale", "12", "--password", PASSWORD])
            assert first.exit_code == 0, first.output
            assert "clients: 12" in first.output and "table session_notes:" in first.output
            again = runner.invoke(args=["demo", "--scale", "12", "--password", PASSWORD])
            assert again.exit_code == 2
            assert "already holds a generated centre" in again.output
            assert "drop and re-create the database" in again.output
        finally:
            with app.app_context():
                db.engine.dispose()


def test_a_database_that_is_not_migrated_is_refused(tmp_path: Path) -> None:
    server = os.environ.get("CASEWORK_TEST_DATABASE_URL", "")
    with throwaway_database(server, tmp_path) as url:
        app = _app(url)
        with app.app_context():
            try:
                with pytest.raises(ScaleError, match="not migrated"):
                    generate(db.engine, 5, password=PASSWORD)
            finally:
                db.engine.dispose()


def test_every_foreign_key_of_the_written_rows_points_at_a_row(
    generated: tuple[Flask, ScaleReport],
) -> None:
    """The PostgreSQL writers skip the row-by-row foreign-key triggers: the rows must be
    consistent by construction, which this checks for every foreign key of every table."""
    app, _ = generated
    checked = 0
    with app.app_context():
        for name in COLUMNS:
            table = Base.metadata.tables[name]
            for key in table.foreign_keys:
                parent = key.column.table.alias("parent")
                orphans = (
                    select(func.count())
                    .select_from(table.outerjoin(parent, key.parent == parent.c[key.column.name]))
                    .where(key.parent.is_not(None), parent.c[key.column.name].is_(None))
                )
                assert db.session.scalar(orphans) == 0, f"{name}.{key.parent.name}"
                checked += 1
    assert checked > 40


def test_ids_are_fresh_uuids_not_reused_between_rows(generated: tuple[Flask, ScaleReport]) -> None:
    app, _ = generated
    with app.app_context():
        ids = list(db.session.scalars(select(Client.id)))
        assert len(set(ids)) == len(ids) and all(isinstance(i, uuid.UUID) for i in ids)
