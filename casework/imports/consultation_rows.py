"""One past consultation of a spreadsheet: anonymous statistics, as the tally sheets kept them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.clients.models import Gender, MigrationReason
from casework.consultations.models import AgeGroup, Channel
from casework.consultations.services import MAX_DURATION_MINUTES
from casework.errors import N_
from casework.imports.rows import COUNTRY_CODES, Problem, parse_date


@dataclass
class ConsultationRow:
    number: int
    #: The keyword arguments of `consultations.services.log_consultation`.
    values: dict[str, Any] | None
    canonical: dict[str, str]
    problems: list[Problem]


def _choice(enum_type: Any, text: str, problems: list[Problem], message: str) -> Any:
    if not text:
        return None
    try:
        return enum_type(text.lower())
    except ValueError:
        problems.append(Problem(message, {"value": text}))
        return None


def parse_consultation_row(
    number: int, values: dict[str, str], today: date, topic_codes: set[str]
) -> ConsultationRow:
    """The row's consultation and every problem found in it."""
    problems: list[Problem] = []
    canonical = {name: value.strip() for name, value in values.items() if value.strip()}
    text = canonical.get

    consulted_on = parse_date(text("consulted_on", ""))
    if consulted_on is None:
        problems.append(Problem(N_("not a date: %(value)s"), {"value": text("consulted_on", "")}))
    elif consulted_on > today:
        problems.append(Problem(N_("the consultation date is in the future")))
    language = text("language", "").lower()
    if not re.fullmatch(r"[a-z]{2}", language):
        problems.append(Problem(N_("languages must be two-letter codes, e.g. uk, pl")))
    minutes = text("duration_minutes", "")
    if not minutes.isdigit() or not 1 <= int(minutes) <= MAX_DURATION_MINUTES:
        problems.append(
            Problem(
                N_("the duration must be 1 to %(most)s minutes"), {"most": MAX_DURATION_MINUTES}
            )
        )
    topics = [code for code in re.split(r"[,; ]+", text("topics", "")) if code]
    if not topics:
        problems.append(Problem(N_("no topic is given")))
    for code in topics:
        if code not in topic_codes:
            problems.append(Problem(N_("unknown topic: %(value)s"), {"value": code}))
    channel = (
        _choice(Channel, text("channel", ""), problems, N_("unknown channel: %(value)s"))
        or Channel.IN_PERSON
    )
    gender = _choice(Gender, text("gender", ""), problems, N_("unknown gender: %(value)s"))
    age_group = _choice(
        AgeGroup, text("age_group", ""), problems, N_("unknown age group: %(value)s")
    )
    reason = _choice(
        MigrationReason,
        text("migration_reason", ""),
        problems,
        N_("unknown reason for migration: %(value)s"),
    )
    nationality = text("nationality", "").upper() or None
    if nationality and nationality not in COUNTRY_CODES:
        problems.append(Problem(N_("unknown nationality code: %(value)s"), {"value": nationality}))
    logged = None
    if not problems:
        logged = {
            "consulted_on": consulted_on,
            "channel": channel,
            "language": language,
            "topic_codes": topics,
            "duration_minutes": int(minutes),
            "gender": gender,
            "age_group": age_group,
            "nationality": nationality,
            "migration_reason": reason,
        }
    return ConsultationRow(number, logged, canonical, problems)
