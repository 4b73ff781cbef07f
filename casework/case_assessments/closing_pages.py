"""What the closing page and the printed summary show of change over time: for each participant,
the engine's change per scale between the first and the closing assessment, in the page language."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

import assessments as engine
from casework.auth.models import User
from casework.case_assessments.services import closing
from casework.catalogue.library import library
from casework.errors import NotFound
from casework.web.filters import localised

#: The engine's reliable-change statuses, as the pages name them.
STATUS_LABELS = {
    "reliably_improved": _l("Reliably improved"),
    "no_reliable_change": _l("No reliable change"),
    "reliably_deteriorated": _l("Reliably deteriorated"),
    "not_comparable": _l("Not comparable"),
}


@dataclass(frozen=True)
class ChangeRow:
    """One scale's change, every text in the page language."""

    title: str
    before: Any
    after: Any
    difference: Any
    status: str
    #: "improved", "unchanged", "deteriorated" or "unknown": a CSS class, never shown.
    tone: str
    crossed_cutoff: bool | None
    explanation: str


@dataclass(frozen=True)
class ChangeView:
    client_id: uuid.UUID
    instrument_title: str
    first_version: str
    closing_version: str
    first_completed: Any
    closing_completed: Any
    rows: list[ChangeRow]

    @property
    def same_version(self) -> bool:
        return self.first_version == self.closing_version


def _instrument(instrument_id: str, version: str) -> engine.Instrument | None:
    try:
        return library().instrument(instrument_id, version)
    except NotFound:
        return None


def _tone(status: str) -> str:
    return {
        "reliably_improved": "improved",
        "no_reliable_change": "unchanged",
        "reliably_deteriorated": "deteriorated",
    }.get(status, "unknown")


def _row(instrument: engine.Instrument, change: engine.ScaleChange) -> ChangeRow:
    return ChangeRow(
        title=localised(instrument.scale(change.scale).title),
        before=change.before,
        after=change.after,
        difference=change.difference,
        status=str(STATUS_LABELS.get(change.status, STATUS_LABELS["not_comparable"])),
        tone=_tone(change.status),
        crossed_cutoff=change.crossed_cutoff,
        explanation=localised(change.explanation),
    )


def change_view(comparison: closing.Comparison) -> ChangeView:
    """One participant's change between the first and the closing assessment."""
    first, last = comparison.first, comparison.closing
    instrument = comparison.instrument
    named = instrument or _instrument(last.instrument_id, last.instrument_version)
    rows = (
        [_row(instrument, scale) for scale in comparison.change.scales]
        if instrument is not None and comparison.change is not None
        else []
    )
    return ChangeView(
        client_id=first.client_id,
        instrument_title=localised(named.title) if named else first.instrument_id.upper(),
        first_version=first.instrument_version,
        closing_version=last.instrument_version,
        first_completed=first.completed_at,
        closing_completed=last.completed_at,
        rows=rows,
    )


def closing_changes(user: User, case_id: uuid.UUID, *, joint: bool) -> list[ChangeView]:
    """Every participant's change over time on the case, in the given context (the joint one
    leaves out individual disclosures); reads audited."""
    return [
        change_view(comparison)
        for comparison in closing.closing_comparisons(user, case_id, joint=joint)
    ]
