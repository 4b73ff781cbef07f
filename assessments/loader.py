"""Load instrument files: read, validate everything at once, and compile into a scoring plan."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .bounds import scale_bounds
from .condition_parser import Scope
from .errors import InstrumentError, Problem
from .fields import LANGUAGE_PATTERN, VERSION_PATTERN, Reader, Reporter
from .model import HiddenAnswers, Instrument, Item, Scale
from .parse_bands import check_bands
from .parse_items import read_facts, read_items, read_option_sets, read_sections
from .parse_scoring import (
    read_actions,
    read_band_labels,
    read_flags,
    read_levels,
    read_rules,
    read_scales,
)
from .plan import compile_plan
from .vectors import check_vector_names, read_vectors
from .yamlio import load_yaml, parse_yaml

TOP_FIELDS = (
    "format",
    "id",
    "version",
    "title",
    "description",
    "licence",
    "citation",
    "languages",
    "facts",
    "hidden_answers",
    "option_sets",
    "band_labels",
    "sections",
    "items",
    "scales",
    "levels",
    "level_scale",
    "flags",
    "actions",
    "rules",
    "vectors",
)
FORMAT = 1


def load_instrument(path: str | Path) -> Instrument:
    """Load, validate and compile one instrument file; InstrumentError lists every problem."""
    data, problems = load_yaml(path)
    return _build(data, problems, str(path), _digest(path))


def parse_instrument(text: str, file: str = "<string>") -> Instrument:
    """Like load_instrument, from YAML text (for tests and tools)."""
    data, problems = parse_yaml(text, file)
    return _build(data, problems, file, hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_instruments(directory: str | Path) -> dict[tuple[str, str], Instrument]:
    """Every `*.yaml` instrument directly in `directory`, keyed by (id, version).

    Subdirectories (such as `routing/`) are not read. All problems of all files are raised together.
    """
    instruments: dict[tuple[str, str], Instrument] = {}
    problems: list[Problem] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            instrument = load_instrument(path)
        except InstrumentError as error:
            problems.extend(error.problems)
            continue
        if instrument.key in instruments:
            other = instruments[instrument.key].source
            problems.append(
                Problem(
                    f"{instrument.id} {instrument.version} is also defined in {other}",
                    file=str(path),
                    field="version",
                )
            )
            continue
        instruments[instrument.key] = instrument
    if problems:
        raise InstrumentError(problems)
    return instruments


def _digest(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _build(data: Any, problems: list[Problem], file: str, digest: str) -> Instrument:
    if data is None and problems:
        raise InstrumentError(problems)
    reporter = Reporter(file)
    reporter.problems.extend(problems)
    root = Reader(reporter, data, "")
    if not root.valid:
        raise InstrumentError(reporter.problems)
    root.only(TOP_FIELDS)
    if root.has("format") and root.raw("format") != FORMAT:
        root.report(
            f"unsupported format {root.raw('format')!r}; this engine reads format {FORMAT}",
            "format",
        )
    languages = _languages(root)
    reporter.languages = languages
    instrument_id = root.code("id")
    version = root.string("version")
    if version is not None and not VERSION_PATTERN.match(version):
        root.report(f"version {version!r} is not a semantic version such as 1.0.0", "version")
    title = root.text("title")
    description = root.text("description", required=False)
    licence = root.string("licence")
    citation = root.string("citation")
    facts = read_facts(root)
    default_hidden = HiddenAnswers(
        root.choice(
            "hidden_answers", [m.value for m in HiddenAnswers], default=HiddenAnswers.DISCARD.value
        )
        or "discard"
    )
    sections = read_sections(root)
    items = read_items(
        root,
        facts=facts,
        sections=sections,
        option_sets=read_option_sets(root),
        default_hidden=default_hidden,
    )
    items_by_id = {item.id: item for item in items}
    broken = _declared(data, "items", "id") - items_by_id.keys()
    levels = read_levels(root)
    level_codes = {level.code for level in levels}
    # A band coded like a level borrows the level's label unless band_labels says otherwise.
    band_labels = {level.code: level.label for level in levels} | read_band_labels(root)
    order = read_scales(
        root,
        items=items_by_id,
        facts=facts,
        band_labels=band_labels,
        level_codes=level_codes,
        broken=broken,
    )
    scales_by_id = {scale.id: scale for scale in order}
    level_scale = _level_scale(root, scales_by_id, level_codes)
    flags, actions = read_flags(root), read_actions(root)
    scope = Scope(
        where="a rule",
        facts=facts,
        items=items_by_id,
        broken=broken,
        tags=_tags(items),
        scale_bands={s.id: {b.code for bs in s.band_sets for b in bs.bands} for s in order},
    )
    rules = read_rules(
        root,
        scope=scope,
        levels=level_codes,
        flags={f.code for f in flags},
        actions={a.code for a in actions},
    )
    vectors = read_vectors(root)
    declared = [scale for scale in _declared_order(data) if scale in scales_by_id]
    bounds = scale_bounds(order, items_by_id)
    for scale in order:
        check_bands(root, scale, bounds.get(scale.id))
    # Built even when problems were found, only to check the vectors against it; never returned.
    instrument = Instrument(
        id=instrument_id or "",
        version=version or "",
        title=title or {},
        languages=languages,
        items=items,
        scales=tuple(scales_by_id[scale_id] for scale_id in declared),
        levels=levels,
        description=description,
        licence=licence or "",
        citation=citation or "",
        sections=sections,
        level_scale=level_scale,
        flags=flags,
        actions=actions,
        rules=rules,
        facts=tuple(facts.values()),
        vectors=vectors,
        source=file,
        source_sha256=digest,
    )
    check_vector_names(instrument, reporter.problems)
    if reporter.problems or instrument_id is None or version is None or title is None:
        raise InstrumentError(reporter.problems)
    object.__setattr__(instrument, "plan", compile_plan(instrument, order))
    return instrument


def _languages(root: Reader) -> tuple[str, ...]:
    codes = root.sequence("languages") or []
    languages = []
    for index, code in enumerate(codes):
        if not isinstance(code, str) or not LANGUAGE_PATTERN.match(code):
            root.report(
                f"{code!r} is not a language code such as pl, en or uk", f"languages[{index}]"
            )
        elif code in languages:
            root.report(f"language {code!r} is listed twice", "languages")
        else:
            languages.append(code)
    if not languages and "languages" in root.data:
        root.report("declare at least one language", "languages")
    return tuple(languages)


def _level_scale(root: Reader, scales: dict[str, Scale], level_codes: set[str]) -> str | None:
    scale_id = root.code("level_scale", required=False)
    if scale_id is None:
        return None
    scale = scales.get(scale_id)
    if scale is None:
        root.report(f"unknown scale {scale_id!r}", "level_scale")
        return None
    for band_set in scale.band_sets:
        for band in band_set.bands:
            if band.level is None and band.code not in level_codes:
                root.reporter.add(
                    f"band {band.code!r} decides the level but names no level; add "
                    "'level:' or use a level code as the band code",
                    item=f"scale {scale_id}",
                    field="bands",
                    line=scale.line or None,
                )
    if not scale.band_sets:
        root.report(f"scale {scale_id!r} decides the level but has no bands", "level_scale")
    return scale_id


def _tags(items: tuple[Item, ...]) -> dict[str, tuple[str, ...]]:
    tags: dict[str, list[str]] = {}
    for item in items:
        for tag in item.tags:
            tags.setdefault(tag, []).append(item.id)
    return {tag: tuple(ids) for tag, ids in tags.items()}


def _declared_order(data: dict[str, Any]) -> list[str]:
    raw = data.get("scales")
    if not isinstance(raw, list):
        return []
    return [
        entry["id"] for entry in raw if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    ]


def _declared(data: dict[str, Any], key: str, name: str) -> set[str]:
    """Every id written under `key`, valid or not (to avoid reporting a broken entry twice)."""
    raw = data.get(key)
    if not isinstance(raw, list):
        return set()
    return {
        entry[name] for entry in raw if isinstance(entry, dict) and isinstance(entry.get(name), str)
    }
