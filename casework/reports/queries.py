"""An indicator as one aggregate SQL statement, on SQLite and PostgreSQL.

Each activity is a SELECT of "fact" columns (the unit counted, the person, the case, an amount
and the dimensions); an indicator's sources are UNION ALL-ed into one common table expression,
and the total and every breakdown are GROUP BYs over it, UNION ALL-ed into one statement. Only
statistical columns are read; nothing is decrypted and no row leaves the database.

Rows of the statement: (dimension, value, figure, base): dimension "" is the total; for a share,
`figure` is the numerator and `base` the denominator, else `base` is NULL.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from casework.consultations.models import (
    InformationConsultation,
    consultation_topic_links,
)
from casework.projects.scope import attributions
from casework.reports.activities import FACTS
from casework.reports.definitions import SUMS, AgeBand, Indicator, Source
from casework.reports.facts import (
    Fact,
    Reach,
    Window,
)
from casework.surveys.models import SurveyResponse

#: Counts of the activity's own records (COUNT DISTINCT of its unit).
RECORD_COUNTS = (
    "assessments",
    "participations",
    "sessions",
    "meetings",
    "runs",
    "consultations",
    "trainings",
    "events",
    "responses",
)


def is_available(indicator: Indicator, teams: Sequence[uuid.UUID] | None) -> bool:
    """A team's report leaves out activities that belong to no team (events, trainings)."""
    if teams is None:
        return True
    return all(source.activity not in TEAMLESS for source in indicator.sources)


TEAMLESS = ("training", "event", "event_reach", "partner_institution")


def _condition(
    fact: Fact, dimension: str, values: Sequence[str], reach: Reach, *, shown: bool = False
) -> ColumnElement[bool]:
    """The dimension has one of `values`; `shown` uses the per-person values (SELECT only)."""
    if dimension == "topic":
        links = consultation_topic_links
        return exists().where(
            links.c.consultation_id == InformationConsultation.id, links.c.topic_code.in_(values)
        )
    column = fact.shown.get(dimension) if shown else None
    return cast(fact.columns[dimension] if column is None else column, String).in_(list(values))


def _unit_of(indicator: Indicator) -> str:
    share = indicator.share
    count = share.of if share is not None else indicator.count
    if count == "people":
        return "person"
    if count == "cases":
        return "case"
    if count == "institutions" and all(s.activity == "training" for s in indicator.sources):
        return "institution"
    if count in SUMS:
        return "amount"
    return "unit"


def _source_select(
    indicator: Indicator,
    source: Source,
    window: Window,
    reach: Reach,
    bands: Sequence[AgeBand],
    needed: Sequence[str],
    text_person: bool,
) -> Select[Any]:
    fact = FACTS[source.activity](source, window, reach, bands)
    conditions = [*fact.where, fact.project]
    if reach.teams is not None:
        conditions.append(fact.team.in_(list(reach.teams)) if fact.team is not None else false())
    for dimension, values in source.filters.items():
        conditions.append(_condition(fact, dimension, values, reach))
    columns: list[ColumnElement[Any]] = []
    for name in needed:
        if name == "flag":
            columns.append(_share_flag(indicator, fact, reach).label("flag"))
        elif name == "person" and text_person:
            columns.append(cast(fact.columns["person"], String).label("person"))
        elif name == "attribution":
            key = fact.attribution[1] if fact.attribution else null()
            columns.append(cast(key, String).label("attribution"))
        elif name in ("unit", "person", "case", "amount", "institution"):
            columns.append(fact.columns.get(name, null()).label(name))
        else:
            column = fact.shown.get(name, fact.columns.get(name, null()))
            columns.append(cast(column, String).label(name))
    return select(*columns).select_from(fact.select_from).where(*conditions)


def _share_flag(indicator: Indicator, fact: Fact, reach: Reach) -> ColumnElement[int]:
    share = indicator.share
    assert share is not None
    conditions = [
        _condition(fact, d, values, reach, shown=True) for d, values in share.where.items()
    ]
    if share.returning:
        person = fact.columns["person"]
        identifiable = or_(
            InformationConsultation.client_id.is_not(None),
            InformationConsultation.visitor_token.is_not(None),
        )
        visits = func.count().over(partition_by=person)
        conditions.append(and_(identifiable, visits > 1))
    if share.item is not None:
        answer = SurveyResponse.answers[share.item].as_string()
        conditions.append(answer.in_(list(share.options)))
    return case((and_(*conditions), 1), else_=0)


def _measure(indicator: Indicator, base: Any, unit: str) -> tuple[Any, Any]:
    """(figure, base) aggregates over the fact table `base`."""
    column = base.c[unit]
    if indicator.share is not None:
        part = case((base.c.flag == 1, column), else_=null())
        return func.count(distinct(part)), func.count(distinct(column))
    if unit == "amount":
        return func.coalesce(func.sum(column), 0), null()
    return func.count(distinct(column)), null()


def indicator_statement(
    indicator: Indicator,
    window: Window,
    reach: Reach,
    bands: Sequence[AgeBand],
    breakdowns: Sequence[str] | None = None,
) -> Select[Any]:
    """The one statement computing an indicator's total and its breakdowns."""
    chosen = list(indicator.breakdowns if breakdowns is None else breakdowns)
    unit = _unit_of(indicator)
    needed = [unit]
    if indicator.share is not None:
        needed += ["flag"] if unit == "unit" else ["unit", "flag"]
        needed = list(dict.fromkeys(needed))
    plain = [d for d in chosen if d not in ("topic", "project")]
    needed += plain
    if "topic" in chosen:
        needed.append("unit")
    if "project" in chosen:
        needed.append("attribution")
    needed = list(dict.fromkeys(needed))
    text_person = unit == "person" and len(indicator.sources) > 1
    selects = [
        _source_select(indicator, source, window, reach, bands, needed, text_person)
        for source in indicator.sources
    ]
    facts = (selects[0] if len(selects) == 1 else union_all(*selects)).cte("facts")
    figure, denominator = _measure(indicator, facts, unit)
    branches: list[Select[Any]] = [
        select(
            literal("").label("dimension"),
            cast(null(), String).label("value"),
            figure.label("figure"),
            denominator.label("base"),
        ).select_from(facts)
    ]
    for dimension in chosen:
        if dimension == "topic":
            links = consultation_topic_links
            value: Any = links.c.topic_code
            source_table: Any = facts.join(links, links.c.consultation_id == facts.c.unit)
        elif dimension == "project":
            kind = next(
                FACTS[s.activity](s, window, reach, bands).attribution for s in indicator.sources
            )
            assert kind is not None
            pairs = attributions(kind[0]).subquery()
            value = cast(pairs.c.project_id, String)
            source_table = facts.join(pairs, cast(pairs.c.key, String) == facts.c.attribution)
        else:
            value = facts.c[dimension]
            source_table = facts
        branches.append(
            select(
                literal(dimension).label("dimension"),
                cast(value, String).label("value"),
                figure.label("figure"),
                denominator.label("base"),
            )
            .select_from(source_table)
            .group_by(value)
        )
    return branches[0] if len(branches) == 1 else union_all(*branches)  # type: ignore[return-value]


def figures_from_rows(
    rows: Sequence[Any],
) -> tuple[tuple[float, float | None], dict[str, list[tuple[str | None, float, float | None]]]]:
    """(total, {dimension: [(value, figure, base)]}) from the statement's rows."""
    total: tuple[float, float | None] = (0, None)
    breakdowns: dict[str, list[tuple[str | None, float, float | None]]] = {}
    for row in rows:
        figure = _number(row.figure)
        base = None if row.base is None else _number(row.base)
        if row.dimension == "":
            total = (figure, base)
        else:
            breakdowns.setdefault(row.dimension, []).append((row.value, figure, base))
    return total, breakdowns


def _number(value: Any) -> float:
    """SQLite's julianday arithmetic leaves hours like 6.000000011: four decimals are plenty."""
    return round(float(value or 0), 4)
