"""Parse structured YAML conditions into condition nodes, checking every name they refer to."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .conditions import (
    COMPARISONS,
    AllOf,
    AnyOf,
    Condition,
    CountTest,
    FactTest,
    ItemTest,
    Not,
    ResultTest,
    ScaleTest,
)
from .fields import Reader
from .model import FactSpec, Item, ItemKind
from .numbers import as_number
from .result import STATUSES

#: The ops whose operand is a list of values (`equals`: one value, read as a list of one).
LISTS = ("in", "not_in", "equals")


@dataclass
class InstrumentNames:
    """The names a routing rule may use for one instrument (to catch typos at load time)."""

    levels: set[str]
    flags: set[str]
    actions: set[str]
    tags: set[str]
    scale_bands: dict[str, set[str]]
    #: The levels and flags of its combined couple result; None: it declares no combination.
    couple: tuple[set[str], set[str]] | None = None


@dataclass
class Scope:
    """What a condition may refer to where it stands.

    `items` None forbids item tests; `scale_bands` None forbids scale tests; `instruments` maps
    instrument id -> its names for routing (None: result tests are forbidden; an empty dict:
    allowed but unchecked).
    """

    where: str
    facts: Mapping[str, FactSpec]
    items: Mapping[str, Item] | None = None
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scale_bands: Mapping[str, set[str]] | None = None
    instruments: Mapping[str, InstrumentNames] | None = None
    item_hint: Callable[[str], str] = lambda item_id: ""
    #: Items declared with problems of their own: references to them are not reported again.
    broken: set[str] = field(default_factory=set)


def parse_condition(reader: Reader, key: str, scope: Scope) -> Condition | None:
    """Parse `reader[key]` as a condition; report problems through the reader and return None."""
    return _parse(reader.child(key), scope)


def _parse(reader: Reader, scope: Scope) -> Condition | None:
    if not reader.valid:
        return None
    data = reader.data
    for combinator, node in (("all", AllOf), ("any", AnyOf)):
        if combinator in data:
            reader.only([combinator])
            raw_parts = reader.sequence(combinator)
            if raw_parts is not None and not raw_parts:
                reader.report(f"'{combinator}' needs at least one condition", combinator)
            if not raw_parts:
                return None
            parts = [_parse(part, scope) for part in reader.each(combinator)]
            return None if None in parts else node(tuple(parts))  # type: ignore[arg-type]
    if "not" in data:
        reader.only(["not"])
        part = _parse(reader.child("not"), scope)
        return Not(part) if part is not None else None
    if "item" in data:
        return _item_test(reader, scope)
    if "fact" in data:
        return _fact_test(reader, scope)
    if "positive_among" in data or "count" in data:
        return _count(reader, scope)
    if scope.instruments is not None and any(op in data for op in ResultTest.OPS):
        return _result_test(reader, scope)
    if "scale" in data:
        return _scale_test(reader, scope)
    reader.report(
        f"not a condition in {scope.where}: expected item, fact, scale, positive_among, count, "
        "all, any or not" + (", or a result test" if scope.instruments is not None else "")
    )
    return None


def _one_op(reader: Reader, subject: tuple[str, ...], ops: tuple[str, ...]) -> str | None:
    reader.only((*subject, *ops))
    present = [op for op in ops if op in reader.data]
    if len(present) != 1:
        reader.report(f"give exactly one test out of: {', '.join(ops)}")
        return None
    return present[0]


def _operand(reader: Reader, op: str) -> Any:
    """What `op` reads: a number, true or false, a non-empty list of values, a list of codes or
    a code; None (reported) if it is not that."""
    raw = reader.raw(op)
    if op in COMPARISONS:
        return reader.number(op)
    if op in ("answered", "positive", "present"):
        if not isinstance(raw, bool):
            reader.report("expected true or false", op)
            return None
        return raw
    if op in LISTS:
        values = raw if op != "equals" else [raw]
        if not isinstance(values, list) or not values:
            reader.report("expected a non-empty list", op)
            return None
        return values
    return _codes(reader, op) if op in ("band_in", "status_in") else reader.code(op)


def _codes(reader: Reader, op: str) -> list[str] | None:
    """A non-empty list of codes; an empty one is reported (the test could never hold)."""
    if reader.raw(op) == []:
        reader.report("expected a non-empty list", op)
        return None
    return reader.codes(op)


def _known_codes(reader: Reader, op: str, values: list[Any], known: Collection[str]) -> bool:
    unknown = [value for value in values if value not in known]
    if unknown:
        reader.report(f"{unknown[0]!r} is not one of: {', '.join(sorted(known))}", op)
    return not unknown


def _tests_answers(reader: Reader, scope: Scope, key: str) -> bool:
    if scope.items is None:
        reader.report(f"{scope.where} cannot test answers", key)
    return scope.items is not None


def _item_test(reader: Reader, scope: Scope) -> ItemTest | None:
    op = _one_op(reader, ("item", "on"), ItemTest.OPS)
    item_id = reader.code("item")
    if not _tests_answers(reader, scope, "item") or item_id is None or item_id in scope.broken:
        return None
    item = scope.items.get(item_id)  # type: ignore[union-attr]
    if item is None:
        reader.report(f"unknown item {item_id!r}{scope.item_hint(item_id)}", "item")
    return _predicate(reader, item.id, [item], op) if item is not None and op else None


def _predicate(reader: Reader, name: str, items: list[Item], op: str) -> ItemTest | None:
    """The test `op` of `reader`, checked against every item it will be applied to."""
    on = reader.choice("on", ("raw", "score"), default="raw") or "raw"
    if reader.has("on") and op not in COMPARISONS:
        reader.report("'on' applies only to comparisons (at_least, at_most, ...)", "on")
    text = next((item.id for item in items if item.kind == ItemKind.TEXT), None)
    if text and op != "answered" and (op != "positive" or isinstance(reader.raw(op), bool)):
        never = "is never positive" if op == "positive" else "can only be tested with 'answered'"
        reader.report(f"free-text item {text!r} {never}", op)
        return None
    operand = _operand(reader, op)
    if operand is None:
        return None
    if op not in LISTS:
        return ItemTest(name, op, operand, on if op in COMPARISONS else "raw")
    for item in items:
        codes = [option.code for option in item.options]
        unknown = [value for value in operand if value not in codes]
        if item.is_choice and unknown:
            options = ", ".join(sorted(codes))
            reader.report(f"item {item.id!r} has no option {unknown[0]!r}; options: {options}", op)
            return None
        if not item.is_choice and any(as_number(value) is None for value in operand):
            reader.report("number items are compared with numbers", op)
            return None
    values = tuple(as_number(v) if as_number(v) is not None else v for v in operand)
    return ItemTest(name, op, values if op != "equals" else values[0])


def _fact_test(reader: Reader, scope: Scope) -> FactTest | None:
    name = reader.code("fact")
    op = _one_op(reader, ("fact",), FactTest.OPS)
    if name is None or op is None:
        return None
    spec = scope.facts.get(name)
    if spec is None:
        known = ", ".join(sorted(scope.facts)) or "none declared"
        text = f"undeclared fact {name!r}; declare it under 'facts' (declared: {known})"
        reader.report(text, "fact")
        return None
    if op in COMPARISONS and spec.kind != "number":
        reader.report(f"fact {name!r} is {spec.kind}, not a number", op)
        return None
    operand = _operand(reader, op)
    if op not in LISTS or operand is None:
        return FactTest(name, op, operand) if operand is not None else None
    bad = [value for value in operand if not spec.accepts(value)]
    if bad:
        allowed = ", ".join(spec.values) if spec.kind == "enum" else spec.kind
        reader.report(f"{bad[0]!r} is not a possible value of fact {name!r} ({allowed})", op)
        return None
    return FactTest(name, op, tuple(operand) if op != "equals" else operand[0])


def _count(reader: Reader, scope: Scope) -> CountTest | None:
    key = "positive_among" if "positive_among" in reader.data else "count"
    op = _one_op(reader, (key,), CountTest.OPS)
    count = reader.integer(op) if op else None
    if not _tests_answers(reader, scope, key):
        return None
    assert scope.items is not None
    test_op = None
    if key == "count":
        among = reader.child(key)
        if not among.valid:
            return None
        source = among.exactly_one(("items", "tag"))
        test_op = _one_op(among, ("items", "tag", "on"), ItemTest.OPS)
    elif isinstance(reader.raw(key), dict):
        among, source = reader.child(key), "tag"
        among.only(["tag"])
    else:
        among, source = reader, key
    if source is None:
        return None
    tag = among.code("tag") if source == "tag" else None
    if source == "tag" and tag is not None and tag not in scope.tags:
        reader.report(f"no item carries the tag {tag!r}", key)
        return None
    ids = list(scope.tags[tag]) if tag is not None else None
    if source != "tag":
        ids = among.codes(source)
        unknown = [item_id for item_id in ids or () if item_id not in scope.items]
        if unknown and not set(unknown) & scope.broken:
            reader.report(f"unknown item {unknown[0]!r}{scope.item_hint(unknown[0])}", key)
        ids = None if unknown else ids
    if ids is None:
        return None
    items = [scope.items[item_id] for item_id in ids]
    text = next((item.id for item in items if item.kind == ItemKind.TEXT), None)
    if key == "positive_among" and text:
        reader.report(f"free-text item {text!r} is never positive", key)
        return None
    test = _predicate(among, "", items, test_op) if test_op else None
    if op is None or count is None or (key == "count" and test is None):
        return None
    return CountTest(tuple(ids), tag, op, count, test)


def _scale_test(reader: Reader, scope: Scope) -> ScaleTest | None:
    if scope.scale_bands is None:
        reader.report(f"{scope.where} cannot test scales", "scale")
        return None
    scale_id = reader.code("scale")
    op = _one_op(reader, ("scale",), ScaleTest.OPS)
    if scale_id is None or op is None:
        return None
    if scale_id not in scope.scale_bands:
        reader.report(f"unknown scale {scale_id!r}", "scale")
        return None
    operand = _operand(reader, op)
    if op in COMPARISONS or operand is None:
        return ScaleTest(scale_id, op, operand) if operand is not None else None
    values = [operand] if op == "band" else operand
    allowed = STATUSES if op == "status_in" else scope.scale_bands[scale_id]
    if not values or not _known_codes(reader, op, values, allowed):
        return None
    return ScaleTest(scale_id, "band_in" if op == "band" else op, tuple(values))


def _result_test(reader: Reader, scope: Scope) -> ResultTest | None:
    assert scope.instruments is not None
    if "scale" in reader.data:
        reader.only(["instrument", "scale", "band_in"])
        op: str | None = "band_in"
    else:
        op = _one_op(reader, ("instrument", "of"), ResultTest.OPS)
    instrument = reader.code("instrument", required=False)
    of = reader.choice("of", ("person", "couple"), default="person") or "person"
    if op is None:
        return None
    names = scope.instruments.get(instrument) if instrument else None
    if instrument and scope.instruments and names is None:
        reader.report(f"unknown instrument {instrument!r}", "instrument")
        return None
    if of == "couple" and op not in ("level_in", "flag"):
        reader.report("a combined couple result has only levels and flags", op)
        return None
    if of == "couple" and names is not None and names.couple is None:
        reader.report(f"instrument {instrument!r} declares no couple combination", "of")
        return None
    scale = reader.code("scale") if op == "band_in" else None
    if op in ("level_in", "band_in"):
        values = _codes(reader, op)
        known = None
        if names is not None and values:
            known = names.levels if op == "level_in" else names.scale_bands.get(scale or "")
            if known is None:
                reader.report(f"instrument {instrument!r} has no scale {scale!r}", "scale")
                return None
        if not values or (known is not None and not _known_codes(reader, op, values, known)):
            return None
        return ResultTest(instrument, op, tuple(values), scale, of)
    code = reader.code(op)
    if code is None:
        return None
    if names is not None or (scope.instruments and instrument is None):
        pools = [names] if names is not None else list(scope.instruments.values())
        attribute = {"flag": "flags", "action": "actions", "tag_positive": "tags"}[op]
        known_codes = [getattr(pool, attribute) for pool in pools if pool is not None]
        if of == "couple":
            known_codes = [pool.couple[1] for pool in pools if pool is not None and pool.couple]
        if not any(code in codes for codes in known_codes):
            what = "combinable flag" if of == "couple" else op.replace("_positive", "")
            reader.report(f"no instrument declares {what} {code!r}", op)
            return None
    return ResultTest(instrument, op, code, None, of)
