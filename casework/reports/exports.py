"""A report as a file: XLSX (one sheet per section), CSV (UTF-8 with BOM) or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from casework.reports.services import ReportResult
from casework.reports.tables import Row, table

FORMATS = ("xlsx", "csv", "json")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def filename(result: ReportResult, extension: str) -> str:
    return f"{result.report.key}_{result.start.isoformat()}_{result.end.isoformat()}.{extension}"


def render(result: ReportResult, fmt: str, *, threshold: int | None = None) -> bytes:
    """The report in `fmt`, in the result's language; with a threshold, for publication."""
    with force_locale(result.language):
        if fmt == "xlsx":
            return to_xlsx(result, threshold=threshold)
        if fmt == "csv":
            return to_csv(result, threshold=threshold)
        return json.dumps(to_data(result, threshold=threshold), ensure_ascii=False).encode()


def _headers() -> list[str]:
    return [_("Indicator"), _("Breakdown"), _("Value"), _("Figure"), _("Target")]


def _about(result: ReportResult, threshold: int | None) -> list[tuple[str, str]]:
    lines = [
        (_("Report"), result.title),
        (_("Period"), f"{result.start.isoformat()} – {result.end.isoformat()}"),
        (_("Project"), result.project_name or _("All projects")),
        (_("Teams"), ", ".join(result.team_names) or _("Whole centre")),
    ]
    if threshold is not None:
        lines.append(
            (
                _("Publication"),
                _(
                    "Counts below %(threshold)d are shown as <%(threshold)d; x hides a cell "
                    "that would give a hidden count back.",
                    threshold=threshold,
                ),
            )
        )
    return lines


def _row_values(row: Row) -> list[Any]:
    figure: Any = row.shown.number if row.shown.number is not None else row.shown.text
    if row.indicator.is_share and row.shown.number is not None:
        figure = row.shown.text
    target = row.indicator.target if row.dimension is None else None
    return [
        row.indicator.label,
        row.dimension_label,
        row.cell.label if row.dimension is not None else _("Total"),
        figure,
        float(target) if target is not None else "",
    ]


def to_xlsx(result: ReportResult, *, threshold: int | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    rows_by_section = table(result, threshold=threshold)
    used: set[str] = set()
    for section in result.sections:
        sheet = workbook.create_sheet(_sheet_title(section.title, used))
        sheet.append([result.title])
        sheet["A1"].font = Font(bold=True, size=14)
        for name, value in _about(result, threshold):
            sheet.append([name, value])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.append([])
        sheet.append(_headers())
        header_row = sheet.max_row
        for column in range(1, len(_headers()) + 1):
            cell = sheet.cell(header_row, column)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
        for row in rows_by_section[section.section.key]:
            sheet.append(_row_values(row))
            if row.dimension is None:
                sheet.cell(sheet.max_row, 1).font = Font(bold=True)
                sheet.cell(sheet.max_row, 4).font = Font(bold=True)
        for column, width in zip(range(1, 6), (60, 28, 36, 14, 12), strict=True):
            sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "Sheet"
    name, number = clean, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def to_csv(result: ReportResult, *, threshold: int | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Polish and Ukrainian text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, value in _about(result, threshold):
        writer.writerow([name, value])
    writer.writerow([])
    writer.writerow([_("Section"), *_headers()])
    rows_by_section = table(result, threshold=threshold)
    for section in result.sections:
        for row in rows_by_section[section.section.key]:
            writer.writerow([section.title, *_row_values(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_data(result: ReportResult, *, threshold: int | None = None) -> dict[str, Any]:
    """The report as JSON-ready data: codes and labels, totals and breakdowns."""
    rows_by_section = table(result, threshold=threshold)
    sections = []
    for section in result.sections:
        by_indicator: dict[str, list[Row]] = {}
        for row in rows_by_section[section.section.key]:
            by_indicator.setdefault(row.indicator.key, []).append(row)
        indicators = []
        for indicator in section.indicators:
            rows = by_indicator.get(indicator.key, [])
            total = next((row for row in rows if row.dimension is None), None)
            breakdowns: dict[str, dict[str, Any]] = {}
            for row in rows:
                if row.dimension is None:
                    continue
                entry = breakdowns.setdefault(
                    row.dimension,
                    {"dimension": row.dimension, "label": row.dimension_label, "cells": []},
                )
                entry["cells"].append(
                    {"code": row.cell.code, "label": row.cell.label, **_figure(row)}
                )
            indicators.append(
                {
                    "key": f"{result.report.key}.{indicator.key}",
                    "label": indicator.label,
                    "count": indicator.indicator.count,
                    "available": indicator.available,
                    "total": _figure(total) if total else None,
                    "target": float(indicator.target) if indicator.target is not None else None,
                    "breakdowns": list(breakdowns.values()),
                }
            )
        sections.append(
            {"key": section.section.key, "title": section.title, "indicators": indicators}
        )
    return {
        "report": result.report.key,
        "title": result.title,
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "project": str(result.project_id) if result.project_id else None,
        "project_name": result.project_name,
        "teams": list(result.team_names),
        "suppression_threshold": threshold,
        "sections": sections,
    }


def _figure(row: Row) -> dict[str, Any]:
    if row.indicator.is_share:
        return {
            "percent": row.shown.number,
            "part": row.shown.part,
            "base": row.shown.base,
            "text": row.shown.text,
        }
    return {"value": row.shown.number, "text": row.shown.text}
