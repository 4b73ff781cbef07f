"""Report definitions as plain data: reports, sections, indicators, their sources and shares,
and what each activity can be counted and broken down by (read by `casework.reports.report_files`).

Pure: no Flask and no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

LANGUAGES = ("pl", "en", "uk")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
BAND_CODE = re.compile(r"^[a-z0-9][a-z0-9_]{0,29}$")

#: Statistical facts of a person (the client record, or an anonymous visitor's answers).
PERSON_DIMENSIONS = ("gender", "age_band", "nationality", "migration_reason", "language")

#: What each activity can be counted by, and which dimensions it can be filtered and broken
#: down by. The counts are what the funders' tables ask for (DESIGN.md, issue 11).
ACTIVITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "assessment": {
        "counts": ("people", "cases", "assessments"),
        "dimensions": (*PERSON_DIMENSIONS, "team", "practitioner", "level"),
    },
    "enrolment": {
        "counts": ("people", "cases", "participations"),
        "dimensions": (*PERSON_DIMENSIONS, "service", "team", "practitioner", "project"),
    },
    "group_participation": {
        "counts": ("people", "cases", "participations"),
        "dimensions": (*PERSON_DIMENSIONS, "service", "team", "project"),
    },
    "appointment": {
        "counts": ("people", "cases", "sessions", "hours"),
        "dimensions": (*PERSON_DIMENSIONS, "service", "team", "practitioner", "project"),
    },
    "group_meeting": {
        "counts": ("meetings", "hours"),
        "dimensions": ("service", "team", "project"),
    },
    "mentoring": {
        "counts": ("people", "sessions", "hours"),
        "dimensions": (*PERSON_DIMENSIONS, "service", "team", "practitioner", "project"),
    },
    "peer_led_run": {
        "counts": ("runs",),
        "dimensions": ("service", "team", "project"),
    },
    "consultation": {
        "counts": ("people", "consultations", "hours"),
        "dimensions": (
            *PERSON_DIMENSIONS,
            "channel",
            "topic",
            "team",
            "practitioner",
            "project",
        ),
    },
    "training": {
        "counts": ("professionals", "institutions", "trainings"),
        "dimensions": ("professional_type", "institution_kind", "project"),
    },
    "event": {
        "counts": ("events", "people_reached"),
        "dimensions": ("event_kind", "project"),
    },
    #: The people events reached, by language where known (the rest: language not given).
    "event_reach": {
        "counts": ("people_reached",),
        "dimensions": ("language", "event_kind", "project"),
    },
    "survey": {
        "counts": ("responses",),
        "dimensions": ("service", "language", "team", "level", "project"),
    },
    "partner_institution": {
        "counts": ("institutions",),
        "dimensions": ("institution_kind",),
    },
}
#: Counts that add up an amount rather than counting distinct things.
SUMS = ("hours", "professionals", "people_reached")
DIMENSIONS = tuple(sorted({d for spec in ACTIVITIES.values() for d in spec["dimensions"]}))
#: Dimensions whose value is not in one column (a consultation has several topics, an activity
#: may count for several projects): a breakdown by them does not add up to the total.
MULTI_VALUED = ("topic", "project")


class ReportDefinitionError(Exception):
    """One or more report files are invalid; `problems` says where and why."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: Mapping[str, str]
    minimum: int | None = None
    maximum: int | None = None

    def contains(self, low: int, high: int | None) -> bool:
        """Whether the ages low..high (None: no upper end) all fall in this band."""
        if self.minimum is not None and low < self.minimum:
            return False
        if self.maximum is None:
            return True
        return high is not None and high <= self.maximum


@dataclass(frozen=True)
class Source:
    """One activity an indicator counts, narrowed by filters."""

    activity: str
    #: dimension -> the values kept (services, genders, ...).
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: assessment: the instrument; its completed assessments count.
    instrument: str | None = None
    #: group_participation: only participations completed in the period.
    completed: bool = False


@dataclass(frozen=True)
class Share:
    """A share in percent: the part of the counted units that meets a condition."""

    #: people or the activity's records.
    of: str
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: consultation: people who came more than once in the period.
    returning: bool = False
    #: survey: the answer to an item is one of `options`.
    item: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Mapping[str, str]
    count: str
    sources: tuple[Source, ...]
    breakdowns: tuple[str, ...] = ()
    share: Share | None = None
    note: Mapping[str, str] | None = None

    @property
    def activities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(source.activity for source in self.sources))

    @property
    def is_share(self) -> bool:
        return self.share is not None


@dataclass(frozen=True)
class Section:
    key: str
    title: Mapping[str, str]
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Report:
    key: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    age_bands: tuple[AgeBand, ...]
    sections: tuple[Section, ...]
    file: str

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for section in self.sections for i in section.indicators)

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)

    @property
    def breakdowns(self) -> tuple[str, ...]:
        found = {b for i in self.indicators for b in i.breakdowns}
        return tuple(sorted(found))


#: dimension -> the values it may take; dimensions left out are not checked.
Vocabulary = Mapping[str, frozenset[str]]


DEFAULT_AGE_BANDS = (
    AgeBand("under_18", {"pl": "Poniżej 18", "en": "Under 18", "uk": "До 18"}, None, 17),
    AgeBand("18_29", {"pl": "18–29", "en": "18–29", "uk": "18–29"}, 18, 29),
    AgeBand("30_44", {"pl": "30–44", "en": "30–44", "uk": "30–44"}, 30, 44),
    AgeBand("45_59", {"pl": "45–59", "en": "45–59", "uk": "45–59"}, 45, 59),
    AgeBand("60_plus", {"pl": "60+", "en": "60+", "uk": "60+"}, 60, None),
)


class Where:
    """Collects problems with their place: file, then indicator, then field."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        self.indicator: str | None = None

    def add(self, field_name: str, message: str) -> None:
        place = [self.file]
        if self.indicator:
            place.append(f"indicator {self.indicator}")
        place.append(field_name)
        self.problems.append(f"{': '.join(place)}: {message}")


def common_dimensions(sources: Sequence[Source]) -> tuple[str, ...]:
    """The dimensions every one of the sources can be broken down by."""
    if not sources:
        return ()
    common = set(ACTIVITIES[sources[0].activity]["dimensions"])
    for source in sources[1:]:
        common &= set(ACTIVITIES[source.activity]["dimensions"])
    return tuple(d for d in ACTIVITIES[sources[0].activity]["dimensions"] if d in common)
