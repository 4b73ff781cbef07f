"""Load instrument files: read the YAML, validate everything at once, build the Instrument."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .condition_parser import Scope, parse_condition
from .errors import InstrumentError, Problem
from .fields import LANGUAGE_PATTERN, VERSION_PATTERN, Reader, Reporter, Text
from .model import (
    Action,
    Combination,
    Discrepancy,
    FactSpec,
    Flag,
    HiddenAnswers,
    Instrument,
    Item,
    ItemKind,
    Level,
    Option,
    Rule,
    Section,
)
from .numbers import Number
from .parse_scales import check_bands, read_scales
from .scoring import bounds
from .vectors import check_vector_names, read_vectors
from .yamlio import load_yaml, parse_yaml

TOP_FIELDS = (
    "format", "id", "version", "title", "description", "licence", "citation", "languages", "facts",
    "hidden_answers", "option_sets", "band_labels", "sections", "items", "scales", "levels",
    "level_scale", "default_level", "max_unanswered", "flags", "actions", "rules", "couple", "vectors",
)  # fmt: skip
ITEM_FIELDS = (
    "id", "kind", "text", "section", "options", "min", "max", "integer", "reverse", "weight", "tags",
    "guidance", "supporting_questions", "visible_when", "hidden_value", "hidden_answers", "positive_min",
)  # fmt: skip
RULE_FIELDS = ("id", "when", "reason", "set_level", "raise_level", "flags", "actions")
FORMAT = 1
#: Used by yes_no items that give no options when the file declares no `yes_no` option set.
BUILT_IN_YES_NO = (
    {"code": "no", "value": 0, "label": {"pl": "Nie", "en": "No", "uk": "Ні"}},
    {"code": "yes", "value": 1, "label": {"pl": "Tak", "en": "Yes", "uk": "Так"}},
)
#: An option as written: code, value, label, and `positive` if declared.
RawOption = tuple[str, Number, Text, bool | None]


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
    reporter.languages = read_languages(root)
    instrument_id, version, title = root.code("id"), read_version(root), root.text("title")
    facts = read_facts(root)
    description = root.text("description", required=False)
    licence, citation = root.string("licence"), root.string("citation")
    sections = _read_sections(root)
    items = _read_items(root, facts, {section.id for section in sections})
    items_by_id = {item.id: item for item in items}
    broken = _declared(data, "items", "id") - items_by_id.keys()
    levels = tuple(
        Level(c, label, rank, guidance)
        for rank, (c, label, _, guidance) in enumerate(_coded(root, "levels"))
    )
    level_codes = {level.code for level in levels}
    # A band coded like a level borrows the level's label unless band_labels says otherwise.
    band_labels = {level.code: level.label for level in levels}
    labels = root.child("band_labels") if root.has("band_labels") else None
    for code in labels.data if labels is not None else ():
        band_labels[str(code)] = labels.text(str(code)) or {}  # type: ignore[union-attr]
    order = read_scales(
        root,
        items=items_by_id,
        facts=facts,
        band_labels=band_labels,
        level_codes=level_codes,
        broken=broken,
    )
    scales = {scale.id: scale for scale in order}
    flags = tuple(Flag(code, label, text) for code, label, text, _ in _coded(root, "flags"))
    actions = tuple(Action(code, label, text) for code, label, text, _ in _coded(root, "actions"))
    tags: dict[str, tuple[str, ...]] = {}
    for item in items:
        for tag in item.tags:
            tags[tag] = (*tags.get(tag, ()), item.id)
    scope = Scope(
        where="a rule",
        facts=facts,
        items=items_by_id,
        broken=broken,
        tags=tags,
        scale_bands={s.id: {b.code for bs in s.band_sets for b in bs.bands} for s in order},
    )
    rules = _read_rules(
        root, scope, level_codes, {f.code for f in flags}, {a.code for a in actions}
    )
    declared = (
        [entry.get("id") for entry in data.get("scales") or [] if isinstance(entry, dict)]
        if isinstance(data.get("scales"), list)
        else []
    )
    instrument = Instrument(
        id=instrument_id or "",
        version=version or "",
        title=title or {},
        languages=reporter.languages,
        items=items,
        scales=tuple(scales[scale_id] for scale_id in declared if scale_id in scales),
        levels=levels,
        description=description,
        licence=licence or "",
        citation=citation or "",
        sections=sections,
        level_scale=_level_scale(root, scales, level_codes),
        default_level=_default_level(root, level_codes),
        flags=flags,
        actions=actions,
        rules=rules,
        facts=tuple(facts.values()),
        max_unanswered=root.integer("max_unanswered", default=0)
        if root.has("max_unanswered")
        else None,
        couple=read_combination(root, "couple", scales, {f.code for f in flags}),
        vectors=read_vectors(root),
        scoring_order=tuple(scale.id for scale in order),
        source=file,
        source_sha256=digest,
    )
    raw_bounds, final_bounds = bounds(instrument, before_norms=True), bounds(instrument)
    for scale in order:
        check_bands(root, scale, final_bounds.get(scale.id), raw_bounds.get(scale.id))
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


def read_facts(root: Reader) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    reader = root.child("facts") if root.has("facts") else None
    for name in reader.data if reader is not None else ():
        spec = reader.child(str(name))  # type: ignore[union-attr]
        if not isinstance(name, str) or not spec.valid:
            continue
        spec.only(["values", "type", "label"])
        kind = spec.choice("type", ("enum", "boolean", "number"), default="enum") or "enum"
        values = spec.codes("values") or [] if kind == "enum" else []
        if kind != "enum" and spec.has("values"):
            spec.report("only enum facts list values", "values")
        facts[name] = FactSpec(name, kind, tuple(values), spec.text("label", required=False))
    return facts


def _read_sections(root: Reader) -> tuple[Section, ...]:
    sections: list[Section] = []
    for reader in root.each("sections"):
        reader.only(["id", "title", "description"])
        section_id, title = reader.code("id"), reader.text("title")
        if any(section.id == section_id for section in sections):
            root.report(f"{section_id!r} is declared twice", "sections")
        elif section_id:
            sections.append(
                Section(section_id, title or {}, reader.text("description", required=False))
            )
    return tuple(sections)


def _read_options(parent: Reader, key: str) -> tuple[RawOption, ...] | None:
    raw_options = parent.sequence(key)
    if raw_options is None:
        return None
    if len(raw_options) < 2:
        parent.report("a choice needs at least two options", key)
        return None
    options: list[RawOption] = []
    for reader in parent.each(key):
        reader.only(["code", "value", "label", "positive"])
        code, value, label = reader.code("code"), reader.number("value"), reader.text("label")
        positive = reader.boolean("positive") if reader.has("positive") else None
        if code in [option[0] for option in options]:
            parent.report(f"{code!r} is declared twice", key)
        if code is not None and value is not None:
            options.append((code, value, label or {}, positive))
    return tuple(options) if len(options) == len(raw_options) else None


def _read_items(
    root: Reader, facts: dict[str, FactSpec], section_ids: set[str]
) -> tuple[Item, ...]:
    option_sets: dict[str, tuple[RawOption, ...]] = {}
    sets_reader = root.child("option_sets") if root.has("option_sets") else None
    for name in sets_reader.data if sets_reader is not None else ():
        options = _read_options(sets_reader, str(name))  # type: ignore[arg-type]
        if options is not None:
            option_sets[str(name)] = options
    hidden = (
        root.choice("hidden_answers", [m.value for m in HiddenAnswers], default="discard")
        or "discard"
    )
    items: dict[str, Item] = {}
    if root.has("items") and not root.raw("items"):
        root.report("an instrument needs at least one item", "items")
    declared: set[str] = set()
    for reader in root.each("items", required=True, name="id"):
        if not reader.valid:
            continue
        broken = declared - items.keys()
        declared.add(reader.item or "")
        item = _read_item(
            reader, items, broken, facts, section_ids, option_sets, HiddenAnswers(hidden)
        )
        if item is not None and item.id in items:
            reader.report(f"item id {item.id!r} is used twice", "id")
        elif item is not None:
            items[item.id] = item
    return tuple(items.values())


def _read_item(
    reader: Reader,
    earlier: dict[str, Item],
    broken: set[str],
    facts: dict[str, FactSpec],
    section_ids: set[str],
    option_sets: dict[str, tuple[RawOption, ...]],
    default_hidden: HiddenAnswers,
) -> Item | None:
    reader.only(ITEM_FIELDS)
    item_id = reader.code("id")
    kind_name = reader.choice("kind", [kind.value for kind in ItemKind])
    kind = ItemKind(kind_name) if kind_name else None
    section = reader.code("section", required=False)
    if section is not None and section not in section_ids:
        reader.report(f"unknown section {section!r}; declare it under 'sections'", "section")
    reverse = reader.boolean("reverse")
    raw_options = _item_options(reader, kind, option_sets)
    minimum, maximum = reader.number("min", required=False), reader.number("max", required=False)
    if kind == ItemKind.NUMBER:
        if minimum is not None and maximum is not None and minimum > maximum:
            reader.report(f"min {minimum} is greater than max {maximum}", "min")
        if reverse and (minimum is None or maximum is None):
            reader.report("a reverse-scored number item needs both min and max", "reverse")
    elif kind is not None:
        for key in ("min", "max", "positive_min"):
            if reader.has(key):
                reader.report(f"'{key}' applies only to number items", key)
    if kind == ItemKind.TEXT and reverse:
        reader.report("a free-text item is never scored, so it cannot be reverse-scored", "reverse")
    weight = reader.number("weight", required=False)
    if weight is not None and (weight <= 0 or kind == ItemKind.TEXT):
        reader.report("a weight is a number greater than 0, on an item that is scored", "weight")
    visible_when = None
    if reader.has("visible_when"):

        def hint(name: str) -> str:
            if name == item_id:
                return " (an item cannot depend on itself)"
            return " (a condition may only refer to items declared before this one)"

        scope = Scope(
            where="a visibility condition",
            facts=facts,
            items=earlier,
            item_hint=hint,
            broken=broken,
        )
        visible_when = parse_condition(reader, "visible_when", scope)
    hidden_value = reader.number("hidden_value", required=False)
    if hidden_value is not None and not reader.has("visible_when"):
        reader.report(
            "hidden_value needs visible_when: an item that is always asked is never hidden",
            "hidden_value",
        )
    hidden_answers = reader.choice(
        "hidden_answers", [m.value for m in HiddenAnswers], default=default_hidden.value
    )
    item = Item(
        id=item_id or "",
        kind=kind or ItemKind.TEXT,
        text=reader.text("text") or {},
        section=section,
        options=_settle_positive(raw_options or (), reverse),
        minimum=minimum,
        maximum=maximum,
        integer=reader.boolean("integer", default=True),
        reverse=reverse,
        weight=weight if weight is not None and weight > 0 else 1,
        tags=tuple(reader.codes("tags", required=False) or ()),
        guidance=reader.text("guidance", required=False),
        supporting_questions=reader.texts("supporting_questions"),
        visible_when=visible_when,
        hidden_value=hidden_value,
        hidden_answers=HiddenAnswers(hidden_answers or default_hidden),
        positive_min=reader.number("positive_min", required=False),
        line=reader.line,
    )
    if item_id is None or kind is None or (item.is_choice and not item.options):
        return None
    return item


def _settle_positive(options: tuple[RawOption, ...], reverse: bool) -> tuple[Option, ...]:
    """By default an answer is positive when it scores above the item's lowest possible score."""
    if not options:
        return ()
    values = [value for _, value, _, _ in options]
    low, high = min(values), max(values)
    scored = [low + high - value if reverse else value for value in values]
    return tuple(
        Option(code, value, label, positive if positive is not None else score > min(scored))
        for (code, value, label, positive), score in zip(options, scored, strict=True)
    )


def _item_options(
    reader: Reader, kind: ItemKind | None, option_sets: dict[str, tuple[RawOption, ...]]
) -> tuple[RawOption, ...] | None:
    if kind is None:
        return None  # an unknown kind is reported once; its options cannot be judged
    if kind in (ItemKind.NUMBER, ItemKind.TEXT):
        if reader.has("options"):
            reader.report(f"{kind.value} items have no options", "options")
        return None
    raw = reader.raw("options")
    if raw is None and kind == ItemKind.YES_NO:
        if "yes_no" in option_sets:
            return option_sets["yes_no"]
        missing = [lang for lang in reader.reporter.languages if lang not in ("pl", "en", "uk")]
        if missing:
            reader.report(
                f"the built-in yes/no options have no {missing[0]!r} labels; declare option set yes_no",
                "options",
            )
            return None
        return tuple((o["code"], o["value"], o["label"], None) for o in BUILT_IN_YES_NO)  # type: ignore[misc]
    if isinstance(raw, str):
        if raw not in option_sets:
            known = ", ".join(sorted(option_sets)) or "none"
            reader.report(f"unknown option set {raw!r} (declared: {known})", "options")
            return None
        options: tuple[RawOption, ...] | None = option_sets[raw]
    else:
        options = _read_options(reader, "options")
    if (
        options
        and kind == ItemKind.YES_NO
        and sorted(option[0] for option in options) != ["no", "yes"]
    ):
        reader.report("a yes_no item has exactly the options 'yes' and 'no'", "options")
        return None
    return options


def _coded(root: Reader, key: str) -> list[tuple[str, Text, Text | None, Text | None]]:
    """Read a list of {code, label, description|guidance}: levels, flags and actions."""
    entries: list[tuple[str, Text, Text | None, Text | None]] = []
    for reader in root.each(key, required=key == "levels"):
        reader.only(["code", "label", "description", "guidance"])
        code, label = reader.code("code"), reader.text("label")
        description, guidance = (
            reader.text("description", required=False),
            reader.text("guidance", required=False),
        )
        if code in [entry[0] for entry in entries]:
            reader.report(f"{code!r} is declared twice", "code")
        elif code is not None:
            entries.append((code, label or {}, description, guidance))
    return entries


def _read_rules(
    root: Reader, scope: Scope, levels: set[str], flags: set[str], actions: set[str]
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for reader in root.each("rules", name="id", prefix="rule "):
        if not reader.valid:
            continue
        reader.only(RULE_FIELDS)
        rule_id = reader.code("id")
        when = parse_condition(reader, "when", scope) if reader.has("when") else None
        if not reader.has("when"):
            reader.missing("when")
        reason = reader.text("reason")
        set_level, raise_level = (
            _known(reader, "set_level", levels, "level"),
            _known(reader, "raise_level", levels, "level"),
        )
        rule_flags, rule_actions = (
            _known_list(reader, "flags", flags, "flag"),
            _known_list(reader, "actions", actions, "action"),
        )
        if not (set_level or raise_level or rule_flags or rule_actions):
            reader.report("a rule needs an effect: set_level, raise_level, flags or actions")
        if set_level and raise_level:
            reader.report("give set_level or raise_level, not both")
        if any(rule.id == rule_id for rule in rules):
            reader.report(f"rule id {rule_id!r} is used twice", "id")
        elif rule_id and when is not None and reason is not None:
            rules.append(
                Rule(
                    rule_id,
                    when,
                    reason,
                    set_level,
                    raise_level,
                    rule_flags,
                    rule_actions,
                    reader.line,
                )
            )
    return tuple(rules)


def _known(reader: Reader, key: str, known: set[str], what: str) -> str | None:
    code = reader.code(key, required=False)
    if code is not None and code not in known:
        reader.report(
            f"unknown {what} {code!r}; declared: {', '.join(sorted(known)) or 'none'}", key
        )
        return None
    return code


def _known_list(reader: Reader, key: str, known: set[str], what: str) -> tuple[str, ...]:
    codes = reader.codes(key, required=False) or []
    for code in codes:
        if code not in known:
            reader.report(
                f"unknown {what} {code!r}; declared: {', '.join(sorted(known)) or 'none'}", key
            )
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
            message = f"band {band.code!r} decides the level but names no level; add 'level:' or use a level code as the band code"
            root.reporter.add(
                message, item=f"scale {scale_id}", field="bands", line=scale.line or None
            )
    if not scale.band_sets:
        root.report(f"scale {scale_id!r} decides the level but has no bands", "level_scale")
    return scale_id


def _default_level(root: Reader, level_codes: set[str]) -> str | None:
    level = _known(root, "default_level", level_codes, "level")
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
    combined = _known_list(reader, "flags", flags, "flag")
    discrepancies = []
    for entry in reader.each("discrepancies"):
        entry.only(["scale", "more_than", "flag"])
        scale, more_than, flag = (
            entry.code("scale"),
            entry.number("more_than"),
            _known(entry, "flag", flags, "flag"),
        )
        if scale is not None and scale not in scales:
            entry.report(f"unknown scale {scale!r}", "scale")
        elif scale and more_than is not None and flag:
            discrepancies.append(Discrepancy(scale, more_than, flag))
    return Combination(level if level == "highest" else None, combined, tuple(discrepancies))


def _declared(data: dict[str, Any], key: str, name: str) -> set[str]:
    """Every id written under `key`, valid or not (to avoid reporting a broken entry twice)."""
    raw = data.get(key)
    entries = raw if isinstance(raw, list) else []
    return {
        entry[name]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get(name), str)
    }
