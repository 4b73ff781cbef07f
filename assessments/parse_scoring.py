"""Read the scoring part of an instrument file: scales, bands, levels, flags, actions and rules."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from .condition_parser import Scope, parse_condition
from .fields import Reader, Text, items_with_lines
from .model import (
    Action,
    FactSpec,
    Flag,
    Item,
    ItemKind,
    Level,
    Method,
    MissingAction,
    MissingRule,
    Rule,
    Scale,
)
from .numbers import ROUNDING_MODES, Number
from .parse_bands import read_band_sets

SCALE_FIELDS = (
    "id",
    "title",
    "description",
    "method",
    "items",
    "scales",
    "weights",
    "factor",
    "decimals",
    "rounding",
    "missing",
    "bands",
    "conditional_bands",
    "higher_is",
)
RULE_FIELDS = ("id", "when", "reason", "set_level", "raise_level", "flags", "actions")


def read_band_labels(root: Reader) -> dict[str, Text]:
    labels: dict[str, Text] = {}
    if root.has("band_labels"):
        reader = root.child("band_labels")
        for code in reader.data:
            text = reader.text(str(code))
            if text is not None:
                labels[str(code)] = text
    return labels


def read_coded(root: Reader, key: str) -> list[tuple[str, Text, Text | None, Text | None]]:
    """Read a list of {code, label, description|guidance}: levels, flags and actions."""
    entries = []
    seen: set[str] = set()
    for index, raw, line in items_with_lines(root.sequence(key, required=key == "levels") or []):
        reader = Reader(root.reporter, raw, f"{key}[{index}]", line=line)
        reader.only(["code", "label", "description", "guidance"])
        code, label = reader.code("code"), reader.text("label")
        description = reader.text("description", required=False)
        guidance = reader.text("guidance", required=False)
        if code in seen:
            reader.report(f"{code!r} is declared twice", "code")
        elif code is not None:
            seen.add(code)
            entries.append((code, label or {}, description, guidance))
    return entries


def read_levels(root: Reader) -> tuple[Level, ...]:
    return tuple(
        Level(code, label, rank, guidance)
        for rank, (code, label, _, guidance) in enumerate(read_coded(root, "levels"))
    )


def read_flags(root: Reader) -> tuple[Flag, ...]:
    return tuple(Flag(code, label, text) for code, label, text, _ in read_coded(root, "flags"))


def read_actions(root: Reader) -> tuple[Action, ...]:
    return tuple(Action(code, label, text) for code, label, text, _ in read_coded(root, "actions"))


def read_scales(
    root: Reader,
    *,
    items: dict[str, Item],
    facts: dict[str, FactSpec],
    band_labels: dict[str, Text],
    level_codes: set[str],
    broken: set[str] | None = None,
) -> list[Scale]:
    """Read the scales and return them in dependency order (a scale after its components)."""
    scales: dict[str, Scale] = {}
    lines: dict[str, int] = {}
    raw_scales = root.sequence("scales") or []
    for index, raw, line in items_with_lines(raw_scales):
        scale_id = (
            raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        )
        reader = Reader(
            root.reporter, raw, f"scales[{index}]", item=scale_id and f"scale {scale_id}", line=line
        )
        scale = _read_scale(reader, items, broken or set(), facts, band_labels, level_codes)
        if scale is None:
            continue
        if scale.id in scales or scale.id in items:
            reader.report(f"scale id {scale.id!r} is already used by an item or scale", "id")
            continue
        scales[scale.id] = scale
        lines[scale.id] = reader.line
    for scale in scales.values():
        for component in scale.scales:
            if component not in scales:
                root.reporter.add(
                    f"unknown scale {component!r}",
                    item=f"scale {scale.id}",
                    field="scales",
                    line=lines[scale.id],
                )
    graph = {scale.id: [c for c in scale.scales if c in scales] for scale in scales.values()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = " -> ".join(error.args[1])
        root.report(f"scales are built on each other in a circle: {cycle}", "scales")
        return []
    return [scales[scale_id] for scale_id in order if scale_id in scales]


def _read_scale(
    reader: Reader,
    items: dict[str, Item],
    broken: set[str],
    facts: dict[str, FactSpec],
    band_labels: dict[str, Text],
    level_codes: set[str],
) -> Scale | None:
    if not reader.valid:
        return None
    reader.only(SCALE_FIELDS)
    scale_id = reader.code("id")
    title = reader.text("title")
    description = reader.text("description", required=False)
    method = reader.choice("method", [method.value for method in Method], default=Method.SUM.value)
    source = reader.exactly_one(("items", "scales"))
    components = tuple(reader.codes(source) or ()) if source else ()
    if source and not components:
        reader.report("a scale needs at least one component", source)
    if source == "items":
        for item_id in components:
            item = items.get(item_id)
            if item is None and item_id in broken:
                continue  # its own problems are reported where it is declared
            if item is None:
                reader.report(f"unknown item {item_id!r}", "items")
            elif item.kind == ItemKind.TEXT:
                reader.report(f"free-text item {item_id!r} is never scored", "items")
            elif item.value_range() is None:
                reader.report(f"number item {item_id!r} needs min and max to be scored", "items")
    weights = _read_weights(reader, components, method)
    factor: Number = 1
    if method == Method.SCALED_SUM:
        factor = reader.number("factor") or 1
        if factor <= 0:
            reader.report("factor must be greater than 0", "factor")
    elif reader.has("factor"):
        reader.report("'factor' applies only to method scaled_sum", "factor")
    decimals = reader.integer("decimals", default=0) or 0
    if decimals > 6:
        reader.report("at most 6 decimals", "decimals")
    rounding = reader.choice("rounding", tuple(ROUNDING_MODES), default="half_up") or "half_up"
    missing = _read_missing(reader, len(components), source == "scales")
    higher_is = reader.choice("higher_is", ("worse", "better"), default="worse") or "worse"
    band_sets = read_band_sets(reader, facts, band_labels, level_codes, decimals)
    if scale_id is None or source is None or not components:
        return None
    return Scale(
        id=scale_id,
        title=title or {},
        method=Method(method or "sum"),
        items=components if source == "items" else (),
        scales=components if source == "scales" else (),
        weights=weights,
        factor=factor,
        decimals=decimals,
        rounding=rounding,
        missing=missing,
        band_sets=band_sets,
        higher_is=higher_is,
        description=description,
        line=reader.line,
    )


def _read_weights(
    reader: Reader, components: tuple[str, ...], method: str | None
) -> dict[str, Number]:
    if not reader.has("weights"):
        return {}
    if method not in (Method.WEIGHTED_SUM, Method.MEAN):
        reader.report("'weights' apply only to methods weighted_sum and mean", "weights")
        return {}
    weights_reader = reader.child("weights")
    weights: dict[str, Number] = {}
    for component in weights_reader.data:
        weight = weights_reader.number(str(component))
        if component not in components:
            weights_reader.report(f"{component!r} is not a component of this scale", str(component))
        elif weight is not None and weight <= 0:
            weights_reader.report("a weight must be greater than 0", str(component))
        elif weight is not None:
            weights[str(component)] = weight
    return weights


def _read_missing(reader: Reader, size: int, built_on_scales: bool) -> MissingRule:
    if not reader.has("missing"):
        return MissingRule()
    if built_on_scales:
        reader.report(
            "a scale built on scales is missing when any of them is missing; "
            "it takes no 'missing' rule",
            "missing",
        )
        return MissingRule()
    missing = reader.child("missing")
    missing.only(["max_missing", "action"])
    max_missing = missing.integer("max_missing", default=0) or 0
    action = missing.choice(
        "action", [action.value for action in MissingAction], default=MissingAction.PRORATE.value
    )
    if size and max_missing >= size:
        missing.report(
            f"max_missing must be smaller than the number of items ({size})", "max_missing"
        )
    return MissingRule(max_missing, MissingAction(action or "prorate"))


def read_rules(
    root: Reader,
    *,
    scope: Scope,
    levels: set[str],
    flags: set[str],
    actions: set[str],
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for index, raw, line in items_with_lines(root.sequence("rules", required=False) or []):
        rule_id = (
            raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        )
        reader = Reader(
            root.reporter, raw, f"rules[{index}]", item=rule_id and f"rule {rule_id}", line=line
        )
        if not reader.valid:
            continue
        reader.only(RULE_FIELDS)
        rule_id = reader.code("id")
        when = parse_condition(reader, "when", scope) if reader.has("when") else None
        if not reader.has("when"):
            reader.missing("when")
        reason = reader.text("reason")
        set_level = _known(reader, "set_level", levels, "level")
        raise_level = _known(reader, "raise_level", levels, "level")
        rule_flags = _known_list(reader, "flags", flags, "flag")
        rule_actions = _known_list(reader, "actions", actions, "action")
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
