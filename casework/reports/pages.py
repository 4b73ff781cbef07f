"""What the report pages need: the result, bar charts scaled per indicator, and links from each
figure to the list behind it for users allowed to see that list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from casework import policy
from casework.auth.models import User
from casework.errors import Forbidden, NotFound
from casework.reports import services
from casework.reports.services import Cell, IndicatorResult, ReportResult
from casework.reports.tables import Row, table

#: Activities whose people are in the case list; the group-run list for the others.
CASE_ACTIVITIES = ("assessment", "enrolment", "appointment")
GROUP_ACTIVITIES = ("group_participation", "group_meeting", "mentoring", "peer_led_run")


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    width: float
    link: str | None


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]


def link_for(
    user: User, indicator: IndicatorResult, dimension: str | None, cell: Cell
) -> str | None:
    """The list of cases or group runs behind a figure, if `user` may see that list."""
    activities = indicator.indicator.activities
    if len(activities) != 1:
        return None
    activity = activities[0]
    if activity in CASE_ACTIVITIES and policy.CLINICAL_WORK.allows(user):
        services = indicator.indicator.sources[0].filters.get("service", ())
        arguments: dict[str, Any] = {}
        if dimension == "service" and cell.code:
            arguments["service_code"] = cell.code
        elif dimension is None and len(services) == 1:
            arguments["service_code"] = services[0]
        elif dimension == "level" and cell.code:
            arguments["level"] = cell.code
        elif dimension is not None:
            return None
        return url_for("casefile_pages.index", **arguments)
    if activity in GROUP_ACTIVITIES and policy.may_see_group_runs(user):
        return url_for("group_pages.runs", all=1)
    return None


def charts(
    result: ReportResult, rows: dict[str, list[Row]], user: User | None
) -> dict[str, list[Chart]]:
    """Indicator key -> one bar chart per breakdown (widths in percent of the largest cell)."""
    found: dict[str, list[Chart]] = {}
    for section_rows in rows.values():
        by_dimension: dict[tuple[str, str], list[Row]] = {}
        for row in section_rows:
            if row.dimension is not None:
                by_dimension.setdefault((row.indicator.key, row.dimension), []).append(row)
        for (key, _dimension), cells in by_dimension.items():
            numbers = [row.shown.number or 0 for row in cells]
            widest = max(numbers, default=0) or 1
            bars = [
                Bar(
                    row.cell.label,
                    row.shown.text,
                    round(100 * (row.shown.number or 0) / widest, 2),
                    link_for(user, row.indicator, row.dimension, row.cell) if user else None,
                )
                for row in cells
            ]
            found.setdefault(key, []).append(Chart(cells[0].dimension_label, bars))
    return found


def target_bar(indicator: IndicatorResult) -> dict[str, float] | None:
    """Actual against target as two widths in percent of the larger."""
    if indicator.target is None or not indicator.available:
        return None
    actual = float((indicator.total.percent if indicator.is_share else indicator.total.value) or 0)
    target = float(indicator.target)
    widest = max(actual, target) or 1
    return {
        "actual": round(100 * actual / widest, 2),
        "target": round(100 * target / widest, 2),
        "percent": round(100 * actual / target, 1) if target else 0.0,
    }


@dataclass(frozen=True)
class ReportPage:
    """A computed report as the page shows it."""

    result: ReportResult
    #: Section key -> the table rows (small counts hidden for publication).
    rows: dict[str, list[Row]]
    charts: dict[str, list[Chart]]
    targets: dict[str, dict[str, float] | None]
    #: The list behind each indicator's total, and behind each breakdown cell.
    total_links: dict[str, str | None]
    cell_links: dict[tuple[str, str | None, str | None], str | None]


def report_page(result: ReportResult, user: User, *, threshold: int | None = None) -> ReportPage:
    """Tables, bar charts, targets and links of a computed report."""
    rows = table(result, threshold=threshold)
    return ReportPage(
        result,
        rows,
        charts(result, rows, user),
        {i.key: target_bar(i) for i in result.indicators},
        {i.key: link_for(user, i, None, i.total) for i in result.indicators if i.available},
        {
            (row.indicator.key, row.dimension, row.cell.code): link_for(
                user, row.indicator, row.dimension, row.cell
            )
            for section_rows in rows.values()
            for row in section_rows
            if row.dimension is not None
        },
    )


def report_choices(user: User, name: str) -> services.Pickers:
    """The projects and teams a report page offers; the pages exist only for coordinators and
    supervisors, and only for a defined report."""
    try:
        pickers = services.pickers(user)
    except Forbidden:
        raise NotFound("no such page") from None
    services.require_report(name)
    return pickers


def reports_index(user: User, *, language: str) -> list[dict[str, object]]:
    """The reports `user` may run; to anyone else the page does not exist."""
    try:
        return services.list_reports(user, language=language)
    except Forbidden:
        raise NotFound("no such page") from None
