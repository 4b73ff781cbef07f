"""One client row of a spreadsheet: its problems, or the client details and basis it holds.

PESEL through python-stdnum, phones through phonenumbers (a number without a country code is
Polish), nationality against the ISO 3166 codes Babel knows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers
from babel import Locale
from stdnum.pl import pesel

from casework.clients.models import Gender, LegalBasis
from casework.clients.services.clients import ClientDetails
from casework.crypto.blind_index import normalise_email
from casework.crypto.errors import BlindIndexInputError
from casework.errors import N_

COUNTRY_CODES = frozenset(
    str(code) for code in Locale("en").territories if len(str(code)) == 2 and str(code).isalpha()
)
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
_GENDERS = {
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "k": Gender.FEMALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "non_binary": Gender.NON_BINARY,
    "undisclosed": Gender.UNDISCLOSED,
    "": Gender.UNDISCLOSED,
}
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Problem:
    """A reason a row cannot be imported: a msgid and its parameters."""

    message: str
    params: dict[str, object] = field(default_factory=dict)

    def english(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass
class ClientRow:
    number: int
    details: ClientDetails | None
    legal_basis: LegalBasis | None
    notice_version: str
    #: The normalised values the row's fingerprint is made of.
    canonical: dict[str, str]
    problems: list[Problem]


def parse_date(text: str) -> date | None:
    """An ISO date, or day.month.year, or day/month/year; None if it is none of them."""
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_client_row(number: int, values: dict[str, str], today: date) -> ClientRow:
    """The row's details and every problem found in it (all of them, not just the first)."""
    problems: list[Problem] = []
    canonical: dict[str, str] = {}

    def text(name: str) -> str:
        value = values.get(name, "").strip()
        if value:
            canonical[name] = value
        return value

    given_name, family_name = text("given_name"), text("family_name")
    if not given_name:
        problems.append(Problem(N_("the given name is missing")))
    if not family_name:
        problems.append(Problem(N_("the family name is missing")))

    basis_text = text("legal_basis").lower()
    legal_basis = None
    if not basis_text:
        problems.append(Problem(N_("no consent or other legal basis is given")))
    elif basis_text not in {basis.value for basis in LegalBasis}:
        problems.append(Problem(N_("unknown legal basis: %(value)s"), {"value": basis_text}))
    else:
        legal_basis = LegalBasis(basis_text)
    notice_version = text("notice_version")
    if not notice_version:
        problems.append(Problem(N_("the privacy notice version is missing")))

    born = None
    if date_text := text("date_of_birth"):
        born = parse_date(date_text)
        if born is None:
            problems.append(Problem(N_("not a date: %(value)s"), {"value": date_text}))
        elif born > today:
            problems.append(Problem(N_("the date of birth is in the future")))
        else:
            canonical["date_of_birth"] = born.isoformat()
    birth_year = None
    if year_text := text("birth_year"):
        if not year_text.isdigit() or not 1900 <= int(year_text) <= today.year:
            problems.append(Problem(N_("not a birth year: %(value)s"), {"value": year_text}))
        else:
            birth_year = int(year_text)
            if born and born.year != birth_year:
                problems.append(Problem(N_("the birth year differs from the date of birth")))

    national_id = None
    if id_text := text("national_id"):
        if pesel.is_valid(id_text):
            national_id = canonical["national_id"] = pesel.compact(id_text)
        else:
            problems.append(Problem(N_("not a valid PESEL number")))

    phone = None
    if phone_text := text("phone"):
        try:
            number_ = phonenumbers.parse(phone_text, "PL")
        except phonenumbers.NumberParseException:
            number_ = None
        if number_ is None or not phonenumbers.is_valid_number(number_):
            problems.append(Problem(N_("not a valid phone number")))
        else:
            phone = canonical["phone"] = phonenumbers.format_number(
                number_, phonenumbers.PhoneNumberFormat.E164
            )

    email = None
    if email_text := text("email"):
        try:
            email = canonical["email"] = normalise_email(email_text)
        except BlindIndexInputError:
            problems.append(Problem(N_("not a valid e-mail address")))

    gender_text = text("gender").lower()
    gender = _GENDERS.get(gender_text)
    if gender is None:
        problems.append(Problem(N_("unknown gender: %(value)s"), {"value": gender_text}))

    nationality = text("nationality").upper() or None
    if nationality and nationality not in COUNTRY_CODES:
        problems.append(Problem(N_("unknown nationality code: %(value)s"), {"value": nationality}))

    languages = [code.strip().lower() for code in re.split(r"[,; ]+", text("languages")) if code]
    if any(not _LANGUAGE.match(code) for code in languages):
        problems.append(Problem(N_("languages must be two-letter codes, e.g. uk, pl")))

    details = None
    if not problems:
        details = ClientDetails(
            given_name=given_name,
            family_name=family_name,
            gender=gender or Gender.UNDISCLOSED,
            date_of_birth=born,
            birth_year=birth_year,
            national_id=national_id,
            phone=phone,
            email=email,
            address=text("address") or None,
            nationality=nationality,
            languages=languages,
            municipality=text("municipality") or None,
        )
    return ClientRow(number, details, legal_basis, notice_version, canonical, problems)
