"""Reading a spreadsheet (CSV or XLSX) held in memory into a heading row and text rows."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from casework.errors import ValidationError

#: Larger files are refused: split them (a 10,000-row client sheet is well under 2 MB).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Sheet:
    headings: list[str]
    #: Text cells by heading, one dict a row; the row number is the spreadsheet's (headings = 1).
    rows: list[tuple[int, dict[str, str]]]


def detect_format(content: bytes, filename: str = "") -> str:
    """'xlsx' for a ZIP container (what an XLSX is), else 'csv'."""
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError("the file is not a readable XLSX workbook") from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("a CSV file must be saved as UTF-8") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def read_sheet(content: bytes, file_format: str) -> Sheet:
    """The file's headings and rows; a refused file raises ValidationError with the reason."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            "the file is larger than %(limit)s MB; split it", limit=MAX_FILE_BYTES // 2**20
        )
    if file_format not in FORMATS:
        raise ValidationError("the file must be CSV or XLSX")
    table = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    while table and not any(table[-1]):
        table.pop()
    if not table or not any(table[0]):
        raise ValidationError("the file has no heading row")
    headings = [heading.strip() for heading in table[0]]
    named = [heading for heading in headings if heading]
    if len(set(named)) != len(named):
        raise ValidationError("two columns of the file have the same heading")
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError("the file has more than %(limit)s rows; split it", limit=MAX_ROWS)
    rows = [
        (number, {h: (row[i] if i < len(row) else "") for i, h in enumerate(headings) if h})
        for number, row in enumerate(table[1:], start=2)
        if any(row)
    ]
    return Sheet(headings=named, rows=rows)
