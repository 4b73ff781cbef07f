"""What the survey pages need: the services to offer, a printable QR code, and the results page
(per service: responses, mean, levels and each item's option shares, in the page's language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from casework import policy
from casework.auth.models import User
from casework.catalogue.services import list_services
from casework.clock import centre_today
from casework.groups.services import runs
from casework.surveys import services
from casework.web.filters import localised


def service_choices() -> list[SelectChoice]:
    """The services offered, by name in the page's language."""
    offered = [(localised(service.name), service.code) for service in list_services()]
    return [SelectChoice(code, name) for name, code in sorted(offered)]


def run_choices(user: User) -> list[SelectChoice]:
    """The group runs not yet ended, for a link about one of them (none for those who may not
    see group runs)."""
    if not policy.may_see_group_runs(user):
        return []
    return [
        SelectChoice(str(figures.run.id), f"{figures.run.name} ({figures.run.starts_on:%Y-%m-%d})")
        for figures in runs.current_runs(user, on=centre_today())
    ]


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (no external request, printable)."""
    code = segno.make(url, error="m")
    svg: str = code.svg_inline(scale=4, title=None, dark="#000", light="#fff")
    return svg


@dataclass(frozen=True)
class ItemShares:
    text: str
    answered: int
    #: (option label, share in per cent), in the instrument's order.
    shares: list[tuple[str, float]]


@dataclass(frozen=True)
class ServiceResults:
    service_code: str
    responses: int
    mean_score: float | None
    #: (level label, responses)
    levels: list[tuple[str, int]]
    items: list[ItemShares]


def results(user: User, *, instrument_id: str = "satisfaction") -> list[ServiceResults]:
    """The summary of every service's responses, ready to show."""
    instrument = services.survey_instrument(instrument_id)
    level_labels = {level.code: localised(level.label) for level in instrument.levels}
    out = []
    for row in services.summary(user, instrument_id=instrument_id):
        items: dict[str, Any] = row["items"]
        out.append(
            ServiceResults(
                service_code=row["service_code"],
                responses=row["responses"],
                mean_score=row["mean_score"],
                levels=[
                    (level_labels.get(code) or _("Not scored"), row["levels"][code])
                    for code in [*(lv.code for lv in instrument.levels), "unscored"]
                    if code in row["levels"]
                ],
                items=[
                    ItemShares(
                        text=localised(item.text),
                        answered=items[item.id]["answered"],
                        shares=[
                            (localised(o.label), items[item.id]["shares"][o.code])
                            for o in item.options
                        ],
                    )
                    for item in instrument.items
                    if item.id in items
                ],
            )
        )
    return out
