"""Read the questionnaire part of an instrument file: facts, sections, option sets and items."""

from __future__ import annotations

from .condition_parser import Scope, parse_condition
from .fields import Field, Reader, Text, read_fields
from .model import FactSpec, HiddenAnswers, Item, ItemKind, Option, Section
from .numbers import Number

HIDDEN_MODES = [mode.value for mode in HiddenAnswers]
#: An item's fields, in the order they are read (and `hidden_answers`, whose default the file sets).
ITEM_FIELDS = {
    "id": Field(Reader.code),
    "kind": Field(Reader.choice, allowed=[kind.value for kind in ItemKind]),
    "section": Field(Reader.code, required=False),
    "reverse": Field(Reader.boolean),
    "min": Field(Reader.number, "minimum", required=False),
    "max": Field(Reader.number, "maximum", required=False),
    "hidden_value": Field(Reader.number, required=False),
    "text": Field(Reader.text),
    "integer": Field(Reader.boolean, default=True),
    "tags": Field(Reader.codes, required=False),
    "guidance": Field(Reader.text, required=False),
    "supporting_questions": Field(Reader.texts),
    "positive_min": Field(Reader.number, required=False),
}
#: An item's fields that depend on its kind or on earlier items, read after the others.
BY_HAND = ("options", "weight", "visible_when")
#: An option as written: code, value, label, and `positive` if declared.
RawOption = tuple[str, Number, Text, bool | None]
#: Used by yes_no items that give no options when the file declares no `yes_no` option set.
BUILT_IN_YES_NO: tuple[RawOption, ...] = (
    ("no", 0, {"pl": "Nie", "en": "No", "uk": "Ні"}, None),
    ("yes", 1, {"pl": "Tak", "en": "Yes", "uk": "Так"}, None),
)


def read_facts(root: Reader) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    declared = root.mapping("facts")
    for name in declared.data:
        spec = declared.child(str(name))
        if not isinstance(name, str) or not spec.valid:
            continue
        spec.only(["values", "type", "label"])
        kind = spec.choice("type", ("enum", "boolean", "number"), default="enum") or "enum"
        values = spec.codes("values") or [] if kind == "enum" else []
        if kind != "enum" and spec.has("values"):
            spec.report("only enum facts list values", "values")
        facts[name] = FactSpec(name, kind, tuple(values), spec.text("label", required=False))
    return facts


def read_sections(root: Reader) -> tuple[Section, ...]:
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


def read_items(
    root: Reader, facts: dict[str, FactSpec], section_ids: set[str]
) -> tuple[tuple[Item, ...], set[str]]:
    """The valid items, and the ids of items declared with problems of their own."""
    option_sets: dict[str, tuple[RawOption, ...]] = {}
    sets = root.mapping("option_sets")
    for name in sets.data:
        options = _read_options(sets, str(name))
        if options is not None:
            option_sets[str(name)] = options
    hidden = root.choice("hidden_answers", HIDDEN_MODES, default="discard")
    fields = ITEM_FIELDS | {
        "hidden_answers": Field(Reader.choice, allowed=HIDDEN_MODES, default=hidden)
    }
    items: dict[str, Item] = {}
    if root.has("items") and not root.raw("items"):
        root.report("an instrument needs at least one item", "items")
    declared: set[str] = set()
    for reader in root.each("items", required=True, name="id"):
        if not reader.valid:
            continue
        broken = declared - items.keys()
        declared.add(reader.item or "")
        item = _read_item(reader, items, broken, facts, section_ids, option_sets, fields)
        if item is not None and item.id in items:
            reader.report(f"item id {item.id!r} is used twice", "id")
        elif item is not None:
            items[item.id] = item
    return tuple(items.values()), declared - items.keys()


def _read_item(
    reader: Reader,
    earlier: dict[str, Item],
    broken: set[str],
    facts: dict[str, FactSpec],
    section_ids: set[str],
    option_sets: dict[str, tuple[RawOption, ...]],
    fields: dict[str, Field],
) -> Item | None:
    values = read_fields(reader, fields, also=BY_HAND)
    item_id, section, reverse = values["id"], values["section"], values["reverse"]
    kind = ItemKind(values["kind"]) if values["kind"] else None
    if section is not None and section not in section_ids:
        reader.report(f"unknown section {section!r}; declare it under 'sections'", "section")
    raw_options = _item_options(reader, kind, option_sets)
    minimum, maximum = values["minimum"], values["maximum"]
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
    if reader.has("visible_when"):
        hints = {item_id: " (an item cannot depend on itself)"}
        later = " (a condition may only refer to items declared before this one)"
        scope = Scope("a visibility condition", facts, earlier, broken=broken)
        scope.item_hint = lambda name: hints.get(name, later)
        values["visible_when"] = parse_condition(reader, "visible_when", scope)
    elif values["hidden_value"] is not None:
        message = "hidden_value needs visible_when: an item that is always asked is never hidden"
        reader.report(message, "hidden_value")
    if item_id is None or kind is None:
        return None
    values.update(kind=kind, text=values["text"] or {}, tags=tuple(values["tags"] or ()))
    values.update(hidden_answers=HiddenAnswers(values["hidden_answers"]), line=reader.line)
    options = _settle_positive(raw_options or (), reverse)
    item = Item(
        **values, options=options, weight=weight if weight is not None and weight > 0 else 1
    )
    return None if item.is_choice and not item.options else item


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
                f"the built-in yes/no options have no {missing[0]!r} labels; "
                "declare option set yes_no",
                "options",
            )
            return None
        return BUILT_IN_YES_NO
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
