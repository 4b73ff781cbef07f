"""One past group participation of a spreadsheet: who (identified through the blind indexes),
which run (service code and start date, or the run's id), how it ended, and when."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum.pl import pesel

from casework.crypto.blind_index import normalise_email
from casework.crypto.errors import BlindIndexInputError
from casework.crypto.services import Identifiers
from casework.errors import N_
from casework.imports.rows import Problem, parse_date

#: The outcomes a row may give: completed, withdrew, or took part (attended, still seated).
STATUSES = ("completed", "withdrawn", "attended")


@dataclass
class GroupRow:
    number: int
    identifiers: Identifiers | None
    run_id: uuid.UUID | None
    service_code: str
    run_starts_on: date | None
    status: str
    joined_on: date | None
    left_on: date | None
    canonical: dict[str, str]
    problems: list[Problem]
    #: Filled in by the import services once the client and the run are found.
    client_id: uuid.UUID | None = None
    run: object | None = None


def _date(text: str, problems: list[Problem], today: date) -> date | None:
    if not text:
        return None
    found = parse_date(text)
    if found is None:
        problems.append(Problem(N_("not a date: %(value)s"), {"value": text}))
    elif found > today:
        problems.append(Problem(N_("the date %(value)s is in the future"), {"value": text}))
        return None
    return found


def _identifiers(text: dict[str, str], problems: list[Problem], today: date) -> Identifiers:
    national_ids: tuple[str, ...] = ()
    if value := text.get("national_id"):
        if pesel.is_valid(value):
            national_ids = (pesel.compact(value),)
        else:
            problems.append(Problem(N_("not a valid PESEL number")))
    phones: tuple[str, ...] = ()
    if value := text.get("phone"):
        try:
            parsed = phonenumbers.parse(value, "PL")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            problems.append(Problem(N_("not a valid phone number")))
        else:
            phones = (phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),)
    emails: tuple[str, ...] = ()
    if value := text.get("email"):
        try:
            emails = (normalise_email(value),)
        except BlindIndexInputError:
            problems.append(Problem(N_("not a valid e-mail address")))
    birth_year = None
    if value := text.get("birth_year"):
        if not value.isdigit() or not 1900 <= int(value) <= today.year:
            problems.append(Problem(N_("not a birth year: %(value)s"), {"value": value}))
        else:
            birth_year = int(value)
    surname = text.get("family_name") if birth_year else None
    found = Identifiers(national_ids, phones, emails, surname, birth_year)
    if not (national_ids or phones or emails or surname) and not problems:
        problems.append(
            Problem(
                N_("give the PESEL, phone, e-mail, or family name and birth year of the person")
            )
        )
    return found


def parse_group_row(number: int, values: dict[str, str], today: date) -> GroupRow:
    """The row's person, run, outcome and dates, and every problem found in it."""
    problems: list[Problem] = []
    text = {name: value.strip() for name, value in values.items() if value.strip()}
    identifiers = _identifiers(text, problems, today)
    run_id = None
    if value := text.get("run_id"):
        try:
            run_id = uuid.UUID(value)
        except ValueError:
            problems.append(Problem(N_("not a group run id: %(value)s"), {"value": value}))
    service_code = text.get("service_code", "")
    run_starts_on = _date(text.get("run_starts_on", ""), problems, today)
    if not run_id and not (service_code and run_starts_on) and not problems:
        problems.append(Problem(N_("give the group run's id, or its service code and start date")))
    status = text.get("status", "").lower()
    if status not in STATUSES:
        problems.append(Problem(N_("unknown participation status: %(value)s"), {"value": status}))
    joined_on = _date(text.get("joined_on", ""), problems, today)
    left_on = _date(text.get("left_on", ""), problems, today)
    if joined_on and left_on and left_on < joined_on:
        problems.append(Problem(N_("the person left before joining")))
    canonical = dict(text)
    return GroupRow(
        number,
        identifiers,
        run_id,
        service_code,
        run_starts_on,
        status,
        joined_on,
        left_on,
        canonical,
        problems,
    )
