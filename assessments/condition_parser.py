"""Parse structured YAML conditions into condition nodes, checking every name they refer to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .conditions import (
    COMPARISONS,
    COUNT_OPS,
    FACT_OPS,
    ITEM_OPS,
    RESULT_OPS,
    SCALE_OPS,
    AllOf,
    AnyOf,
    Condition,
    FactTest,
    ItemTest,
    Not,
    PositiveCount,
    ResultTest,
    ScaleTest,
)
from .fields import Reader
from .model import FactSpec, Item, ItemKind
from .numbers import as_number


@dataclass
class Scope:
    """What a condition may refer to where it stands.

    `items` None forbids item tests; `scale_bands` None forbids scale tests; `instruments` maps
    instrument id -> known levels/flags/actions/tags/scale bands for routing (None: result tests
    are forbidden; an empty dict: allowed but unchecked).
    """

    where: str
    facts: Mapping[str, FactSpec]
    items: Mapping[str, Item] | None = None
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scale_bands: Mapping[str, set[str]] | None = None
    statuses: tuple[str, ...] = ("complete", "prorated", "missing", "not_applicable")
    instruments: Mapping[str, InstrumentNames] | None = None
    item_hint: Callable[[str], str] = lambda item_id: ""
    #: Items declared with problems of their own: references to them are not reported again.
    broken: set[str] = field(default_factory=set)


@dataclass
class InstrumentNames:
    """The names a routing rule may use for one instrument (to catch typos at load time)."""

    levels: set[str]
    flags: set[str]
    actions: set[str]
    tags: set[str]
    scale_bands: dict[str, set[str]]


def parse_condition(reader: Reader, key: str, scope: Scope) -> Condition | None:
    """Parse `reader[key]` as a condition; report problems through the reader and return None."""
    return _parse(reader.child(key), scope)


def _parse(reader: Reader, scope: Scope) -> Condition | None:
    if not reader.valid:
        return None
    data = reader.data
    for combinator in ("all", "any"):
        if combinator in data:
            reader.only([combinator])
            parts_raw = reader.sequence(combinator)
            if parts_raw is None:
                return None
            if not parts_raw:
                reader.report(f"'{combinator}' needs at least one condition", combinator)
                return None
            parts = [
                _parse(
                    Reader(
                        reader.reporter,
                        raw,
                        f"{reader.path(combinator)}[{index}]",
                        item=reader.item,
                        line=reader.line_of(combinator),
                    ),
                    scope,
                )
                for index, raw in enumerate(parts_raw)
            ]
            if any(part is None for part in parts):
                return None
            checked = tuple(part for part in parts if part is not None)
            return AllOf(checked) if combinator == "all" else AnyOf(checked)
    if "not" in data:
        reader.only(["not"])
        part = _parse(reader.child("not"), scope)
        return Not(part) if part is not None else None
    if "item" in data:
        return _item_test(reader, scope)
    if "fact" in data:
        return _fact_test(reader, scope)
    if "positive_among" in data:
        return _positive_count(reader, scope)
    if scope.instruments is not None and any(op in data for op in RESULT_OPS):
        return _result_test(reader, scope)
    if "scale" in data:
        return _scale_test(reader, scope)
    reader.report(
        f"not a condition in {scope.where}: expected item, fact, scale, positive_among, "
        "all, any or not" + (", or a result test" if scope.instruments is not None else "")
    )
    return None


def _one_op(reader: Reader, subject: str, ops: tuple[str, ...]) -> str | None:
    reader.only((subject, *ops))
    present = [op for op in ops if op in reader.data]
    if len(present) != 1:
        reader.report(f"give exactly one test out of: {', '.join(ops)}")
        return None
    return present[0]


def _item_test(reader: Reader, scope: Scope) -> Condition | None:
    if scope.items is None:
        reader.report(f"{scope.where} cannot test answers", "item")
        return None
    item_id = reader.code("item")
    op = _one_op(reader, "item", ITEM_OPS)
    if item_id is None or op is None:
        return None
    item = scope.items.get(item_id)
    if item is None and item_id in scope.broken:
        return None
    if item is None:
        reader.report(f"unknown item {item_id!r}{scope.item_hint(item_id)}", "item")
        return None
    raw = reader.raw(op)
    if op in ("answered", "positive"):
        if not isinstance(raw, bool):
            reader.report("expected true or false", op)
            return None
        if op == "positive" and item.kind == ItemKind.TEXT:
            reader.report(f"free-text item {item_id!r} is never positive", op)
            return None
        return ItemTest(item_id, op, raw)
    if item.kind == ItemKind.TEXT:
        reader.report(f"free-text item {item_id!r} can only be tested with 'answered'", op)
        return None
    if op in COMPARISONS:
        number = reader.number(op)
        return ItemTest(item_id, op, number) if number is not None else None
    values = raw if op in ("in", "not_in") else [raw]
    if not isinstance(values, list) or not values:
        reader.report("expected a non-empty list", op)
        return None
    if item.is_choice:
        codes = {option.code for option in item.options}
        unknown = [value for value in values if value not in codes]
        if unknown:
            reader.report(
                f"item {item_id!r} has no option {unknown[0]!r}; "
                f"options: {', '.join(sorted(codes))}",
                op,
            )
            return None
        operand: Any = tuple(values)
    else:
        numbers = [as_number(value) for value in values]
        if any(number is None for number in numbers):
            reader.report("number items are compared with numbers", op)
            return None
        operand = tuple(numbers)
    return ItemTest(item_id, op, operand if op != "equals" else operand[0])


def _fact_test(reader: Reader, scope: Scope) -> Condition | None:
    name = reader.code("fact")
    op = _one_op(reader, "fact", FACT_OPS)
    if name is None or op is None:
        return None
    spec = scope.facts.get(name)
    if spec is None:
        known = ", ".join(sorted(scope.facts)) or "none declared"
        reader.report(
            f"undeclared fact {name!r}; declare it under 'facts' (declared: {known})", "fact"
        )
        return None
    raw = reader.raw(op)
    if op == "present":
        if not isinstance(raw, bool):
            reader.report("expected true or false", op)
            return None
        return FactTest(name, op, raw)
    if op in COMPARISONS:
        if spec.kind != "number":
            reader.report(f"fact {name!r} is {spec.kind}, not a number", op)
            return None
        number = reader.number(op)
        return FactTest(name, op, number) if number is not None else None
    values = raw if op in ("in", "not_in") else [raw]
    if not isinstance(values, list) or not values:
        reader.report("expected a non-empty list", op)
        return None
    for value in values:
        if not _fits(spec, value):
            allowed = ", ".join(spec.values) if spec.kind == "enum" else spec.kind
            reader.report(f"{value!r} is not a possible value of fact {name!r} ({allowed})", op)
            return None
    operand = tuple(values)
    return FactTest(name, op, operand if op != "equals" else operand[0])


def _fits(spec: FactSpec, value: Any) -> bool:
    if spec.kind == "boolean":
        return isinstance(value, bool)
    if spec.kind == "number":
        return as_number(value) is not None
    return value in spec.values


def _positive_count(reader: Reader, scope: Scope) -> Condition | None:
    op = _one_op(reader, "positive_among", COUNT_OPS)
    count = reader.integer(op) if op else None
    raw = reader.raw("positive_among")
    if scope.items is None:
        reader.report(f"{scope.where} cannot test answers", "positive_among")
        return None
    tag = None
    if isinstance(raw, dict):
        among = reader.child("positive_among")
        among.only(["tag"])
        tag = among.code("tag")
        if tag is None:
            return None
        if tag not in scope.tags:
            reader.report(f"no item carries the tag {tag!r}", "positive_among")
            return None
        items = scope.tags[tag]
    else:
        listed = reader.codes("positive_among")
        if listed is None:
            return None
        unknown = [item_id for item_id in listed if item_id not in scope.items]
        if any(item_id in scope.broken for item_id in unknown):
            return None
        if unknown:
            reader.report(
                f"unknown item {unknown[0]!r}{scope.item_hint(unknown[0])}", "positive_among"
            )
            return None
        text_items = [item_id for item_id in listed if scope.items[item_id].kind == ItemKind.TEXT]
        if text_items:
            reader.report(f"free-text item {text_items[0]!r} is never positive", "positive_among")
            return None
        items = tuple(listed)
    if op is None or count is None:
        return None
    return PositiveCount(tuple(items), tag, op, count)


def _scale_test(reader: Reader, scope: Scope) -> Condition | None:
    if scope.scale_bands is None:
        reader.report(f"{scope.where} cannot test scales", "scale")
        return None
    scale_id = reader.code("scale")
    op = _one_op(reader, "scale", SCALE_OPS)
    if scale_id is None or op is None:
        return None
    if scale_id not in scope.scale_bands:
        reader.report(f"unknown scale {scale_id!r}", "scale")
        return None
    if op in COMPARISONS:
        number = reader.number(op)
        return ScaleTest(scale_id, op, number) if number is not None else None
    values = reader.codes(op) if op != "band" else [reader.code(op)]
    if not values or None in values:
        return None
    allowed = scope.statuses if op == "status_in" else scope.scale_bands[scale_id]
    unknown = [value for value in values if value not in allowed]
    if unknown:
        reader.report(f"{unknown[0]!r} is not one of: {', '.join(sorted(allowed))}", op)
        return None
    if op == "band":
        return ScaleTest(scale_id, "band_in", (values[0],))
    return ScaleTest(scale_id, op, tuple(v for v in values if v is not None))


def _result_test(reader: Reader, scope: Scope) -> Condition | None:
    assert scope.instruments is not None
    op = _one_op(reader, "instrument", RESULT_OPS) if "scale" not in reader.data else None
    if "scale" in reader.data:
        reader.only(["instrument", "scale", "band_in"])
        op = "band_in"
    instrument = reader.code("instrument", required=False)
    if op is None:
        return None
    names = scope.instruments.get(instrument) if instrument else None
    if instrument and scope.instruments and names is None:
        reader.report(f"unknown instrument {instrument!r}", "instrument")
        return None
    scale = reader.code("scale") if op == "band_in" else None
    if op in ("level_in", "band_in"):
        values = reader.codes(op)
        if not values:
            return None
        known = None
        if names is not None:
            known = names.levels if op == "level_in" else names.scale_bands.get(scale or "")
            if known is None:
                reader.report(f"instrument {instrument!r} has no scale {scale!r}", "scale")
                return None
        bad = [value for value in values if known is not None and value not in known]
        if bad:
            reader.report(f"{bad[0]!r} is not one of: {', '.join(sorted(known or ()))}", op)
            return None
        return ResultTest(instrument, op, tuple(values), scale)
    code = reader.code(op)
    if code is None:
        return None
    if names is not None or (scope.instruments and instrument is None):
        pools = [names] if names is not None else list(scope.instruments.values())
        attribute = {"flag": "flags", "action": "actions", "tag_positive": "tags"}[op]
        if not any(code in getattr(pool, attribute) for pool in pools):
            reader.report(f"no instrument declares {op.replace('_positive', '')} {code!r}", op)
            return None
    return ResultTest(instrument, op, code, None)
