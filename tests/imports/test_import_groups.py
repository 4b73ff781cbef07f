"""Importing past group participation: the person found through the blind indexes among the
clients the importer may enrol, the run among those they manage, then seats and history through
the group services."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.clock import centre_today
from casework.db import db
from casework.errors import ValidationError
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus
from casework.groups.services.completion import participation_counts
from casework.imports import services
from casework.imports.reading import Sheet
from casework.reports.services import run_report
from tests.factories import staff
from tests.imports.group_sheets import HEADINGS, MAPPING, row_of, sheet_of
from tests.imports.sheets import csv_bytes, pesel


def _enrolments(run_id: uuid.UUID) -> dict[uuid.UUID, GroupEnrolmentStatus]:
    return dict(
        db.session.execute(
            select(GroupEnrolment.client_id, GroupEnrolment.status).where(
                GroupEnrolment.run_id == run_id
            )
        ).all()
    )


def _reasons(preview: services.Preview) -> dict[int, list[str]]:
    return {row.number: [p.english() for p in row.problems] for row in preview.bad}


def test_preview_lists_every_bad_row_with_its_reason_and_writes_nothing(
    app: Flask, world: dict[str, Any]
) -> None:
    with app.app_context():
        facilitator = staff_by_email(world["facilitator"])
        preview = services.preview_rows(facilitator, services.GROUPS, sheet_of(world), MAPPING)
        assert [row.number for row in preview.good] == [2, 3, 4]
        reasons = _reasons(preview)
        # A client the facilitator may not see answers exactly like nobody at all.
        assert reasons[5] == reasons[6] == ["no client matches this row"]
        assert reasons[7] == ["not a valid PESEL number"]
        assert reasons[8] == ["unknown participation status: finished"]
        assert reasons[9] == ["no group run you manage matches this row"]
        assert _enrolments(world["run"]) == {}


def test_a_run_of_someone_else_answers_like_an_unknown_run(
    app: Flask, world: dict[str, Any], team: dict[str, uuid.UUID]
) -> None:
    with app.app_context():
        other = staff(team, "outside_supervisor")
        sheet = sheet_of(world)
        preview = services.preview_rows(other, services.GROUPS, sheet, MAPPING)
        assert not preview.good
        assert _reasons(preview)[5] == ["no group run you manage matches this row"]


def test_confirmed_import_records_history_seats_and_counts_once(
    app: Flask, world: dict[str, Any]
) -> None:
    with app.app_context():
        facilitator = staff_by_email(world["facilitator"])
        with pytest.raises(ValidationError, match="5 row"):
            services.import_rows(facilitator, services.GROUPS, sheet_of(world), MAPPING)
        assert _enrolments(world["run"]) == {}
        run = services.import_rows(
            facilitator, services.GROUPS, sheet_of(world), MAPPING, only_good_rows=True
        )
        db.session.commit()
        assert (run.imported, run.rejected) == (3, 5)
        assert _enrolments(world["run"]) == {
            world["ewa"]: GroupEnrolmentStatus.COMPLETED,
            world["ola"]: GroupEnrolmentStatus.WITHDRAWN,
            world["iza"]: GroupEnrolmentStatus.ACTIVE,
        }
        completed = db.session.scalar(
            select(GroupEnrolment.ended_at).where(GroupEnrolment.client_id == world["ewa"])
        )
        assert completed is not None and completed.date().isoformat() == world["ended"]
        counts = participation_counts([world["run"]])[world["run"]]
        assert (counts.took_part, counts.completed, counts.withdrew, counts.active) == (3, 1, 1, 1)

        again = services.import_rows(
            facilitator, services.GROUPS, sheet_of(world), MAPPING, only_good_rows=True
        )
        db.session.commit()
        assert (again.imported, again.already_imported) == (0, 3)
        total = db.session.scalar(select(func.count()).where(GroupEnrolment.run_id == world["run"]))
        assert total == 3


def test_a_full_run_takes_no_more_attending_people(app: Flask, world: dict[str, Any]) -> None:
    with app.app_context():
        facilitator = staff_by_email(world["facilitator"])
        rows = [
            row_of(world, "attended", PESEL=pesel(1980, 5, 5, 123)),
            row_of(world, "attended", Telefon="500100200"),
            row_of(world, "attended", Nazwisko="Wiśniewska", Rok="1975"),
        ]
        sheet = Sheet(
            headings=HEADINGS,
            rows=[(n + 2, dict(zip(HEADINGS, row, strict=True))) for n, row in enumerate(rows)],
        )
        preview = services.preview_rows(facilitator, services.GROUPS, sheet, MAPPING)
        assert _reasons(preview) == {4: ["the group run has no free seat left"]}


def test_cli_imports_groups_once(app: Flask, world: dict[str, Any], tmp_path: Path) -> None:
    data, mapping = tmp_path / "groups.csv", tmp_path / "mapping.json"
    sheet = sheet_of(world)
    data.write_bytes(
        csv_bytes([[values[h] for h in HEADINGS] for _, values in sheet.rows], HEADINGS)
    )
    mapping.write_text("\n".join(f"{k}: {v}" for k, v in MAPPING.items()), encoding="utf-8")
    runner = app.test_cli_runner()
    args = ["import", "groups", str(data), "--mapping", str(mapping), "--as", world["facilitator"]]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 1
    assert "row 5: no client matches this row" in dry.output
    assert "8 rows: 3 to import, 0 already imported, 5 with problems" in dry.output
    done = runner.invoke(args=[*args, "--only-good-rows"])
    assert done.exit_code == 0, done.output
    assert "8 rows: 3 imported, 0 already imported, 5 with problems left out" in done.output
    again = runner.invoke(args=[*args, "--only-good-rows"])
    assert "0 imported, 3 already imported" in again.output
    with app.app_context():
        assert len(_enrolments(world["run"])) == 3


def staff_by_email(email: str) -> Any:
    from casework.auth.models import User

    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def test_an_imported_completion_counts_in_the_reports(app: Flask, world: dict[str, Any]) -> None:
    with app.app_context():
        facilitator = staff_by_email(world["facilitator"])
        today = centre_today()

        def completed() -> float:
            result = run_report(None, "krakow", start=today - timedelta(days=365), end=today)
            found = {i.key: i.total.value for i in result.indicators}
            return found["support_group_completed"] or 0

        before = completed()
        services.import_rows(
            facilitator, services.GROUPS, sheet_of(world), MAPPING, only_good_rows=True
        )
        db.session.commit()
        assert completed() == before + 1
