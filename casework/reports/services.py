"""Use cases for reports: load the definitions at start, run a report for a period and scope."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select

from casework import policy
from casework.auth.models import Team, User
from casework.catalogue.library import library
from casework.clock import centre_midnight
from casework.config import ConfigError
from casework.db import db
from casework.errors import NotFound, ValidationError
from casework.projects.models import Project, ProjectTarget
from casework.projects.scope import project_scope
from casework.reports import queries
from casework.reports.definitions import (
    MULTI_VALUED,
    PERSON_DIMENSIONS,
    Indicator,
    Report,
    ReportDefinitionError,
    Section,
)
from casework.reports.report_files import load_reports
from casework.reports.vocabulary import ValueLabels, localised, vocabulary

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent.parent / "reports"
#: A longer period is almost certainly a typo (and an expensive one).
MAX_PERIOD_DAYS = 366 * 10


def init_reports(app: Flask) -> None:
    """Load and validate every report file; refuse to start when one is invalid."""
    directory = Path(app.config.get("CASEWORK_REPORTS_DIR") or DEFAULT_DIRECTORY)
    with app.app_context():
        words = vocabulary(library())
    try:
        found = load_reports(directory, words)
    except ReportDefinitionError as error:
        raise ConfigError(
            f"the report files in {directory} are invalid: " + "; ".join(error.problems[:5])
        ) from None
    app.extensions["casework.reports"] = found


def all_reports() -> dict[str, Report]:
    return current_app.extensions["casework.reports"]  # type: ignore[no-any-return]


def indicator_keys() -> set[str]:
    """Every "<report>.<indicator>" key a project target may name."""
    return {f"{r.key}.{i.key}" for r in all_reports().values() for i in r.indicators}


def require_report(key: str) -> Report:
    found = all_reports().get(key)
    if found is None:
        raise NotFound(
            "no report %(key)s; the reports are: %(reports)s",
            key=key,
            reports=", ".join(sorted(all_reports())),
        )
    return found


@dataclass(frozen=True)
class Cell:
    """One figure: a count or sum, or for a share its numerator over `base`."""

    code: str | None
    label: str
    value: float
    base: float | None = None

    @property
    def percent(self) -> float | None:
        if self.base is None:
            return None
        return round(100 * self.value / self.base, 1) if self.base else 0.0


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    cells: tuple[Cell, ...]
    #: The cells add up to the total (each unit has one value of the dimension).
    adds_up: bool


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    key: str
    label: str
    note: str | None
    #: False when the scope cannot carry it (a team's report has no centre-wide events).
    available: bool
    total: Cell
    breakdowns: tuple[Breakdown, ...] = ()
    target: Decimal | None = None

    @property
    def is_share(self) -> bool:
        return self.indicator.is_share


@dataclass(frozen=True)
class SectionResult:
    section: Section
    title: str
    indicators: tuple[IndicatorResult, ...]


@dataclass(frozen=True)
class ReportResult:
    report: Report
    title: str
    start: date
    end: date
    project_id: uuid.UUID | None
    project_name: str | None
    team_id: uuid.UUID | None
    team_names: tuple[str, ...]
    language: str
    sections: tuple[SectionResult, ...] = field(default=())

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for section in self.sections for i in section.indicators)


def reach_for(user: User | None, team_id: uuid.UUID | None) -> list[uuid.UUID] | None:
    """The teams a report covers: None for the whole centre. The command line (no user) sees
    the centre; a coordinator the centre or one team; a supervisor their teams or one of them."""
    teams = None if user is None else policy.report_scope(user)
    if team_id is None:
        return teams
    if (teams is None and db.session.get(Team, team_id) is None) or (
        teams is not None and team_id not in teams
    ):
        raise NotFound("no such team", fields={"team": ["unknown"]})
    return [team_id]


def window_of(start: date, end: date) -> queries.Window:
    """The period as dates and as UTC instants of the centre's days."""
    if end < start:
        raise ValidationError(
            "the period ends before it starts", fields={"to": ["before the start of the period"]}
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError(
            "a report covers at most ten years", fields={"to": ["period too long"]}
        )
    start_at = centre_midnight(start).astimezone(UTC)
    end_at = centre_midnight(end + timedelta(days=1)).astimezone(UTC)
    return queries.Window(start, end, start_at, end_at)


def check_breakdowns(report: Report, breakdowns: Sequence[str] | None) -> None:
    if breakdowns is None:
        return
    unknown = [b for b in breakdowns if b not in report.breakdowns]
    if unknown:
        valid = ", ".join(report.breakdowns) or "none"
        raise ValidationError(
            "unknown breakdown %(unknown)s; this report's breakdowns are: %(valid)s",
            fields={"breakdown": [f"unknown: {b}" for b in unknown] + [f"valid: {valid}"]},
            unknown=", ".join(unknown),
            valid=valid,
        )


def run_report(
    user: User | None,
    key: str,
    *,
    start: date,
    end: date,
    project_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
    breakdowns: Sequence[str] | None = None,
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
) -> ReportResult:
    """Every indicator of a report for a period, one aggregate query each, within what `user`
    may see (None: the command line, the whole centre). Aggregates only; nothing identifies.
    `progress` hears (indicators done, indicators) as each query returns (a background job)."""
    report = require_report(key)
    teams = reach_for(user, team_id)
    check_breakdowns(report, breakdowns)
    window = window_of(start, end)
    scope = project_scope(project_id)
    reach = queries.Reach(teams, scope)
    raw: dict[str, tuple[tuple[float, float | None], dict[str, list[tuple]]]] = {}
    for done, indicator in enumerate(report.indicators, start=1):
        if queries.is_available(indicator, teams):
            chosen = [b for b in indicator.breakdowns if breakdowns is None or b in breakdowns]
            statement = queries.indicator_statement(
                indicator, window, reach, report.age_bands, chosen
            )
            raw[indicator.key] = queries.figures_from_rows(list(db.session.execute(statement)))
        if progress is not None:
            progress(done, len(report.indicators))
    labels = ValueLabels(report, language)
    for _total, split in raw.values():
        for dimension, rows in split.items():
            labels.want(dimension, [value for value, _figure, _base in rows])
    targets = _targets(report, project_id)
    sections = []
    with force_locale(language):
        labels.resolve()
        for section in report.sections:
            results = [
                _result(indicator, raw.get(indicator.key), labels, targets)
                for indicator in section.indicators
            ]
            sections.append(SectionResult(section, labels.text(section.title), tuple(results)))
    project_name = (
        db.session.scalar(select(Project.name).where(Project.id == project_id))
        if project_id
        else None
    )
    team_names: tuple[str, ...] = ()
    if teams is not None:
        team_names = tuple(sorted(db.session.scalars(select(Team.name).where(Team.id.in_(teams)))))
    return ReportResult(
        report,
        labels.text(report.title),
        start,
        end,
        project_id,
        project_name,
        team_id,
        team_names,
        language,
        tuple(sections),
    )


def _result(
    indicator: Indicator,
    raw: tuple[tuple[float, float | None], dict[str, list[tuple]]] | None,
    labels: ValueLabels,
    targets: dict[str, Decimal],
) -> IndicatorResult:
    label = labels.text(indicator.label)
    note = labels.text(indicator.note) if indicator.note else None
    target = targets.get(indicator.key)
    if raw is None:
        return IndicatorResult(
            indicator, indicator.key, label, note, False, Cell(None, label, 0), (), target
        )
    (value, base), split = raw
    breakdowns = []
    for dimension in indicator.breakdowns:
        if dimension not in split:
            continue
        cells = [
            Cell(code, labels.label(dimension, code), figure, part_base)
            for code, figure, part_base in split[dimension]
        ]
        cells.sort(key=lambda cell: (-cell.value, cell.label))
        breakdowns.append(
            Breakdown(
                dimension,
                labels.dimension(dimension),
                tuple(cells),
                adds_up=_adds_up(indicator, dimension),
            )
        )
    return IndicatorResult(
        indicator,
        indicator.key,
        label,
        note,
        True,
        Cell(None, label, value, base),
        tuple(breakdowns),
        target,
    )


def _adds_up(indicator: Indicator, dimension: str) -> bool:
    """Whether each counted unit falls in exactly one cell of the breakdown."""
    if dimension in MULTI_VALUED:
        return False
    if indicator.count in ("people", "cases"):
        return dimension in PERSON_DIMENSIONS and dimension != "language"
    return True


def _targets(report: Report, project_id: uuid.UUID | None) -> dict[str, Decimal]:
    if project_id is None:
        return {}
    prefix = f"{report.key}."
    rows = db.session.execute(
        select(ProjectTarget.indicator_key, ProjectTarget.target_value).where(
            ProjectTarget.project_id == project_id,
            ProjectTarget.indicator_key.startswith(prefix, autoescape=True),
        )
    )
    return {key.removeprefix(prefix): value for key, value in rows}


def list_reports(user: User, *, language: str) -> list[dict[str, object]]:
    """The reports `user` may run (coordinators, supervisors), with their breakdowns."""
    policy.report_scope(user)

    def in_language(text: object) -> str:
        return localised(text, language)

    return [
        {
            "key": report.key,
            "title": in_language(report.title),
            "description": in_language(report.description),
            "breakdowns": list(report.breakdowns),
            "indicators": [indicator.key for indicator in report.indicators],
        }
        for report in sorted(all_reports().values(), key=lambda r: in_language(r.title))
    ]


@dataclass(frozen=True)
class Pickers:
    """The choices of a report page: projects and the teams the user's reports may cover."""

    projects: list[tuple[uuid.UUID, str]]
    teams: list[tuple[uuid.UUID, str]]


def pickers(user: User) -> Pickers:
    teams = policy.report_scope(user)
    team_query = select(Team.id, Team.name).order_by(Team.name)
    if teams is not None:
        team_query = team_query.where(Team.id.in_(teams))
    projects = db.session.execute(
        select(Project.id, Project.name)
        .order_by(Project.is_default.desc(), Project.name)
        .limit(500)
    )
    return Pickers(
        [(row.id, row.name) for row in projects],
        [(row.id, row.name) for row in db.session.execute(team_query)],
    )
