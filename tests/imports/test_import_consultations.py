"""Past consultations from a spreadsheet: anonymous statistics logged as the importing
consultant; identical rows are different visits, and a second run adds none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.consultations.models import Channel, InformationConsultation
from casework.db import db
from casework.errors import Forbidden
from casework.imports import services
from casework.imports.reading import read_sheet
from tests.factories import staff
from tests.imports.sheets import csv_bytes

HEADINGS = ["Data", "Język", "Minuty", "Tematy", "Kanał", "Obywatelstwo"]
MAPPING = {
    "consulted_on": "Data",
    "language": "Język",
    "duration_minutes": "Minuty",
    "topics": "Tematy",
    "channel": "Kanał",
    "nationality": "Obywatelstwo",
}
VISIT = ["2024-03-05", "uk", "20", "pesel, housing", "phone", "UA"]


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(InformationConsultation)) or 0


def test_past_consultations_are_logged_once_even_when_two_visits_look_alike(
    app: Flask, team
) -> None:
    rows = [VISIT, VISIT, ["05.03.2024", "pl", "15", "pesel", "", ""]]
    with app.app_context():
        consultant = staff(team, "consultant")
        sheet = read_sheet(csv_bytes(rows, HEADINGS), "csv")
        run = services.import_rows(consultant, "consultations", sheet, MAPPING)
        assert run.imported == 3 and _count() == 3
        logged = db.session.scalars(select(InformationConsultation)).all()
        assert {c.consultant_id for c in logged} == {consultant.id}
        assert sorted(c.channel for c in logged) == [
            Channel.IN_PERSON,
            Channel.PHONE,
            Channel.PHONE,
        ]
        assert all(c.client_id is None for c in logged)
        again = services.import_rows(consultant, "consultations", sheet, MAPPING)
        assert (again.imported, again.already_imported) == (0, 3) and _count() == 3


def test_bad_consultation_rows_are_listed_with_their_reasons(app: Flask, team) -> None:
    rows = [
        VISIT,
        ["2024-02-30", "uk", "20", "pesel", "", ""],
        ["2024-03-05", "ukrainian", "20", "tarot", "", ""],
        ["2024-03-05", "uk", "900", "pesel", "fax", "XX"],
    ]
    with app.app_context():
        consultant = staff(team, "consultant")
        preview = services.preview_rows(
            consultant, "consultations", read_sheet(csv_bytes(rows, HEADINGS), "csv"), MAPPING
        )
        reasons = {row.number: [p.english() for p in row.problems] for row in preview.bad}
        assert reasons == {
            3: ["not a date: 2024-02-30"],
            4: ["languages must be two-letter codes, e.g. uk, pl", "unknown topic: tarot"],
            5: [
                "the duration must be 1 to 480 minutes",
                "unknown channel: fax",
                "unknown nationality code: XX",
            ],
        }
        assert len(preview.good) == 1 and _count() == 0


def test_only_consultants_import_consultations_and_the_cli_does_it_too(
    app: Flask, team, tmp_path: Path
) -> None:
    with app.app_context():
        with pytest.raises(Forbidden):
            services.preview_rows(
                staff(team, "manager"),
                "consultations",
                read_sheet(csv_bytes([VISIT], HEADINGS), "csv"),
                MAPPING,
            )
        email = staff(team, "consultant").email
        before = _count()
    data, mapping = tmp_path / "visits.csv", tmp_path / "mapping.json"
    data.write_bytes(csv_bytes([VISIT, VISIT], HEADINGS))
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    args = ["import", "consultations", str(data), "--mapping", str(mapping), "--as", email]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 imported, 0 already imported, 0 with problems left out" in result.output
    with app.app_context():
        assert _count() == before + 2
