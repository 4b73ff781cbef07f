"""The backup-and-restore drill (`scripts/backup_drill.py`) on PostgreSQL: a database with notes
and an audit trail dumps, restores with its key file restored separately, verifies and decrypts;
with the wrong key file the drill fails and leaves no copy behind."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from alembic import command
from flask import Flask
from sqlalchemy.engine import make_url

from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.catalogue.services import sync_catalogue
from casework.crypto.keyfile import write_key_file
from casework.crypto.keys import KeyMaterial
from casework.db import db, utcnow
from casework.migrate import alembic_config
from tests.conftest import TEST_KEYS, make_test_app
from tests.factories import make_case, make_team, staff

ROOT = Path(__file__).resolve().parent.parent
NOTE_TEXT = "Drill note: never printed"


@pytest.fixture
def live_database(fresh_database_url: str) -> Iterator[str]:
    """A migrated database with a client, a session note and audit events, all committed."""
    app: Flask = make_test_app(fresh_database_url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        sync_catalogue()
        db.session.commit()
    team = make_team(app)
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case = make_case(manager)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() - timedelta(hours=1),
            mode=AppointmentMode.IN_PERSON,
        )
        appointments.record_attendance(
            therapist,
            appointment.id,
            attendance=Attendance.ATTENDED,
            expected_version=appointment.version,
        )
        notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body=NOTE_TEXT)
        db.session.commit()
        db.engine.dispose()
    yield fresh_database_url


def _drill(database_url: str, key_file: Path, tmp_path: Path, *extra: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env |= {"CASEWORK_ENV": "development", "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance")}
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "backup_drill.py"),
            "--database-url",
            database_url,
            "--key-file",
            str(key_file),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def _drill_copies(database_url: str) -> list[str]:
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        name = make_url(database_url).database
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{name}_drill_%",)
        ).fetchall()
    return [row[0] for row in rows]


@pytest.mark.postgres_only
def test_the_drill_restores_verifies_and_decrypts(live_database: str, tmp_path: Path) -> None:
    key_file = tmp_path / "keys.json"
    write_key_file(key_file, TEST_KEYS)
    result = _drill(live_database, key_file, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("1/8 checkpoint", "2/8 dump", "3/8 no keys", "4/8 key file", "5/8 restore"):
        assert f"{step}" in result.stdout
    assert "6/8 verify      ... ok" in result.stdout and "ok: " in result.stdout
    assert "7/8 decrypt     ... ok" in result.stdout and "1 sampled note(s) decrypt" in (
        result.stdout
    )
    assert "drill passed" in result.stdout
    assert NOTE_TEXT not in result.stdout + result.stderr
    assert _drill_copies(live_database) == []


@pytest.mark.postgres_only
def test_the_drill_fails_with_the_wrong_key_backup_and_leaves_no_copy(
    live_database: str, tmp_path: Path
) -> None:
    key_file, wrong_backup = tmp_path / "keys.json", tmp_path / "other-keys.json"
    write_key_file(key_file, TEST_KEYS)
    write_key_file(wrong_backup, KeyMaterial.generate("another-centre"))
    result = _drill(live_database, key_file, tmp_path, "--key-backup", str(wrong_backup))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "6/8 verify      ... FAILED" in result.stdout
    assert "drill FAILED" in result.stdout
    assert _drill_copies(live_database) == []
