"""The people events reached, by language, in the funders' report: known languages per event and
the rest of each event's headcount as "not given", adding up to the events' totals."""

from __future__ import annotations

from datetime import date

from flask import Flask

from casework.partners import services as partners
from casework.partners.models import EventKind, InstitutionKind
from casework.reports import services as reports
from tests.factories import staff


def test_people_reached_are_broken_down_by_language_and_add_up(app: Flask, team) -> None:
    with app.app_context():
        coordinator = staff(team, "admin")
        ngo = partners.create_institution(coordinator, name="Fundacja X", kind=InstitutionKind.NGO)
        partners.create_event(
            coordinator,
            title="Webinar",
            kind=EventKind.WEBINAR,
            held_on=date(2019, 3, 1),
            headcount=100,
            online=True,
            partner_ids=[ngo.id],
            reach={"uk": 60, "pl": 25},
        )
        partners.create_event(
            coordinator,
            title="Radio",
            kind=EventKind.MEDIA_ITEM,
            held_on=date(2019, 4, 1),
            headcount=40,
        )
        partners.create_event(
            coordinator,
            title="Leaflet",
            kind=EventKind.PUBLICATION,
            held_on=date(2019, 5, 1),
            headcount=10,
            reach={"uk": 10},
        )
        result = reports.run_report(
            None, "wromigrant", start=date(2019, 1, 1), end=date(2019, 12, 31)
        )
        indicator = next(i for i in result.indicators if i.key.endswith("people_reached"))
        assert indicator.total.value == 150
        cells = {
            cell.code: cell.value
            for breakdown in indicator.breakdowns
            if breakdown.dimension == "language"
            for cell in breakdown.cells
        }
        assert cells == {"uk": 70, "pl": 25, None: 55}
        events = next(i for i in result.indicators if i.key.rsplit(".", 1)[-1] == "events")
        assert events.total.value == 3
