"""Synthetic past group participation sheets and the people and run they name (no real person)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from casework.clients.models import ConsentPurpose, LegalBasis
from casework.clients.services.clients import ClientDetails, intake_client
from casework.clients.services.consents import record_consent
from casework.clock import centre_today
from casework.db import db
from casework.groups.services import runs
from casework.imports.reading import Sheet
from tests.factories import staff
from tests.imports.sheets import pesel

HEADINGS = ["PESEL", "Telefon", "Nazwisko", "Rok", "Usługa", "Start", "Status", "Koniec"]
MAPPING = {
    "national_id": "PESEL",
    "phone": "Telefon",
    "family_name": "Nazwisko",
    "birth_year": "Rok",
    "service_code": "Usługa",
    "run_starts_on": "Start",
    "status": "Status",
    "left_on": "Koniec",
}
SERVICE = "support_group_mothers"


def _person(user: Any, family_name: str, **details: Any) -> uuid.UUID:
    client = intake_client(
        ClientDetails(given_name="Anna", family_name=family_name, **details),
        actor=user,
        confirm_new=True,
    )
    record_consent(
        user,
        client.id,
        purpose=ConsentPurpose.SUPPORT_SERVICES,
        legal_basis=LegalBasis.CONSENT,
        notice_version="2026-01",
    )
    return client.id


def make_world(team: dict[str, uuid.UUID]) -> dict[str, Any]:
    """A run of the facilitator that ended last month, three people the facilitator registered
    and one only an outside supervisor may see (committed; ids and e-mail by name)."""
    facilitator = staff(team, "facilitator")
    today = centre_today()
    starts = today - timedelta(days=90)
    run = runs.create_run(
        facilitator,
        name="Mothers, last winter",
        service_code=SERVICE,
        capacity=2,
        starts_on=starts,
        ends_on=today - timedelta(days=30),
    )
    outsider = staff(team, "outside_supervisor")
    world = {
        "run": run.id,
        "starts": starts.isoformat(),
        "ended": (today - timedelta(days=30)).isoformat(),
        "facilitator": facilitator.email,
        "ewa": _person(facilitator, "Kowalska", national_id=pesel(1980, 5, 5, 123)),
        "ola": _person(facilitator, "Nowak", phone="+48500100200"),
        "iza": _person(facilitator, "Wiśniewska", birth_year=1975),
        "hidden": _person(outsider, "Ukryta", national_id=pesel(1981, 6, 6, 456)),
    }
    db.session.commit()
    return world


def row_of(world: dict[str, Any], status: str, **values: str) -> list[str]:
    cells = {"Usługa": SERVICE, "Start": world["starts"], "Status": status, **values}
    return [cells.get(heading, "") for heading in HEADINGS]


def sheet_of(world: dict[str, Any]) -> Sheet:
    rows = [
        row_of(world, "completed", PESEL=pesel(1980, 5, 5, 123)),
        row_of(world, "withdrawn", Telefon="500 100 200", Koniec=world["starts"]),
        row_of(world, "attended", Nazwisko="Wiśniewska", Rok="1975"),
        row_of(world, "completed", PESEL=pesel(1981, 6, 6, 456)),
        row_of(world, "completed", PESEL=pesel(1970, 1, 1, 789)),
        row_of(world, "completed", PESEL="12345678901"),
        row_of(world, "finished", Telefon="500 100 200"),
        row_of(world, "completed", PESEL=pesel(1980, 5, 5, 123), Start="2020-01-01"),
    ]
    headings = HEADINGS
    return Sheet(
        headings=headings,
        rows=[
            (number + 2, dict(zip(headings, row, strict=True))) for number, row in enumerate(rows)
        ],
    )
