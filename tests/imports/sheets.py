"""Synthetic client spreadsheets for the import tests and the benchmark (no real person)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

HEADINGS = [
    "Imię",
    "Nazwisko",
    "PESEL",
    "Telefon",
    "Data urodzenia",
    "Obywatelstwo",
    "Podstawa prawna",
    "Wersja klauzuli",
]
MAPPING = {
    "given_name": "Imię",
    "family_name": "Nazwisko",
    "national_id": "PESEL",
    "phone": "Telefon",
    "date_of_birth": "Data urodzenia",
    "nationality": "Obywatelstwo",
    "legal_basis": "Podstawa prawna",
    "notice_version": "Wersja klauzuli",
}
_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
_SYLLABLES = ["ko", "wa", "li", "ska", "nor", "ber", "mi", "zy", "tek", "la", "dro", "pa"]


def pesel(year: int, month: int, day: int, serial: int) -> str:
    """A PESEL with a correct check digit, for a person born in 1900–1999."""
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:04d}"
    check = (10 - sum(w * int(d) for w, d in zip(_WEIGHTS, body, strict=True)) % 10) % 10
    return body + str(check)


def surname(number: int) -> str:
    """A made-up surname unique to `number`."""
    parts = []
    while True:
        number, rest = divmod(number, len(_SYLLABLES))
        parts.append(_SYLLABLES[rest])
        if not number:
            break
    return ("".join(parts) + "ska").capitalize()


def good_row(number: int) -> list[str]:
    year, month, day = 1950 + number % 45, 1 + number % 12, 1 + number % 28
    return [
        "Anna",
        surname(number),
        pesel(year, month, day, number % 10_000),
        f"+48 5{number:08d}",
        f"{day:02d}.{month:02d}.{year}",
        "UA" if number % 2 else "PL",
        "consent",
        "2026-01",
    ]


def bad_row(number: int) -> tuple[list[str], str]:
    """A row with one problem, and the words its reason contains."""
    row = good_row(number)
    match number % 5:
        case 0:
            row[2] = row[2][:-1] + str((int(row[2][-1]) + 1) % 10)
            return row, "PESEL"
        case 1:
            row[3] = "12345"
            return row, "phone"
        case 2:
            row[4] = "31.02.1990"
            return row, "not a date"
        case 3:
            row[5] = "XX"
            return row, "nationality"
        case _:
            row[6] = ""
            return row, "legal basis"


def xlsx(rows: Iterable[list[str]], headings: list[str] = HEADINGS) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[list[str]], headings: list[str] = HEADINGS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headings)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
