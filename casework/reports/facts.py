"""What every activity's facts share: the period and reach of a report, hours between two
instants on both databases, age bands, and the columns describing a person."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    extract,
    literal,
    null,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from casework.clients.models import Client
from casework.consultations.models import (
    AgeGroup,
    InformationConsultation,
)
from casework.projects.scope import ActivityKind, ProjectScope
from casework.reports.definitions import AgeBand

#: The ages each anonymous visitor's age group covers (None: no upper end).
AGE_GROUP_RANGES: dict[AgeGroup, tuple[int, int | None]] = {
    AgeGroup.UNDER_18: (0, 17),
    AgeGroup.FROM_18_TO_29: (18, 29),
    AgeGroup.FROM_30_TO_44: (30, 44),
    AgeGroup.FROM_45_TO_59: (45, 59),
    AgeGroup.FROM_60: (60, None),
}


@dataclass(frozen=True)
class Window:
    """The period (dates inclusive) and the same period as UTC instants [start_at, end_at)."""

    start: date
    end: date
    start_at: datetime
    end_at: datetime


@dataclass(frozen=True)
class Reach:
    """Whose activity counts: the teams (None: the whole centre) and the project."""

    teams: Sequence[uuid.UUID] | None
    project: ProjectScope


class HoursBetween(FunctionElement[float]):
    """Hours from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


@compiles(HoursBetween, "sqlite")
def _hours_sqlite(element: HoursBetween, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"((julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)})) * 24.0)"
    )


@compiles(HoursBetween, "postgresql")
def _hours_postgresql(element: HoursBetween, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
        f"{compiler.process(start, **kw)})) / 3600.0)"
    )


def age_band_of(bands: Sequence[AgeBand]) -> ColumnElement[Any]:
    """The client's age band at first contact (the year the record was made, less birth year)."""
    age = extract("year", Client.created_at) - Client.birth_year
    whens = []
    for band in bands:
        conditions = []
        if band.minimum is not None:
            conditions.append(age >= band.minimum)
        if band.maximum is not None:
            conditions.append(age <= band.maximum)
        whens.append((and_(Client.birth_year.is_not(None), *conditions), literal(band.code)))
    return case(*whens, else_=null())


def visitor_age_band(bands: Sequence[AgeBand]) -> ColumnElement[Any]:
    """An anonymous visitor's age group as the band that holds it whole (else unknown)."""
    whens = []
    for group, (low, high) in AGE_GROUP_RANGES.items():
        band = next((b for b in bands if b.contains(low, high)), None)
        if band is not None:
            whens.append((InformationConsultation.age_group == group, literal(band.code)))
    return case(*whens, else_=null()) if whens else null()


@dataclass
class Fact:
    """What one activity offers: its FROM, base conditions and named columns."""

    select_from: Any
    where: list[Any]
    columns: dict[str, Any]
    #: team column, or None when the activity belongs to no team.
    team: Any
    project: Any
    #: (kind, key column) for a breakdown by project.
    attribution: tuple[ActivityKind, Any] | None
    #: Columns shown in place of `columns` (window expressions: not usable in WHERE).
    shown: dict[str, Any] = field(default_factory=dict)


def person_columns(bands: Sequence[AgeBand]) -> dict[str, Any]:
    return {
        "gender": Client.gender,
        "age_band": age_band_of(bands),
        "nationality": Client.nationality,
        "migration_reason": Client.migration_reason,
        "language": Client.languages[0].as_string(),
    }


def between(column: Any, window: Window) -> ColumnElement[bool]:
    return and_(column >= window.start_at, column < window.end_at)
