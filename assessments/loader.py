"""Load instrument files: read the YAML, validate everything at once, build the Instrument."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .bounds import bounds
from .condition_parser import Scope, parse_condition
from .conditions import Condition
from .errors import InstrumentError, Problem
from .fields import LANGUAGE_PATTERN, VERSION_PATTERN, Field, Reader, Reporter, Text, read_fields
from .model import Action, Combination, Discrepancy, Flag, Instrument, Level, Rule
from .parse_items import read_facts, read_items, read_sections
from .parse_scales import check_bands, read_scales
from .vectors import check_vector_names, read_vectors
from .yamlio import load_yaml, parse_yaml

TOP_FIELDS = (
    "format", "id", "version", "title", "description", "licence", "citation", "languages",
    "facts", "hidden_answers", "option_sets", "band_labels", "sections", "items", "scales",
    "levels", "level_scale", "default_level", "max_unanswered", "flags", "actions", "rules",
    "couple", "vectors",
)  # fmt: skip
EFFECTS = ("set_level", "raise_level", "flags", "actions")
FORMAT = 1


def load_instrument(path: str | Path) -> Instrument:
    """Load and validate one instrument file; InstrumentError lists every problem."""
    data, problems = load_yaml(path)
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        digest = ""
    return build_instrument(data, problems, str(path), digest)


def parse_instrument(text: str, file: str = "<string>") -> Instrument:
    """Like load_instrument, from YAML text (for tests and tools)."""
    data, problems = parse_yaml(text, file)
    return build_instrument(data, problems, file, hashlib.sha256(text.encode("utf-8")).hexdigest())


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
            message = f"{instrument.id} {instrument.version} is also defined in {other}"
            problems.append(Problem(message, file=str(path), field="version"))
            continue
        instruments[instrument.key] = instrument
    if problems:
        raise InstrumentError(problems)
    return instruments


def build_instrument(data: Any, problems: list[Problem], file: str, digest: str) -> Instrument:
    if data is None and problems:
        raise InstrumentError(problems)
    reporter = Reporter(file, problems=list(problems))
    root = Reader(reporter, data, "")
    if not root.valid:
        raise InstrumentError(reporter.problems)
    root.only(TOP_FIELDS)
    if root.has("format") and root.raw("format") != FORMAT:
        message = f"unsupported format {root.raw('format')!r}; this engine reads format {FORMAT}"
        root.report(message, "format")
    reporter.languages = read_languages(root)
    instrument_id, version, title = root.code("id"), read_version(root), root.text("title")
    facts = read_facts(root)
    description = root.text("description", required=False)
    licence, citation = root.string("licence"), root.string("citation")
    sections = read_sections(root)
    items, broken = read_items(root, facts, {section.id for section in sections})
    items_by_id = {item.id: item for item in items}
    coded = _coded(root, "levels")
    levels = tuple(
        Level(c, label, rank, guidance) for rank, (c, label, _, guidance) in enumerate(coded)
    )
    level_codes = {level.code for level in levels}
    # A band coded like a level borrows the level's label unless band_labels says otherwise.
    band_labels = {level.code: level.label for level in levels}
    labels = root.mapping("band_labels")
    band_labels.update({str(code): labels.text(str(code)) or {} for code in labels.data})
    scales, scoring_order = read_scales(root, items_by_id, facts, band_labels, level_codes, broken)
    scales_by_id = {scale.id: scale for scale in scales}
    flags = tuple(Flag(code, label, text) for code, label, text, _ in _coded(root, "flags"))
    actions = tuple(Action(code, label, text) for code, label, text, _ in _coded(root, "actions"))
    flag_codes = {flag.code for flag in flags}
    tags = {tag: tuple(i.id for i in items if tag in i.tags) for i in items for tag in i.tags}
    bands = {s.id: {b.code for bs in s.band_sets for b in bs.bands} for s in scales}
    scope = Scope("a rule", facts, items_by_id, tags, bands, broken=broken)
    rules = _read_rules(root, scope, level_codes, flag_codes, {a.code for a in actions})
    instrument = Instrument(
        id=instrument_id or "",
        version=version or "",
        title=title or {},
        languages=reporter.languages,
        items=items,
        scales=scales,
        levels=levels,
        description=description,
        licence=licence or "",
        citation=citation or "",
        sections=sections,
        level_scale=_level_scale(root, scales_by_id, level_codes),
        default_level=_default_level(root, level_codes),
        flags=flags,
        actions=actions,
        rules=rules,
        facts=tuple(facts.values()),
        max_unanswered=root.integer("max_unanswered", default=0)
        if root.has("max_unanswered")
        else None,
        couple=read_combination(root, "couple", scales_by_id, flag_codes),
        vectors=read_vectors(root),
        scoring_order=scoring_order,
        source=file,
        source_sha256=digest,
    )
    raw_bounds, final_bounds = bounds(instrument, before_norms=True), bounds(instrument)
    for scale_id in scoring_order:
        scale = scales_by_id[scale_id]
        check_bands(root, scale, final_bounds.get(scale_id), raw_bounds.get(scale_id))
    check_vector_names(instrument, reporter.problems)
    if reporter.problems or instrument_id is None or version is None or title is None:
        raise InstrumentError(reporter.problems)
    return instrument


def read_languages(root: Reader) -> tuple[str, ...]:
    languages: list[str] = []
    for index, code in enumerate(root.sequence("languages") or []):
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


def read_version(root: Reader) -> str | None:
    version = root.string("version")
    if version is not None and not VERSION_PATTERN.match(version):
        root.report(f"version {version!r} is not a semantic version such as 1.0.0", "version")
    return version


def _coded(root: Reader, key: str) -> list[tuple[str, Text, Text | None, Text | None]]:
    """Read a list of {code, label, description|guidance}: levels, flags and actions."""
    entries: list[tuple[str, Text, Text | None, Text | None]] = []
    for reader in root.each(key, required=key == "levels"):
        reader.only(["code", "label", "description", "guidance"])
        code, label = reader.code("code"), reader.text("label")
        description = reader.text("description", required=False)
        guidance = reader.text("guidance", required=False)
        if code in [entry[0] for entry in entries]:
            reader.report(f"{code!r} is declared twice", "code")
        elif code is not None:
            entries.append((code, label or {}, description, guidance))
    return entries


def _read_rules(
    root: Reader, scope: Scope, levels: set[str], flags: set[str], actions: set[str]
) -> tuple[Rule, ...]:
    fields = {
        "id": Field(Reader.code),
        "when": Field(_condition, scope=scope),
        "reason": Field(Reader.text),
        "set_level": Field(_known, known=levels, what="level"),
        "raise_level": Field(_known, known=levels, what="level"),
        "flags": Field(_known_list, known=flags, what="flag"),
        "actions": Field(_known_list, known=actions, what="action"),
    }
    rules: dict[str, Rule] = {}
    for reader in root.each("rules", name="id", prefix="rule "):
        if not reader.valid:
            continue
        rule = read_fields(reader, fields)
        if not any(rule[effect] for effect in EFFECTS):
            reader.report("a rule needs an effect: set_level, raise_level, flags or actions")
        if rule["set_level"] and rule["raise_level"]:
            reader.report("give set_level or raise_level, not both")
        if rule["id"] in rules:
            reader.report(f"rule id {rule['id']!r} is used twice", "id")
        elif rule["id"] and rule["when"] is not None and rule["reason"] is not None:
            rules[rule["id"]] = Rule(**rule, line=reader.line)
    return tuple(rules.values())


def _condition(reader: Reader, key: str, scope: Scope) -> Condition | None:
    """A required condition."""
    if not reader.has(key):
        reader.missing(key)
        return None
    return parse_condition(reader, key, scope)


def _known(reader: Reader, key: str, *, known: set[str], what: str) -> str | None:
    """The optional code under `key` if it is declared in `known`; reported if it is not."""
    code = reader.code(key, required=False)
    found = _known_list(reader, key, known=known, what=what, codes=[code] if code else [])
    return found[0] if found else None


def _known_list(
    reader: Reader, key: str, *, known: set[str], what: str, codes: list[str] | None = None
) -> tuple[str, ...]:
    """The codes under `key` (or `codes`) that are declared; each other one is reported."""
    codes = (reader.codes(key, required=False) or []) if codes is None else codes
    for code in codes:
        if code not in known:
            declared = ", ".join(sorted(known)) or "none"
            reader.report(f"unknown {what} {code!r}; declared: {declared}", key)
    return tuple(code for code in codes if code in known)


def _level_scale(root: Reader, scales: dict[str, Any], level_codes: set[str]) -> str | None:
    scale_id = root.code("level_scale", required=False)
    if scale_id is None:
        return None
    scale = scales.get(scale_id)
    if scale is None:
        root.report(f"unknown scale {scale_id!r}", "level_scale")
        return None
    for band in (band for band_set in scale.band_sets for band in band_set.bands):
        if band.level is None and band.code not in level_codes:
            message = (
                f"band {band.code!r} decides the level but names no level; add 'level:' or use "
                "a level code as the band code"
            )
            root.reporter.add(
                message, item=f"scale {scale_id}", field="bands", line=scale.line or None
            )
    if not scale.band_sets:
        root.report(f"scale {scale_id!r} decides the level but has no bands", "level_scale")
    return scale_id


def _default_level(root: Reader, level_codes: set[str]) -> str | None:
    level = _known(root, "default_level", known=level_codes, what="level")
    if level is not None and root.has("level_scale"):
        root.report(
            "give level_scale or default_level, not both: the bands decide the level",
            "default_level",
        )
    return level


def read_combination(
    root: Reader, key: str, scales: dict[str, Any], flags: set[str]
) -> Combination | None:
    """How partners' results combine: `level: highest`, `flags: [...]`, `discrepancies: [...]`."""
    if not root.has(key):
        return None
    reader = root.child(key)
    reader.only(["level", "flags", "discrepancies"])
    level = reader.choice("level", ("highest", "none"), default="highest")
    combined = _known_list(reader, "flags", known=flags, what="flag")
    discrepancies = []
    for entry in reader.each("discrepancies"):
        entry.only(["scale", "more_than", "flag"])
        scale, more_than = entry.code("scale"), entry.number("more_than")
        flag = _known(entry, "flag", known=flags, what="flag")
        if scale is not None and scale not in scales:
            entry.report(f"unknown scale {scale!r}", "scale")
        elif scale and more_than is not None and flag:
            discrepancies.append(Discrepancy(scale, more_than, flag))
    return Combination(level if level == "highest" else None, combined, tuple(discrepancies))
