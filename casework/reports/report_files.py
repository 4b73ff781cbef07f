"""Read `reports/*.yaml`, validate them, and describe them as `casework.reports.definitions`.

Pure: no Flask and no database. The caller passes a `Vocabulary` (the values each dimension may
take, e.g. the service codes of the catalogue) so that filters are checked against real codes;
without one only the shape is checked. Every problem names the file, the indicator and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from assessments.yamlio import load_yaml, parse_yaml
from casework.reports.definitions import (
    ACTIVITIES,
    BAND_CODE,
    CODE,
    DEFAULT_AGE_BANDS,
    LANGUAGES,
    AgeBand,
    Indicator,
    Report,
    ReportDefinitionError,
    Section,
    Share,
    Source,
    Vocabulary,
    Where,
    common_dimensions,
)


def load_reports(directory: str | Path, vocabulary: Vocabulary | None = None) -> dict[str, Report]:
    """Every `*.yaml` report in `directory`, by key; raises ReportDefinitionError listing all
    problems of all files."""
    problems: list[str] = []
    reports: dict[str, Report] = {}
    paths = sorted(Path(directory).glob("*.yaml"))
    for path in paths:
        data, yaml_problems = load_yaml(path)
        problems.extend(str(p) for p in yaml_problems)
        if data is None:
            continue
        report = _report(data, path.name, vocabulary or {}, problems)
        if report is None:
            continue
        if report.key in reports:
            problems.append(
                f"{path.name}: id: {report.key!r} is also the id of {reports[report.key].file}"
            )
            continue
        reports[report.key] = report
    if problems:
        raise ReportDefinitionError(problems)
    return reports


def parse_report(text: str, file: str = "<string>", vocabulary: Vocabulary | None = None) -> Report:
    """One report from YAML text (for tests and the documentation)."""
    data, yaml_problems = parse_yaml(text, file)
    problems = [str(p) for p in yaml_problems]
    report = _report(data, file, vocabulary or {}, problems) if data is not None else None
    if problems or report is None:
        raise ReportDefinitionError(problems or [f"{file}: empty file"])
    return report


def _report(data: Any, file: str, vocabulary: Vocabulary, problems: list[str]) -> Report | None:
    where = Where(file, problems)
    if not isinstance(data, dict):
        where.add("(file)", "a report file is a mapping with id, title and sections")
        return None
    _known_keys(data, ("format", "id", "title", "description", "age_bands", "sections"), "", where)
    if data.get("format", 1) != 1:
        where.add("format", "only format 1 exists")
    key = _code(data.get("id"), "id", where)
    title = _text(data.get("title"), "title", where)
    description = _text(data.get("description") or title, "description", where)
    bands = _age_bands(data.get("age_bands"), where)
    band_codes = frozenset(band.code for band in bands)
    vocab = {**vocabulary, "age_band": band_codes}
    sections: list[Section] = []
    seen: set[str] = set()
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        where.add("sections", "a list of sections, each with id, title and indicators")
        raw_sections = []
    for index, raw in enumerate(raw_sections):
        if not isinstance(raw, dict):
            where.add(f"sections[{index}]", "a mapping with id, title and indicators")
            continue
        _known_keys(raw, ("id", "title", "indicators"), f"sections[{index}].", where)
        section_key = _code(raw.get("id"), f"sections[{index}].id", where)
        section_title = _text(raw.get("title"), f"sections[{index}].title", where)
        indicators: list[Indicator] = []
        raw_indicators = raw.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            where.add(f"sections[{index}].indicators", "a list of at least one indicator")
            raw_indicators = []
        for position, raw_indicator in enumerate(raw_indicators):
            indicator = _indicator(raw_indicator, position, vocab, where)
            if indicator is None:
                continue
            if indicator.key in seen:
                where.add("id", "used twice in this report; indicator ids are unique per file")
            seen.add(indicator.key)
            indicators.append(indicator)
        where.indicator = None
        sections.append(Section(section_key, section_title, tuple(indicators)))
    return Report(key, title, description, bands, tuple(sections), file)


def _known_keys(data: Mapping[str, Any], allowed: Sequence[str], prefix: str, where: Where) -> None:
    for key in data:
        if key not in allowed:
            where.add(f"{prefix}{key}", f"unknown field; the fields are: {', '.join(allowed)}")


def _code(value: Any, field_name: str, where: Where) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        where.add(field_name, "required: lower-case letters, digits and _ (e.g. people_diagnosed)")
        return str(value)
    return value


def _text(value: Any, field_name: str, where: Where) -> dict[str, str]:
    if not isinstance(value, dict):
        where.add(field_name, "required: a text in each of pl, en, uk")
        return {}
    missing = [language for language in LANGUAGES if not str(value.get(language) or "").strip()]
    if missing:
        where.add(field_name, f"missing the text in {', '.join(missing)}")
    return {str(k): str(v) for k, v in value.items()}


def _age_bands(value: Any, where: Where) -> tuple[AgeBand, ...]:
    if value is None:
        return DEFAULT_AGE_BANDS
    if not isinstance(value, list) or not value:
        where.add("age_bands", "a list of bands, each with code, label and min and/or max")
        return DEFAULT_AGE_BANDS
    bands: list[AgeBand] = []
    for index, raw in enumerate(value):
        name = f"age_bands[{index}]"
        if not isinstance(raw, dict):
            where.add(name, "a mapping with code, label, min, max")
            continue
        _known_keys(raw, ("code", "label", "min", "max"), f"{name}.", where)
        low, high = raw.get("min"), raw.get("max")
        for bound_name, bound in (("min", low), ("max", high)):
            if bound is not None and (not isinstance(bound, int) or not 0 <= bound <= 130):
                where.add(f"{name}.{bound_name}", "a whole number of years between 0 and 130")
        if low is None and high is None:
            where.add(name, "give min, max or both")
        code = raw.get("code")
        if not isinstance(code, str) or not BAND_CODE.match(code):
            where.add(f"{name}.code", "required, in quotes: digits, letters and _, e.g. '60_plus'")
        bands.append(
            AgeBand(
                str(code),
                _text(raw.get("label"), f"{name}.label", where),
                low if isinstance(low, int) else None,
                high if isinstance(high, int) else None,
            )
        )
    ordered = sorted(bands, key=lambda band: band.minimum or 0)
    for before, after in pairwise(ordered):
        if before.maximum is None or after.minimum is None or after.minimum <= before.maximum:
            where.add("age_bands", f"bands {before.code} and {after.code} overlap")
    if len({band.code for band in bands}) != len(bands):
        where.add("age_bands", "band codes must be unique")
    return tuple(bands)


def _indicator(raw: Any, position: int, vocabulary: Vocabulary, where: Where) -> Indicator | None:
    if not isinstance(raw, dict):
        where.indicator = f"#{position + 1}"
        where.add("(indicator)", "a mapping with id, label, count and activity or from")
        return None
    where.indicator = str(raw.get("id") or f"#{position + 1}")
    _known_keys(
        raw,
        (
            "id",
            "label",
            "note",
            "count",
            "activity",
            "from",
            "filters",
            "services",
            "instrument",
            "levels",
            "completed",
            "breakdowns",
            "share",
        ),
        "",
        where,
    )
    key = _code(raw.get("id"), "id", where)
    label = _text(raw.get("label"), "label", where)
    note = _text(raw["note"], "note", where) if "note" in raw else None
    if "from" in raw:
        if "activity" in raw:
            where.add("activity", "give either activity or from, not both")
        raw_sources = raw["from"]
        if not isinstance(raw_sources, list) or not raw_sources:
            where.add("from", "a list of activities, e.g. [{activity: enrolment}, ...]")
            raw_sources = []
        sources = [
            _source(item, f"from[{index}].", vocabulary, where)
            for index, item in enumerate(raw_sources)
        ]
    else:
        sources = [_source(raw, "", vocabulary, where)]
    kept = tuple(source for source in sources if source is not None)
    count = raw.get("count")
    share = None
    if count == "share":
        share = _share(raw.get("share"), kept, vocabulary, where)
    elif "share" in raw:
        where.add("share", "only an indicator with count: share has a share")
    unit = share.of if share is not None else count
    for source in kept:
        counts = ACTIVITIES[source.activity]["counts"]
        if unit not in counts:
            where.add(
                "count",
                f"{unit!r} cannot be counted from {source.activity}; it counts: "
                + ", ".join(counts)
                + ("" if share else ", share"),
            )
    breakdowns = raw.get("breakdowns") or []
    if not isinstance(breakdowns, list):
        where.add("breakdowns", "a list of dimensions, e.g. [gender, age_band]")
        breakdowns = []
    for breakdown in breakdowns:
        supported = common_dimensions(kept)
        if breakdown not in supported:
            where.add(
                "breakdowns",
                f"{breakdown!r} is not a dimension of "
                + " and ".join(s.activity for s in kept)
                + "; the dimensions are: "
                + ", ".join(supported),
            )
    if share is not None and share.returning and breakdowns:
        where.add("breakdowns", "a share of returning people has no breakdowns")
    if len(set(breakdowns)) != len(breakdowns):
        where.add("breakdowns", "a dimension is listed twice")
    return Indicator(
        key,
        label,
        str(count),
        kept,
        tuple(str(b) for b in breakdowns),
        share,
        note,
    )


def _source(raw: Any, prefix: str, vocabulary: Vocabulary, where: Where) -> Source | None:
    if not isinstance(raw, dict):
        where.add(prefix.rstrip(".") or "from", "a mapping with activity and its filters")
        return None
    if prefix:
        _known_keys(
            raw,
            ("activity", "filters", "services", "instrument", "levels", "completed"),
            prefix,
            where,
        )
    activity = raw.get("activity")
    if activity not in ACTIVITIES:
        where.add(f"{prefix}activity", "required; one of: " + ", ".join(ACTIVITIES))
        return None
    filters = _filters(raw.get("filters"), activity, f"{prefix}filters", vocabulary, where)
    # Two shorthands the shipped files use all the time.
    if "services" in raw:
        filters["service"] = _values(
            raw["services"], "service", activity, f"{prefix}services", vocabulary, where
        )
    if "levels" in raw:
        filters["level"] = _values(
            raw["levels"], "level", activity, f"{prefix}levels", vocabulary, where
        )
    instrument = raw.get("instrument")
    if activity == "assessment":
        if not isinstance(instrument, str) or not CODE.match(instrument):
            where.add(f"{prefix}instrument", "an assessment indicator names its instrument")
        elif "instrument" in vocabulary and instrument not in vocabulary["instrument"]:
            where.add(f"{prefix}instrument", f"no instrument {instrument!r}")
    elif instrument is not None:
        where.add(f"{prefix}instrument", "only an assessment has an instrument")
    completed = raw.get("completed", False)
    if not isinstance(completed, bool):
        where.add(f"{prefix}completed", "true or false")
    elif completed and activity != "group_participation":
        where.add(f"{prefix}completed", "only a group participation can be completed")
    return Source(
        str(activity),
        filters,
        instrument if isinstance(instrument, str) else None,
        completed is True,
    )


def _filters(
    raw: Any, activity: str, field_name: str, vocabulary: Vocabulary, where: Where
) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        where.add(field_name, "a mapping of dimension to the values kept, e.g. {gender: [female]}")
        return {}
    return {
        str(dimension): _values(
            values, str(dimension), activity, f"{field_name}.{dimension}", vocabulary, where
        )
        for dimension, values in raw.items()
    }


def _values(
    raw: Any, dimension: str, activity: str, field_name: str, vocabulary: Vocabulary, where: Where
) -> tuple[str, ...]:
    supported = ACTIVITIES[activity]["dimensions"]
    if dimension not in supported:
        where.add(
            field_name,
            f"{activity} cannot be filtered by {dimension}; it can by: " + ", ".join(supported),
        )
        return ()
    values = raw if isinstance(raw, list) else [raw]
    if not values or not all(isinstance(v, str) and v for v in values):
        where.add(field_name, "a list of codes")
        return ()
    known = vocabulary.get(dimension)
    if known is not None:
        unknown = [v for v in values if v not in known]
        if unknown:
            where.add(
                field_name,
                f"unknown {', '.join(unknown)}; the values are: {', '.join(sorted(known))}",
            )
    return tuple(values)


def _share(raw: Any, sources: Sequence[Source], vocabulary: Vocabulary, where: Where) -> Share:
    if not isinstance(raw, dict):
        where.add("share", "count: share needs share: {of: people, where: {...}}")
        return Share(of="people")
    _known_keys(raw, ("of", "where", "returning", "item", "options"), "share.", where)
    of = str(raw.get("of") or "")
    activities = {source.activity for source in sources}
    conditions: dict[str, tuple[str, ...]] = {}
    for activity in activities:
        conditions = _filters(raw.get("where"), activity, "share.where", vocabulary, where)
    returning = raw.get("returning", False) is True
    if returning and activities != {"consultation"}:
        where.add("share.returning", "returning people are counted from consultations only")
    item = raw.get("item")
    options = raw.get("options") or []
    if item is not None or options:
        if activities != {"survey"}:
            where.add("share.item", "an answer share is counted from survey responses only")
        if not isinstance(item, str) or not isinstance(options, list) or not options:
            where.add("share", "an answer share needs item and options, e.g. options: [agree]")
        elif "survey_answer" in vocabulary:
            unknown = [o for o in options if f"{item}={o}" not in vocabulary["survey_answer"]]
            if unknown:
                where.add(
                    "share.options",
                    f"the survey has no item {item!r} with the options "
                    + ", ".join(map(str, unknown)),
                )
    if not (conditions or returning or item):
        where.add("share", "say what is counted: where, returning or item and options")
    return Share(
        of,
        conditions,
        returning,
        item if isinstance(item, str) else None,
        tuple(str(option) for option in options),
    )
