"""Consultation statistics for supervisors, coordinators and consultants: counts by month, topic,
language, channel and the visitors' gender, age band, nationality and migration reason, with
returning visitors; small cells suppressed the way published reports are (docs/reports.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from casework import policy
from casework.auth.models import User
from casework.clients.models import Client
from casework.consultations.models import (
    AgeGroup,
    InformationConsultation,
    consultation_topic_links,
)
from casework.db import db
from casework.suppression import DEFAULT_THRESHOLD, TOTAL, Key, hidden_cells

#: The breakdowns of the page, in order; each cell's code is a month ("2026-03"), a topic code,
#: a language code, an enum value or a country code; None is "not given".
DIMENSIONS = (
    "month",
    "topic",
    "language",
    "channel",
    "gender",
    "age_group",
    "nationality",
    "migration_reason",
    "visitor",
)


@dataclass(frozen=True)
class Shown:
    """A count as printed: `number` is None when it is hidden, `text` what the page shows."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Figure:
    code: str | None
    shown: Shown


@dataclass(frozen=True)
class Statistics:
    consulted_from: date
    consulted_to: date
    total: Shown
    returning_visitors: Shown
    minutes: int
    #: dimension -> its cells, largest first (months in order)
    breakdowns: dict[str, list[Figure]]
    threshold: int


def age_band(birth_year: int | None, on: date) -> AgeGroup:
    """The age band of a registered client in the year of the consultation."""
    if birth_year is None:
        return AgeGroup.UNDISCLOSED
    age = on.year - birth_year
    for limit, band in (
        (18, AgeGroup.UNDER_18),
        (30, AgeGroup.FROM_18_TO_29),
        (45, AgeGroup.FROM_30_TO_44),
        (60, AgeGroup.FROM_45_TO_59),
    ):
        if age < limit:
            return band
    return AgeGroup.FROM_60


def statistics(
    user: User, *, consulted_from: date, consulted_to: date, threshold: int = DEFAULT_THRESHOLD
) -> Statistics:
    """The consultations `user` may count (a coordinator: the centre's; a supervisor: their
    teams'; a consultant: their own) held in the period, counted several ways."""
    policy.CONSULTATION_STATISTICS.require(user)
    C = InformationConsultation
    in_scope = (
        policy.consultation_statistics_scope(user),
        C.consulted_on >= consulted_from,
        C.consulted_on <= consulted_to,
    )
    rows = db.session.execute(
        select(
            C.id,
            C.consulted_on,
            C.language,
            C.channel,
            C.duration_minutes,
            C.gender,
            C.age_group,
            C.nationality,
            C.migration_reason,
            C.visitor_token,
            C.client_id,
            Client.gender,
            Client.birth_year,
            Client.nationality,
            Client.migration_reason,
        )
        .outerjoin(Client, Client.id == C.client_id)
        .where(*in_scope)
    ).all()
    counts: dict[str, Counter[str | None]] = {name: Counter() for name in DIMENSIONS}
    visits: Counter[str] = Counter()
    for row in rows:
        linked = row.client_id is not None
        counts["month"][row.consulted_on.strftime("%Y-%m")] += 1
        counts["language"][row.language or None] += 1
        counts["channel"][row.channel.value] += 1
        counts["visitor"]["registered" if linked else "anonymous"] += 1
        if linked:
            gender, nationality, reason = row[11], row[13], row[14]
            band: AgeGroup | None = age_band(row.birth_year, row.consulted_on)
            visits[f"client:{row.client_id}"] += 1
        else:
            gender, nationality, reason, band = row[5], row[7], row[8], row.age_group
            if row.visitor_token:
                visits[f"token:{row.visitor_token}"] += 1
        counts["gender"][gender.value if gender else None] += 1
        counts["age_group"][band.value if band else None] += 1
        counts["nationality"][nationality] += 1
        counts["migration_reason"][reason.value if reason else None] += 1
    topics = db.session.execute(
        select(consultation_topic_links.c.topic_code).where(
            consultation_topic_links.c.consultation_id.in_(select(C.id).where(*in_scope))
        )
    ).scalars()
    counts["topic"].update(topics)
    return _protect(
        consulted_from,
        consulted_to,
        len(rows),
        sum(1 for n in visits.values() if n > 1),
        sum(row.duration_minutes for row in rows),
        counts,
        threshold,
    )


def _ordered(dimension: str, counter: Counter[str | None]) -> list[tuple[str | None, int]]:
    if dimension == "month":
        return sorted(counter.items(), key=lambda item: item[0] or "")
    return sorted(counter.items(), key=lambda item: (-item[1], item[0] or "\uffff"))


def suppress(
    total: int, breakdowns: dict[str, list[tuple[str | None, int]]], threshold: int
) -> dict[Key, Shown]:
    """The figures as shown, protected as published reports are (`casework.suppression`)."""
    values: dict[Key, int] = {TOTAL: total}
    groups: list[list[Key]] = []
    for name, cells in breakdowns.items():
        keys: list[Key] = [(name, code) for code, _n in cells]
        values.update(zip(keys, (n for _c, n in cells), strict=True))
        groups.append(keys)
    shown = {key: Shown(n, str(n)) for key, n in values.items()}
    for key, text in hidden_cells(values, groups, threshold).items():
        shown[key] = Shown(None, text)
    return shown


def _protect(
    consulted_from: date,
    consulted_to: date,
    total: int,
    returning: int,
    minutes: int,
    counts: dict[str, Counter[str | None]],
    threshold: int,
) -> Statistics:
    ordered = {name: _ordered(name, counts[name]) for name in DIMENSIONS}
    shown = suppress(total, ordered, threshold)
    people = suppress(returning, {}, threshold)[None, None]
    return Statistics(
        consulted_from,
        consulted_to,
        shown[None, None],
        people,
        minutes,
        {
            name: [Figure(code, shown[name, code]) for code, _n in cells]
            for name, cells in ordered.items()
        },
        threshold,
    )
