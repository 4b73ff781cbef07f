"""Read the scales of an instrument file: components, method, missing data, bands, norms, change."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from itertools import pairwise

from .bounds import Bounds
from .condition_parser import Scope, parse_condition
from .fields import Field, Reader, Text, read_fields
from .model import FactSpec, Item, ItemKind
from .numbers import ROUNDING_MODES, Number, step
from .scale_model import (
    Band,
    BandSet,
    ChangeSpec,
    Method,
    MissingAction,
    MissingRule,
    NormTable,
    Scale,
)

#: A scale's fields that are read the same way for every scale, in the order they are read.
SCALE_FIELDS = {
    "id": Field(Reader.code),
    "title": Field(Reader.text),
    "description": Field(Reader.text, required=False),
    "method": Field(Reader.choice, allowed=[method.value for method in Method], default="sum"),
    "decimals": Field(Reader.integer, default=0),
    "requires": Field(Reader.codes, required=False),
    "rounding": Field(Reader.choice, allowed=tuple(ROUNDING_MODES), default="half_up"),
    "higher_is": Field(Reader.choice, allowed=("worse", "better"), default="worse"),
}
#: A scale's fields whose reading depends on other fields.
BY_HAND = (
    "items", "scales", "weights", "factor", "missing", "bands", "conditional_bands", "norms",
    "change",
)  # fmt: skip
BAND_FIELDS = ("code", "min", "max", "label", "level", "guidance")
CHANGE_FIELDS = {
    key: Field(Reader.number, required=False)
    for key in ("standard_error", "reliability", "sd", "cutoff")
}


def read_scales(
    root: Reader,
    items: dict[str, Item],
    facts: dict[str, FactSpec],
    band_labels: dict[str, Text],
    level_codes: set[str],
    broken: set[str],
) -> tuple[tuple[Scale, ...], tuple[str, ...]]:
    """The scales in the order the file declares them, and the order to score them in (a scale
    after its components)."""
    scales: dict[str, Scale] = {}
    for reader in root.each("scales", required=True, name="id", prefix="scale "):
        scale = _read_scale(reader, items, broken, facts, band_labels, level_codes)
        if scale is not None and (scale.id in scales or scale.id in items):
            reader.report(f"scale id {scale.id!r} is already used by an item or scale", "id")
        elif scale is not None:
            scales[scale.id] = scale
    for scale in scales.values():
        for component in scale.scales:
            if component not in scales:
                message, where = f"unknown scale {component!r}", f"scale {scale.id}"
                root.reporter.add(message, item=where, field="scales", line=scale.line)
    graph = {scale.id: [c for c in scale.scales if c in scales] for scale in scales.values()}
    try:
        return tuple(scales.values()), tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        message = f"scales are built on each other in a circle: {' -> '.join(error.args[1])}"
        root.report(message, "scales")
        return (), ()


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
    values = read_fields(reader, SCALE_FIELDS, also=BY_HAND)
    method, decimals = Method(values["method"]), values["decimals"]
    source = reader.exactly_one(("items", "scales"))
    components = tuple(reader.codes(source) or ()) if source else ()
    if source and not components:
        reader.report("a scale needs at least one component", source)
    for item_id in components if source == "items" else ():
        item = items.get(item_id)
        if item is None and item_id not in broken:
            reader.report(f"unknown item {item_id!r}", "items")
        elif item is not None and item.kind == ItemKind.TEXT:
            reader.report(f"free-text item {item_id!r} is never scored", "items")
        elif item is not None and item.value_range() is None:
            reader.report(f"number item {item_id!r} needs min and max to be scored", "items")
    weights = _read_weights(reader, components, method)
    factor: Number = 1
    if method == Method.SCALED_SUM:
        factor = reader.number("factor") or 1
        if factor <= 0:
            reader.report("factor must be greater than 0", "factor")
    elif reader.has("factor"):
        reader.report("'factor' applies only to method scaled_sum", "factor")
    if decimals > 6:
        reader.report("at most 6 decimals", "decimals")
    values["requires"] = tuple(values["requires"] or ())
    for name in values["requires"]:
        if name not in facts:
            reader.report(f"undeclared fact {name!r}; declare it under 'facts'", "requires")
    scope = Scope(where="a band condition", facts=facts)
    values.update(
        method=method,
        items=components if source == "items" else (),
        scales=components if source == "scales" else (),
        missing=_read_missing(reader, len(components), source == "scales"),
        band_sets=_read_band_sets(reader, scope, band_labels, level_codes, decimals),
        norms=_read_norms(reader, scope, decimals),
        change=_read_change(reader),
    )
    values.update(title=values["title"] or {}, weights=weights, factor=factor, line=reader.line)
    scale = Scale(**values)
    return scale if values["id"] is not None and source is not None and components else None


def _read_weights(reader: Reader, components: tuple[str, ...], method: Method) -> dict[str, Number]:
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
        message = (
            "a scale built on scales is missing when any of them is missing; "
            "it takes no 'missing' rule"
        )
        reader.report(message, "missing")
        return MissingRule()
    missing = reader.child("missing")
    missing.only(["max_missing", "action", "value"])
    max_missing = missing.integer("max_missing", default=0) or 0
    actions = [action.value for action in MissingAction]
    action = MissingAction(missing.choice("action", actions, default="prorate") or "prorate")
    if size and max_missing >= size:
        missing.report(
            f"max_missing must be smaller than the number of items ({size})", "max_missing"
        )
    value = missing.number("value", required=action == MissingAction.IMPUTE)
    if value is not None and action != MissingAction.IMPUTE:
        missing.report("'value' applies only to action impute", "value")
    return MissingRule(max_missing, action, value or 0)


def _read_band_sets(
    reader: Reader, scope: Scope, band_labels: dict[str, Text], level_codes: set[str], decimals: int
) -> tuple[BandSet, ...]:
    if reader.has("bands") and reader.has("conditional_bands"):
        reader.report("give either 'bands' or 'conditional_bands', not both")
        return ()
    if reader.has("bands"):
        return (BandSet(None, _read_bands(reader, band_labels, level_codes, decimals)),)
    sets: list[BandSet] = []
    raw_sets = reader.sequence("conditional_bands", required=False) or []
    for index, entry in enumerate(reader.each("conditional_bands")):
        entry.only(["when", "bands"])
        when = parse_condition(entry, "when", scope) if entry.has("when") else None
        if not entry.has("when") and index != len(raw_sets) - 1:
            entry.report("only the last entry may omit 'when' (it is the default)")
        sets.append(BandSet(when, _read_bands(entry, band_labels, level_codes, decimals)))
    if raw_sets and (not isinstance(raw_sets[-1], dict) or "when" in raw_sets[-1]):
        reader.report(
            "the last entry of conditional_bands must have no 'when': it is the default "
            "for clients whose facts match no other entry",
            "conditional_bands",
        )
    return tuple(sets)


def _read_bands(
    parent: Reader, band_labels: dict[str, Text], level_codes: set[str], decimals: int
) -> tuple[Band, ...]:
    bands: list[Band] = []
    for reader in parent.each("bands", required=True):
        reader.only(BAND_FIELDS)
        code = reader.code("code")
        low, high = _limit(reader, "min", decimals), _limit(reader, "max", decimals)
        label = reader.text("label", required=code not in band_labels) or band_labels.get(
            code or ""
        )
        level = reader.code("level", required=False)
        if level is not None and level not in level_codes:
            reader.report(f"unknown level {level!r}", "level")
        guidance = reader.text("guidance", required=False)
        if low is not None and high is not None and low > high:
            reader.report(f"min {low} is greater than max {high}", "min")
        elif code and low is not None and high is not None:
            if any(band.code == code for band in bands):
                reader.report(f"band {code!r} is declared twice", "code")
            # A broken label is reported above; the band is kept to check the coverage.
            bands.append(Band(code, low, high, label or {}, level, guidance))
    return tuple(sorted(bands, key=lambda band: band.minimum))


def _limit(reader: Reader, key: str, decimals: int) -> Number | None:
    value = reader.number(key)
    if value is not None and not isinstance(value, int):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > decimals:
            reader.report(f"{value} has more decimals than the scale's {decimals}", key)
    return value


def _read_norms(reader: Reader, scope: Scope, decimals: int) -> tuple[NormTable, ...]:
    tables = []
    for entry in reader.each("norms"):
        entry.only(["when", "rows"])
        when = parse_condition(entry, "when", scope) if entry.has("when") else None
        rows = []
        for row in entry.each("rows", required=True):
            row.only(["min", "max", "score"])
            low, high, score = row.number("min"), row.number("max"), _limit(row, "score", decimals)
            if low is not None and high is not None and score is not None:
                rows.append((low, high, score))
        tables.append(NormTable(when, tuple(sorted(rows))))
    return tuple(tables)


def _read_change(reader: Reader) -> ChangeSpec | None:
    if not reader.has("change"):
        return None
    change = reader.child("change")
    spec = ChangeSpec(**read_fields(change, CHANGE_FIELDS))
    if spec.reliability is not None and not 0 < spec.reliability < 1:
        change.report("reliability is between 0 and 1 (exclusive)", "reliability")
    if spec.standard_error is None and (spec.reliability is None or spec.sd is None):
        change.report(
            "give standard_error, or reliability with sd (the reference group's standard deviation)"
        )
    return spec


def check_bands(reader: Reader, scale: Scale, bounds: Bounds | None, raw: Bounds | None) -> None:
    """Bands must not overlap, leave no gap, and cover every score the scale can produce;
    norm tables likewise cover every score they are looked up with."""

    def report(message: str) -> None:
        where = {"item": f"scale {scale.id}", "field": "bands", "line": scale.line or None}
        reader.reporter.add(message, **where)  # type: ignore[arg-type]

    ranges = [("bands", [(b.code, b.minimum, b.maximum) for b in s.bands]) for s in scale.band_sets]
    ranges += [("norms", [(str(s), lo, hi) for lo, hi, s in t.rows]) for t in scale.norms]
    for kind, limits in ranges:
        covered = bounds if kind == "bands" else raw
        if not limits or covered is None:
            continue
        for (code_a, _, high_a), (code_b, low_b, _) in pairwise(limits):
            between = f"between {high_a} and {low_b}"
            if kind == "bands":
                names, gap = f"bands {code_a!r} and {code_b!r}", f"(bands {code_a!r}, {code_b!r})"
                overlap, uncovered = f"{names} overlap", f"no band covers scores {between} {gap}"
            else:
                overlap = f"norm rows {high_a} and {low_b} overlap"
                uncovered = f"no norm row covers scores {between}"
            if low_b <= high_a or low_b != high_a + step(scale.decimals):
                report(overlap if low_b <= high_a else uncovered)
        if limits[0][1] > covered.low or limits[-1][2] < covered.high:
            scores = f"{covered.low}..{covered.high}"
            report(f"{kind} cover {limits[0][1]}..{limits[-1][2]} but the scale can score {scores}")
