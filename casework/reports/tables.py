"""A report result as the rows every output shows, with small-cell protection for publication.

Protection (see docs/reports.md): primary suppression shows a count of people (or of their
cases, participations, sessions...) from 1 to k-1 as "<k"; secondary suppression then hides, in
every breakdown left with exactly one hidden cell, the next smallest shown cell ("x"), or the
total when no cell is left, so no hidden value follows from the total and the other cells.
A share is hidden ("x") when its base, its part or the rest of it is from 1 to k-1. Internal
outputs are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from casework.reports.services import Cell, IndicatorResult, ReportResult
from casework.suppression import SECONDARY, Key, hidden_cells

#: Counts about people: these are protected. Meetings, hours, events and institutions are not.
PERSONAL_COUNTS = (
    "people",
    "cases",
    "assessments",
    "participations",
    "sessions",
    "consultations",
    "responses",
    "professionals",
)


@dataclass(frozen=True)
class Shown:
    """A figure as printed: `number` (None when hidden) and its text."""

    number: float | None
    text: str
    #: For shares: the exact numerator and base behind the percentage (None when hidden).
    part: float | None = None
    base: float | None = None


@dataclass(frozen=True)
class Row:
    indicator: IndicatorResult
    dimension: str | None
    dimension_label: str
    cell: Cell
    shown: Shown


def _format(value: float, *, share: bool) -> str:
    if share:
        return f"{value:.1f}%"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def exact(cell: Cell, indicator: IndicatorResult) -> Shown:
    if indicator.is_share:
        percent = cell.percent or 0.0
        return Shown(
            percent, _format(percent, share=True), _tidy(cell.value), _tidy(cell.base or 0)
        )
    return Shown(_tidy(cell.value), _format(cell.value, share=False))


def table(result: ReportResult, *, threshold: int | None = None) -> dict[str, list[Row]]:
    """Section key -> rows (each indicator's total, then its breakdown cells). With a
    threshold, small cells are suppressed for publication."""
    sections: dict[str, list[Row]] = {}
    for section in result.sections:
        rows: list[Row] = []
        for indicator in section.indicators:
            if not indicator.available:
                continue
            shown = _protected(indicator, threshold)
            rows.append(Row(indicator, None, "", indicator.total, shown[None, None]))
            for breakdown in indicator.breakdowns:
                for cell in breakdown.cells:
                    rows.append(
                        Row(
                            indicator,
                            breakdown.dimension,
                            breakdown.label,
                            cell,
                            shown[breakdown.dimension, cell.code],
                        )
                    )
        sections[section.section.key] = rows
    return sections


def _protected(indicator: IndicatorResult, threshold: int | None) -> dict[Key, Shown]:
    cells: dict[Key, Cell] = {(None, None): indicator.total}
    groups: list[list[Key]] = []
    keys: list[Key]
    for breakdown in indicator.breakdowns:
        keys = [(breakdown.dimension, cell.code) for cell in breakdown.cells]
        cells.update(zip(keys, breakdown.cells, strict=True))
        groups.append(keys)
    shown = {key: exact(cell, indicator) for key, cell in cells.items()}
    if threshold is None:
        return shown
    if indicator.is_share:
        for key, cell in cells.items():
            base = cell.base or 0
            if any(0 < amount < threshold for amount in (base, cell.value, base - cell.value)):
                shown[key] = Shown(None, SECONDARY)
        return shown
    if indicator.indicator.count not in PERSONAL_COUNTS:
        return shown
    values = {key: cell.value for key, cell in cells.items()}
    for key, text in hidden_cells(values, groups, threshold).items():
        shown[key] = Shown(None, text)
    return shown
