"""The values of report dimensions: which codes exist (for validating report files) and their
labels on a page (one query per kind of value, never one per row)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework.auth.models import Team, User
from casework.catalogue.library import Library
from casework.catalogue.models import Service
from casework.clients.models import Gender, MigrationReason
from casework.consultations.models import Channel, ConsultationTopic
from casework.db import db
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from casework.projects.models import Project
from casework.reports.definitions import Report, Vocabulary
from casework.surveys.services import SURVEY_INSTRUMENTS
from casework.web.filters import localised
from casework.web.labels import label as enum_label

DIMENSION_LABELS: dict[str, object] = {
    "gender": _l("Gender"),
    "age_band": _l("Age at first contact"),
    "nationality": _l("Nationality"),
    "migration_reason": _l("Reason for migration"),
    "language": _l("Language"),
    "channel": _l("Channel"),
    "topic": _l("Topic"),
    "service": _l("Service"),
    "team": _l("Team"),
    "practitioner": _l("Practitioner"),
    "project": _l("Project"),
    "level": _l("Level"),
    "event_kind": _l("Kind of event"),
    "professional_type": _l("Profession"),
    "institution_kind": _l("Kind of institution"),
}

ENUM_DIMENSIONS: dict[str, type[enum.Enum]] = {
    "gender": Gender,
    "migration_reason": MigrationReason,
    "channel": Channel,
    "event_kind": EventKind,
    "professional_type": ProfessionalType,
    "institution_kind": InstitutionKind,
}

NOT_RECORDED = _l("Not recorded")


def vocabulary(instruments: Library) -> Vocabulary:
    """The codes report files may name: enum values, services of the catalogue, instruments,
    their levels and the survey answers."""
    words: dict[str, frozenset[str]] = {
        dimension: frozenset(member.value for member in enum_type)
        for dimension, enum_type in ENUM_DIMENSIONS.items()
    }
    words["service"] = frozenset(instruments.routing.services)
    newest = instruments.newest()
    words["instrument"] = frozenset(i.id for i in newest)
    words["level"] = frozenset(level.code for i in newest for level in i.levels)
    words["survey_answer"] = frozenset(
        f"{item.id}={option.code}"
        for i in newest
        if i.id in SURVEY_INSTRUMENTS
        for item in i.items
        for option in item.options
    )
    return words


class ValueLabels:
    """Collects the codes a report's breakdowns show, then labels them in a few queries."""

    def __init__(self, report: Report, language: str) -> None:
        self.report = report
        self.language = language
        self.wanted: dict[str, set[str]] = {}
        self.labels: dict[tuple[str, str], str] = {}

    def want(self, dimension: str, values: Iterable[str | None]) -> None:
        self.wanted.setdefault(dimension, set()).update(v for v in values if v is not None)

    def text(self, value: object) -> str:
        """A text of a report file ({language: text}) in the report's language."""
        return localised(value, self.language)

    def dimension(self, dimension: str) -> str:
        return str(DIMENSION_LABELS.get(dimension, dimension))

    def label(self, dimension: str, value: str | None) -> str:
        if value is None:
            return str(NOT_RECORDED)
        return self.labels.get((dimension, value), value)

    def resolve(self) -> None:
        """Look up every wanted label: one query per kind of named thing."""
        locale = Locale.parse(self.language)
        for dimension, values in self.wanted.items():
            for value in values:
                self.labels[dimension, value] = self._simple(dimension, value, locale)
        self._named("service", Service, Service.code, lambda s: localised(s.name, self.language))
        self._named(
            "topic",
            ConsultationTopic,
            ConsultationTopic.code,
            lambda t: localised(t.name, self.language),
        )
        self._by_id("team", Team, lambda t: t.name)
        self._by_id("practitioner", User, lambda u: u.display_name)
        self._by_id("project", Project, lambda p: p.name)

    def _instruments(self) -> list[str]:
        named = [
            source.instrument or ""
            for indicator in self.report.indicators
            for source in indicator.sources
            if source.instrument
        ]
        return [*named, *SURVEY_INSTRUMENTS]

    def _simple(self, dimension: str, value: str, locale: Locale) -> str:
        if dimension in ENUM_DIMENSIONS:
            enum_type = ENUM_DIMENSIONS[dimension]
            member = enum_type(value) if value in {m.value for m in enum_type} else None
            if member is None:
                return value
            return enum_label(member)
        if dimension == "age_band":
            band = next((b for b in self.report.age_bands if b.code == value), None)
            return localised(band.label, self.language) if band else value
        if dimension == "nationality":
            return str(locale.territories.get(value.upper(), value))
        if dimension == "language":
            return str(locale.languages.get(value, value))
        if dimension == "level":
            return _level_label(value, self.language, self._instruments())
        return value

    def _named(self, dimension: str, model: type, key: object, name: object) -> None:
        codes = self.wanted.get(dimension)
        if not codes:
            return
        rows: Any = db.session.scalars(select(model).where(key.in_(codes)))  # type: ignore[attr-defined]
        for row in rows:
            self.labels[dimension, getattr(row, key.key)] = name(row)  # type: ignore[attr-defined, operator]

    def _by_id(self, dimension: str, model: type, name: object) -> None:
        codes = self.wanted.get(dimension)
        if not codes:
            return
        ids = {}
        for code in codes:
            try:
                ids[uuid.UUID(code)] = code
            except ValueError:
                continue
        rows: Any = db.session.scalars(select(model).where(model.id.in_(ids)))  # type: ignore[attr-defined]
        for row in rows:
            self.labels[dimension, ids[row.id]] = name(row)  # type: ignore[operator]


def _level_label(code: str, language: str, preferred: list[str]) -> str:
    """The label of a level code in the report's own instruments first (codes repeat across
    instruments: "moderate" risk is not "moderate" anxiety)."""
    from casework.catalogue.library import library

    newest = library().newest()
    ordered = sorted(newest, key=lambda i: preferred.index(i.id) if i.id in preferred else 99)
    for instrument in ordered:
        for level in instrument.levels:
            if level.code == code:
                return localised(level.label, language)
    return code
