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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    extract,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from casework.care.models import Appointment, Attendance, Enrolment, EnrolmentStatus
from casework.case_assessments.models import Assessment, AssessmentState
from casework.cases.models import Case
from casework.clients.models import Client
from casework.consultations.models import (
    AgeGroup,
    InformationConsultation,
    consultation_topic_links,
)
from casework.groups.models import (
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupMeeting,
    GroupRun,
    MeetingAttendance,
    MeetingPresence,
    MentoringSession,
)
from casework.partners.models import (
    PartnerInstitution,
    PublicEvent,
    Training,
    TrainingParticipation,
)
from casework.projects.scope import ActivityKind, ProjectScope, attributions
from casework.reports.definitions import SUMS, AgeBand, Indicator, Source
from casework.surveys.models import SurveyResponse

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


def _age_band(bands: Sequence[AgeBand]) -> ColumnElement[Any]:
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


def _visitor_age_band(bands: Sequence[AgeBand]) -> ColumnElement[Any]:
    """An anonymous visitor's age group as the band that holds it whole (else unknown)."""
    whens = []
    for group, (low, high) in AGE_GROUP_RANGES.items():
        band = next((b for b in bands if b.contains(low, high)), None)
        if band is not None:
            whens.append((InformationConsultation.age_group == group, literal(band.code)))
    return case(*whens, else_=null()) if whens else null()


@dataclass
class _Fact:
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


def _person_columns(bands: Sequence[AgeBand]) -> dict[str, Any]:
    return {
        "gender": Client.gender,
        "age_band": _age_band(bands),
        "nationality": Client.nationality,
        "migration_reason": Client.migration_reason,
        "language": Client.languages[0].as_string(),
    }


def _between(column: Any, window: Window) -> ColumnElement[bool]:
    return and_(column >= window.start_at, column < window.end_at)


def _assessment(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    enrolled = select(Enrolment.id).where(Enrolment.case_id == Assessment.case_id)
    if reach.project.project_id is None:
        project: ColumnElement[bool] = true()
    else:
        # An assessment belongs to no service: it counts for the projects of the services its
        # case is enrolled in, and for the default project when the case has no enrolment.
        project = exists(enrolled.where(reach.project.services(Enrolment.service_code)))
        if reach.project.is_default:
            project = or_(project, ~exists(enrolled))
    return _Fact(
        select_from=Assessment.__table__.join(Client, Client.id == Assessment.client_id).join(
            Case, Case.id == Assessment.case_id
        ),
        where=[
            Assessment.state == AssessmentState.COMPLETED,
            Assessment.instrument_id == source.instrument,
            _between(Assessment.completed_at, window),
        ],
        columns={
            "unit": Assessment.id,
            "person": Assessment.client_id,
            "case": Assessment.case_id,
            **_person_columns(bands),
            "team": Case.team_id,
            "practitioner": Assessment.completed_by_id,
            "level": Assessment.level,
        },
        team=Case.team_id,
        project=project,
        attribution=None,
    )


def _enrolment(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    return _Fact(
        select_from=Enrolment.__table__.join(Client, Client.id == Enrolment.client_id).outerjoin(
            Case, Case.id == Enrolment.case_id
        ),
        where=[
            Enrolment.status != EnrolmentStatus.WAITLISTED,
            Enrolment.started_at < window.end_at,
            or_(Enrolment.ended_at.is_(None), Enrolment.ended_at >= window.start_at),
        ],
        columns={
            "unit": Enrolment.id,
            "person": Enrolment.client_id,
            "case": Enrolment.case_id,
            **_person_columns(bands),
            "service": Enrolment.service_code,
            "team": Case.team_id,
            "practitioner": Enrolment.practitioner_id,
        },
        team=Case.team_id,
        project=reach.project.services(Enrolment.service_code),
        attribution=(ActivityKind.SERVICE, Enrolment.service_code),
    )


def _group_participation(
    source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]
) -> _Fact:
    if source.completed:
        when = [
            GroupEnrolment.status == GroupEnrolmentStatus.COMPLETED,
            _between(GroupEnrolment.ended_at, window),
        ]
    else:
        # A participant held a seat at some time in the period (waiting does not count).
        when = [
            GroupEnrolment.activated_at.is_not(None),
            GroupEnrolment.activated_at < window.end_at,
            or_(GroupEnrolment.ended_at.is_(None), GroupEnrolment.ended_at >= window.start_at),
        ]
    return _Fact(
        select_from=GroupEnrolment.__table__.join(
            GroupRun, GroupRun.id == GroupEnrolment.run_id
        ).join(Client, Client.id == GroupEnrolment.client_id),
        where=when,
        columns={
            "unit": GroupEnrolment.id,
            "person": GroupEnrolment.client_id,
            "case": GroupEnrolment.case_id,
            **_person_columns(bands),
            "service": GroupRun.service_code,
            "team": GroupRun.team_id,
        },
        team=GroupRun.team_id,
        project=reach.project.group_runs(GroupEnrolment.run_id),
        attribution=(ActivityKind.GROUP_RUN, GroupEnrolment.run_id),
    )


def _appointment(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    return _Fact(
        select_from=Appointment.__table__.join(Enrolment, Enrolment.id == Appointment.enrolment_id)
        .join(Client, Client.id == Enrolment.client_id)
        .outerjoin(Case, Case.id == Appointment.case_id),
        where=[
            Appointment.attendance == Attendance.ATTENDED,
            _between(Appointment.starts_at, window),
        ],
        columns={
            "unit": Appointment.id,
            "person": Enrolment.client_id,
            "case": Appointment.case_id,
            "amount": HoursBetween(Appointment.starts_at, Appointment.ends_at),
            **_person_columns(bands),
            "service": Enrolment.service_code,
            "team": Case.team_id,
            "practitioner": Appointment.practitioner_id,
        },
        team=Case.team_id,
        project=reach.project.services(Enrolment.service_code),
        attribution=(ActivityKind.SERVICE, Enrolment.service_code),
    )


def _group_meeting(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    held = exists().where(
        MeetingAttendance.meeting_id == GroupMeeting.id,
        MeetingAttendance.presence == MeetingPresence.PRESENT,
    )
    return _Fact(
        select_from=GroupMeeting.__table__.join(GroupRun, GroupRun.id == GroupMeeting.run_id),
        # Held: someone was marked present (a meeting on the schedule alone was not held).
        where=[_between(GroupMeeting.starts_at, window), held],
        columns={
            "unit": GroupMeeting.id,
            "amount": HoursBetween(GroupMeeting.starts_at, GroupMeeting.ends_at),
            "service": GroupRun.service_code,
            "team": GroupRun.team_id,
        },
        team=GroupRun.team_id,
        project=reach.project.group_runs(GroupMeeting.run_id),
        attribution=(ActivityKind.GROUP_RUN, GroupMeeting.run_id),
    )


def _mentoring(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    return _Fact(
        select_from=MentoringSession.__table__.join(
            GroupEnrolment, GroupEnrolment.id == MentoringSession.enrolment_id
        )
        .join(GroupRun, GroupRun.id == MentoringSession.run_id)
        .join(Client, Client.id == GroupEnrolment.client_id),
        where=[
            MentoringSession.attendance == Attendance.ATTENDED,
            _between(MentoringSession.starts_at, window),
        ],
        columns={
            "unit": MentoringSession.id,
            "person": GroupEnrolment.client_id,
            "amount": HoursBetween(MentoringSession.starts_at, MentoringSession.ends_at),
            **_person_columns(bands),
            "service": GroupRun.service_code,
            "team": GroupRun.team_id,
            "practitioner": MentoringSession.mentor_id,
        },
        team=GroupRun.team_id,
        project=reach.project.group_runs(MentoringSession.run_id),
        attribution=(ActivityKind.GROUP_RUN, MentoringSession.run_id),
    )


def consultation_person() -> ColumnElement[Any]:
    """Who came: the client, else the returning-visitor token, else this one visit."""
    ic = InformationConsultation
    return case(
        (ic.client_id.is_not(None), literal("c") + cast(ic.client_id, String)),
        (ic.visitor_token.is_not(None), literal("t") + ic.visitor_token),
        else_=literal("a") + cast(ic.id, String),
    )


def _consultation(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    ic = InformationConsultation
    linked = Client.id.is_not(None)
    person = consultation_person()
    facts = {
        # A linked consultation takes its statistics from the client record.
        "gender": func.coalesce(cast(Client.gender, String), cast(ic.gender, String)),
        "age_band": case((linked, _age_band(bands)), else_=_visitor_age_band(bands)),
        "nationality": func.coalesce(Client.nationality, ic.nationality),
        "migration_reason": func.coalesce(
            cast(Client.migration_reason, String), cast(ic.migration_reason, String)
        ),
    }
    # A returning visitor may tell different facts on different visits: a person keeps those of
    # their first visit in the period, so a breakdown of people adds up to the total.
    first = {
        name: func.first_value(expression).over(
            partition_by=person, order_by=(ic.consulted_on, ic.id)
        )
        for name, expression in facts.items()
    }
    return _Fact(
        select_from=ic.__table__.outerjoin(Client, Client.id == ic.client_id),
        where=[ic.consulted_on >= window.start, ic.consulted_on <= window.end],
        columns={
            "unit": ic.id,
            "person": person,
            "amount": cast(ic.duration_minutes, Float) / 60.0,
            **facts,
            "language": ic.language,
            "channel": ic.channel,
            "team": ic.team_id,
            "practitioner": ic.consultant_id,
        },
        team=ic.team_id,
        project=reach.project.consultations(ic.id),
        attribution=(ActivityKind.CONSULTATION, ic.id),
        shown=first,
    )


def _training(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    tp = TrainingParticipation
    return _Fact(
        select_from=tp.__table__.join(Training, Training.id == tp.training_id).join(
            PartnerInstitution, PartnerInstitution.id == tp.institution_id
        ),
        where=[Training.held_on >= window.start, Training.held_on <= window.end],
        columns={
            "unit": tp.training_id,
            "amount": tp.headcount,
            "institution": tp.institution_id,
            "professional_type": tp.professional_type,
            "institution_kind": PartnerInstitution.kind,
        },
        team=None,
        project=reach.project.trainings(tp.training_id),
        attribution=(ActivityKind.TRAINING, tp.training_id),
    )


def _event(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    return _Fact(
        select_from=PublicEvent.__table__,
        where=[PublicEvent.held_on >= window.start, PublicEvent.held_on <= window.end],
        columns={
            "unit": PublicEvent.id,
            "amount": PublicEvent.headcount,
            "event_kind": PublicEvent.kind,
        },
        team=None,
        project=reach.project.events(PublicEvent.id),
        attribution=(ActivityKind.EVENT, PublicEvent.id),
    )


def _survey(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> _Fact:
    sr = SurveyResponse
    project = or_(
        and_(sr.group_run_id.is_not(None), reach.project.group_runs(sr.group_run_id)),
        and_(sr.group_run_id.is_(None), reach.project.services(sr.service_code)),
    )
    return _Fact(
        select_from=sr.__table__.outerjoin(GroupRun, GroupRun.id == sr.group_run_id),
        where=[_between(sr.submitted_at, window)],
        columns={
            "unit": sr.id,
            "service": sr.service_code,
            "language": sr.language,
            "team": GroupRun.team_id,
            "level": sr.level,
        },
        team=GroupRun.team_id,
        project=true() if reach.project.project_id is None else project,
        attribution=(ActivityKind.SERVICE, sr.service_code),
    )


def _partner_institution(
    source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]
) -> _Fact:
    pi = PartnerInstitution
    project: ColumnElement[bool] = true()
    if reach.project.project_id is not None:
        # An institution is in a project's network once its people took part in its trainings.
        tp = TrainingParticipation
        project = exists().where(
            tp.institution_id == pi.id,
            tp.training_id == Training.id,
            Training.held_on <= window.end,
            reach.project.trainings(tp.training_id),
        )
    return _Fact(
        select_from=pi.__table__,
        where=[pi.created_at < window.end_at],
        columns={"unit": pi.id, "institution_kind": pi.kind},
        team=None,
        project=project,
        attribution=None,
    )


FACTS: dict[str, Callable[[Source, Window, Reach, Sequence[AgeBand]], _Fact]] = {
    "assessment": _assessment,
    "enrolment": _enrolment,
    "group_participation": _group_participation,
    "appointment": _appointment,
    "group_meeting": _group_meeting,
    "mentoring": _mentoring,
    "consultation": _consultation,
    "training": _training,
    "event": _event,
    "survey": _survey,
    "partner_institution": _partner_institution,
}

#: Counts of the activity's own records (COUNT DISTINCT of its unit).
RECORD_COUNTS = (
    "assessments",
    "participations",
    "sessions",
    "meetings",
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


TEAMLESS = ("training", "event", "partner_institution")


def _condition(
    fact: _Fact, dimension: str, values: Sequence[str], reach: Reach, *, shown: bool = False
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


def _share_flag(indicator: Indicator, fact: _Fact, reach: Reach) -> ColumnElement[int]:
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
