"""Read the questionnaire part of an instrument file: facts, sections, option sets and items."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .condition_parser import Scope, parse_condition
from .fields import Reader, Text, items_with_lines
from .model import FactSpec, HiddenAnswers, Item, ItemKind, Option, Section
from .numbers import Number

ITEM_FIELDS = (
    "id",
    "kind",
    "text",
    "section",
    "options",
    "min",
    "max",
    "integer",
    "reverse",
    "tags",
    "guidance",
    "supporting_questions",
    "visible_when",
    "hidden_value",
    "hidden_answers",
    "positive_min",
)
OPTION_FIELDS = ("code", "value", "label", "positive")


class RawOption(NamedTuple):
    """An option as written; whether it is positive is settled per item (reverse scoring)."""

    code: str
    value: Number
    label: Text
    positive: bool | None


def read_facts(root: Reader) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    if not root.has("facts"):
        return facts
    reader = root.child("facts")
    for name in reader.data:
        spec = reader.child(str(name))
        if not isinstance(name, str) or not spec.valid:
            continue
        spec.only(["values", "type"])
        kind = spec.choice("type", ("enum", "boolean", "number"), default="enum")
        values: list[str] = []
        if kind == "enum":
            values = spec.codes("values") or []
        elif spec.has("values"):
            spec.report("only enum facts list values", "values")
        facts[name] = FactSpec(name, kind or "enum", tuple(values))
    return facts


def read_sections(root: Reader) -> tuple[Section, ...]:
    sections: list[Section] = []
    for index, raw, line in items_with_lines(root.sequence("sections", required=False) or []):
        reader = Reader(root.reporter, raw, f"sections[{index}]", line=line)
        reader.only(["id", "title", "description"])
        section_id = reader.code("id")
        title = reader.text("title")
        description = reader.text("description", required=False)
        if section_id:
            sections.append(Section(section_id, title or {}, description))
    _report_duplicates(root, "sections", [section.id for section in sections])
    return tuple(sections)


def read_option_sets(root: Reader) -> dict[str, tuple[RawOption, ...]]:
    option_sets: dict[str, tuple[RawOption, ...]] = {}
    if not root.has("option_sets"):
        return option_sets
    reader = root.child("option_sets")
    for name in reader.data:
        options = _read_options(reader, str(name))
        if options is not None:
            option_sets[str(name)] = options
    return option_sets


def _read_options(parent: Reader, key: str) -> tuple[RawOption, ...] | None:
    raw_options = parent.sequence(key)
    if raw_options is None:
        return None
    if len(raw_options) < 2:
        parent.report("a choice needs at least two options", key)
        return None
    options: list[RawOption] = []
    for index, raw, line in items_with_lines(raw_options):
        reader = Reader(
            parent.reporter, raw, f"{parent.path(key)}[{index}]", item=parent.item, line=line
        )
        reader.only(OPTION_FIELDS)
        code, value, label = reader.code("code"), reader.number("value"), reader.text("label")
        positive = reader.boolean("positive") if reader.has("positive") else None
        if code is not None and value is not None:
            options.append(RawOption(code, value, label or {}, positive))
    _report_duplicates(parent, key, [option.code for option in options])
    return tuple(options) if len(options) == len(raw_options) else None


def _settle_positive(options: tuple[RawOption, ...], reverse: bool) -> tuple[Option, ...]:
    """By default an answer is positive when it scores above the item's lowest possible score."""
    values = [option.value for option in options]
    low, high = min(values), max(values)

    def scored(value: Number) -> Number:
        return low + high - value if reverse else value

    floor = min(scored(value) for value in values)
    return tuple(
        Option(
            option.code,
            option.value,
            option.label,
            option.positive if option.positive is not None else scored(option.value) > floor,
        )
        for option in options
    )


def read_items(
    root: Reader,
    *,
    facts: dict[str, FactSpec],
    sections: tuple[Section, ...],
    option_sets: dict[str, tuple[RawOption, ...]],
    default_hidden: HiddenAnswers,
) -> tuple[Item, ...]:
    items: dict[str, Item] = {}
    section_ids = {section.id for section in sections}
    raw_items = root.sequence("items") or []
    if not raw_items and root.has("items"):
        root.report("an instrument needs at least one item", "items")
    declared: set[str] = set()
    for index, raw, line in items_with_lines(raw_items):
        item_id = (
            raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        )
        reader = Reader(root.reporter, raw, f"items[{index}]", item=item_id, line=line)
        if not reader.valid:
            continue
        broken = declared - items.keys()
        declared.add(item_id or "")
        item = _read_item(reader, items, broken, facts, section_ids, option_sets, default_hidden)
        if item is None:
            continue
        if item.id in items:
            reader.report(f"item id {item.id!r} is used twice", "id")
            continue
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
    text = reader.text("text")
    section = reader.code("section", required=False)
    if section is not None and section not in section_ids:
        reader.report(f"unknown section {section!r}; declare it under 'sections'", "section")
    reverse = reader.boolean("reverse")
    kind = ItemKind(kind_name) if kind_name else None
    raw_options = _item_options(reader, kind, option_sets)
    minimum, maximum = reader.number("min", required=False), reader.number("max", required=False)
    integer = reader.boolean("integer", default=True)
    positive_min = reader.number("positive_min", required=False)
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
    options = _settle_positive(raw_options, reverse) if raw_options else ()
    tags = tuple(reader.codes("tags", required=False) or ())
    guidance = reader.text("guidance", required=False)
    supporting = reader.texts("supporting_questions")
    visible_when = None
    if reader.has("visible_when"):
        scope = Scope(
            where="a visibility condition",
            facts=facts,
            items=earlier,
            item_hint=_earlier_hint(item_id),
            broken=broken,
        )
        visible_when = parse_condition(reader, "visible_when", scope)
    hidden_value = reader.number("hidden_value", required=False)
    if hidden_value is not None and not reader.has("visible_when"):
        reader.report(
            "hidden_value needs visible_when: an item that is always asked is never hidden",
            "hidden_value",
        )
    hidden_name = reader.choice(
        "hidden_answers", [mode.value for mode in HiddenAnswers], default=default_hidden.value
    )
    if item_id is None or kind is None:
        return None
    if kind in (ItemKind.SINGLE_CHOICE, ItemKind.YES_NO) and not options:
        return None
    return Item(
        id=item_id,
        kind=kind,
        text=text or {},
        section=section,
        options=options,
        minimum=minimum,
        maximum=maximum,
        integer=integer,
        reverse=reverse,
        tags=tags,
        guidance=guidance,
        supporting_questions=supporting,
        visible_when=visible_when,
        hidden_value=hidden_value,
        hidden_answers=HiddenAnswers(hidden_name or default_hidden),
        positive_min=positive_min,
        line=reader.line,
    )


def _earlier_hint(item_id: str | None) -> Callable[[str], str]:
    def hint(name: str) -> str:
        if name == item_id:
            return " (an item cannot depend on itself)"
        return " (a condition may only refer to items declared before this one)"

    return hint


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
    if raw is None and kind == ItemKind.YES_NO and "yes_no" in option_sets:
        raw = "yes_no"
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
        and sorted(option.code for option in options) != ["no", "yes"]
    ):
        reader.report("a yes_no item has exactly the options 'yes' and 'no'", "options")
        return None
    return options


def _report_duplicates(reader: Reader, key: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            reader.report(f"{code!r} is declared twice", key)
        seen.add(code)
