"""The people events reached, by language: one row per event and language where it is known,
and one row without a language for the rest of the event's headcount, so that the rows add up
to the events' totals."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, func, literal, select, union_all

from casework.partners.models import EventReach, PublicEvent
from casework.projects.scope import ActivityKind
from casework.reports.definitions import AgeBand, Source
from casework.reports.facts import Fact, Reach, Window


def event_reach_fact(
    source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]
) -> Fact:
    known = func.coalesce(
        select(func.sum(EventReach.headcount))
        .where(EventReach.event_id == PublicEvent.id)
        .scalar_subquery(),
        0,
    )
    by_language = select(
        EventReach.event_id.label("event_id"),
        EventReach.language.label("language"),
        EventReach.headcount.label("amount"),
    )
    rest = select(
        PublicEvent.id.label("event_id"),
        literal(None, String).label("language"),
        (PublicEvent.headcount - known).label("amount"),
    ).where(PublicEvent.headcount > known)
    rows = union_all(by_language, rest).subquery("event_reach_rows")
    return Fact(
        select_from=PublicEvent.__table__.join(rows, rows.c.event_id == PublicEvent.id),
        where=[PublicEvent.held_on >= window.start, PublicEvent.held_on <= window.end],
        columns={
            "unit": PublicEvent.id,
            "amount": rows.c.amount,
            "language": rows.c.language,
            "event_kind": PublicEvent.kind,
        },
        team=None,
        project=reach.project.events(PublicEvent.id),
        attribution=(ActivityKind.EVENT, PublicEvent.id),
    )
