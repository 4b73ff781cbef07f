"""FHIR R4 interchange: an instrument as a Questionnaire, a completed assessment as a
QuestionnaireResponse, and a Questionnaire as the starting point of an instrument file.

Plain dicts in, plain dicts out: the engine needs no FHIR library (the tests validate the output
with `fhir.resources`). Each answer option carries its score as the `itemWeight` extension (what
the option contributes to its scales, after reverse scoring and item weight); texts in the other
languages of the instrument travel in the `translation` extension.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from .conditions import AllOf, AnyOf, Condition, Context, CountTest, ItemTest
from .model import Instrument, Item, ItemKind
from .numbers import as_number
from .scoring import score

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE, MAX_VALUE = (
    f"http://hl7.org/fhir/StructureDefinition/{k}" for k in ("minValue", "maxValue")
)
#: Our own extension for a visibility condition that enableWhen cannot express (e.g. on a fact).
VISIBLE_WHEN = "urn:casework:fhir:visible-when"
OPERATORS = {"at_least": ">=", "at_most": "<=", "greater_than": ">", "less_than": "<"}
Json = dict[str, Any]


def canonical(instrument: Instrument) -> str:
    return f"urn:casework:instrument:{instrument.id}"


def _text(instrument: Instrument, text: dict[str, str] | None, key: str, language: str) -> Json:
    """`key` in `language`, and `_key` with the translation extension for the other languages."""
    if not text:
        return {}
    others = [
        {"extension": [{"url": "lang", "valueCode": code}, {"url": "content", "valueString": v}]}
        | {"url": TRANSLATION}
        for code, v in text.items()
        if code != language
    ]
    found = {key: instrument.text(text, language)}
    return found | {f"_{key}": {"extension": others}} if others else found


def export_questionnaire(instrument: Instrument, language: str | None = None) -> Json:
    """The instrument as a FHIR R4 Questionnaire, its texts in `language` (default: the first)."""
    language = language or instrument.languages[0]
    items: list[Json] = []
    groups: dict[str, Json] = {}
    for section in instrument.sections:
        title = _text(instrument, section.title, "text", language)
        groups[section.id] = {"linkId": section.id, "type": "group", "item": [], **title}
    for item in instrument.items:
        questions = items
        if item.section is not None:
            questions = groups[item.section]["item"]
            if not questions:  # a section's group stands where its first item stands
                items.append(groups[item.section])
        questions.append(_question(instrument, item, language))
    return {
        "resourceType": "Questionnaire",
        "id": re.sub(r"[^A-Za-z0-9.-]", "-", f"{instrument.id}-{instrument.version}")[:64],
        "url": canonical(instrument),
        "version": instrument.version,
        "name": "".join(part.capitalize() for part in instrument.id.split("_")),
        **_text(instrument, instrument.title, "title", language),
        "status": "active",
        "language": language,
        **_text(instrument, instrument.description, "description", language),
        "copyright": instrument.licence,
        "item": items,
    }


def _question(instrument: Instrument, item: Item, language: str) -> Json:
    kind = {ItemKind.NUMBER: "integer" if item.integer else "decimal", ItemKind.TEXT: "text"}
    question: Json = {"linkId": item.id, **_text(instrument, item.text, "text", language)}
    question |= {"type": kind.get(item.kind, "choice"), "required": False}
    options = []
    for option in item.options:
        coding = {"code": option.code, **_text(instrument, option.label, "display", language)}
        weight = {"url": ITEM_WEIGHT, "valueDecimal": float(item.score_of(option.value))}
        options.append({"valueCoding": coding, "extension": [weight]})
    if options:
        question["answerOption"] = options
    value_type = "valueInteger" if item.integer else "valueDecimal"
    limits = [(MIN_VALUE, item.minimum), (MAX_VALUE, item.maximum)]
    if item.kind == ItemKind.NUMBER and any(v is not None for _, v in limits):
        question["extension"] = [
            {"url": url, value_type: _json_number(v)} for url, v in limits if v is not None
        ]
    if item.visible_when is not None:
        found = _enable_when(instrument, item.visible_when)
        if found is None:
            note = {"url": VISIBLE_WHEN, "valueString": item.visible_when.describe()}
            question["extension"] = [*question.get("extension", []), note]
        else:
            question["enableWhen"], behaviour = found
            if len(question["enableWhen"]) > 1:
                question["enableBehavior"] = behaviour
    return question


def _json_number(value: Any) -> int | float:
    return value if isinstance(value, int) else float(value)


def _enable_when(instrument: Instrument, condition: Condition) -> tuple[list[Json], str] | None:
    """The condition as enableWhen entries and their behaviour ("all" or "any"), if it can be."""
    if isinstance(condition, (AllOf, AnyOf)):
        behaviour = "all" if isinstance(condition, AllOf) else "any"
        entries: list[Json] = []
        for part in condition.parts:
            found = _enable_when(instrument, part)
            if found is None or (len(found[0]) > 1 and found[1] != behaviour):
                return None
            entries += found[0]
        return entries, behaviour
    if isinstance(condition, CountTest) and condition.test is None:
        if (condition.op, condition.count) not in (("at_least", 1), ("more_than", 0)):
            return None
        tests = [ItemTest(item, "positive", True) for item in condition.items]
        return _enable_when(instrument, AnyOf(tuple(tests)))
    if not isinstance(condition, ItemTest) or condition.on == "score":
        return None
    item = instrument.item(condition.item)
    op, operand = condition.op, condition.operand
    if op == "answered":
        return [{"question": item.id, "operator": "exists", "answerBoolean": operand}], "all"
    if item.kind == ItemKind.NUMBER:
        if op == "positive" and operand and item.positive_min is not None:
            op, operand = "at_least", item.positive_min
        if op not in OPERATORS:
            return None
        entry = {"question": item.id, "operator": OPERATORS[op], "answerDecimal": float(operand)}
        return [entry], "all"
    # An option item: the options whose choice makes the test hold.
    items = {item.id: item}
    codes = [o.code for o in item.options if condition.holds(Context({item.id: o.code}, {}, items))]
    entries = [{"question": item.id, "operator": "=", "answerCoding": {"code": c}} for c in codes]
    return (entries, "any") if entries else None


def export_response(
    instrument: Instrument,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> Json:
    """A completed assessment as a QuestionnaireResponse: the answers of the items asked.

    The answers are checked and scored first (AnswerError if invalid), so answers that
    visibility discarded are left out, as the form would have left them out.
    """
    language = language or instrument.languages[0]
    result = score(instrument, answers, facts)
    asked = {
        key: value
        for key, value in answers.items()
        if value is not None and key not in result.hidden
    }
    questionnaire = export_questionnaire(instrument, language)

    def respond(entries: list[Json]) -> list[Json]:
        found = []
        for entry in entries:
            link = entry["linkId"]
            if entry["type"] == "group" and respond(entry["item"]):
                found.append({"linkId": link, "item": respond(entry["item"])})
            elif link in asked:
                answer = _answer(instrument.item(link), asked[link], language)
                found.append({"linkId": link, "text": entry.get("text"), "answer": [answer]})
        return found

    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical(instrument)}|{instrument.version}",
        "status": "completed",
        "language": language,
        "item": respond(questionnaire["item"]),
    }


def _answer(item: Item, answer: Any, language: str) -> Json:
    option = next((o for o in item.options if o.code == answer), None)
    if option is not None:
        return {"valueCoding": {"code": option.code, "display": option.label.get(language, answer)}}
    if item.kind == ItemKind.TEXT:
        return {"valueString": answer}
    number = as_number(answer)
    return {"valueInteger": number} if isinstance(number, int) else {"valueDecimal": float(answer)}


def import_questionnaire(questionnaire: Mapping[str, Any]) -> str:
    """The starting point of an instrument file: items, options with their itemWeight as the
    value, texts, visibility; one sum scale and one placeholder level to replace by hand."""
    language = questionnaire.get("language") or "en"
    texts: list[dict[str, str]] = []

    def text(entry: Mapping[str, Any], key: str) -> dict[str, str]:
        found = {language: str(entry.get(key) or entry.get("linkId") or key)}
        for extension in (entry.get(f"_{key}") or {}).get("extension", []):
            parts = {part["url"]: _value(part) for part in extension.get("extension", [])}
            if extension.get("url") == TRANSLATION and "lang" in parts:
                found[parts["lang"]] = parts.get("content", "")
        texts.append(found)
        return found

    sections, items = [], []

    def walk(entries: list[Mapping[str, Any]], section: str | None) -> None:
        for entry in entries:
            if entry.get("type") == "group":
                sections.append({"id": _code(entry["linkId"]), "title": text(entry, "text")})
                walk(entry.get("item", []), _code(entry["linkId"]))
                continue
            item = _import_item(entry, text)
            items.append(item | ({"section": section} if section else {}))
            walk(entry.get("item", []), section)

    walk(list(questionnaire.get("item", [])), None)
    title = text(questionnaire, "title" if questionnaire.get("title") else "name")
    # Only the languages every text has: the engine requires each text in each language.
    shared = set.intersection(*(set(t) for t in texts)) - {language}
    languages = [language, *sorted(shared)]
    for found in texts:
        for lang in set(found) - set(languages):
            del found[lang]
    scored = [item["id"] for item in items if item["kind"] in ("single_choice", "yes_no")]
    # A boolean question becomes a yes/no item with the built-in options (no 0, yes 1).
    options = [item.get("options", [{"value": 0}, {"value": 1}]) for item in items]
    ranges = [
        [o["value"] for o in found]
        for item, found in zip(items, options, strict=True)
        if item["id"] in scored
    ]
    # Wide enough for any score, conditional (possibly not applicable) items included.
    low = min(0, sum(map(min, ranges), start=0), len(ranges) * min(map(min, ranges), default=0))
    high = max(sum(map(max, ranges), start=0), len(ranges) * max(map(max, ranges), default=0))
    values = [value for values in ranges for value in values]
    decimals = max((len(repr(v).split(".")[1]) for v in values if isinstance(v, float)), default=0)
    placeholder = dict.fromkeys(languages, "Not rated yet")
    document = {
        "format": 1,
        "id": _code(questionnaire.get("name") or questionnaire.get("id") or "imported"),
        "version": questionnaire.get("version") or "0.1.0",
        "title": title,
        "licence": questionnaire.get("copyright") or "unknown: check before use",
        "citation": questionnaire.get("url") or "imported from a FHIR Questionnaire",
        "languages": languages,
        **({"sections": sections} if sections else {}),
        "items": items,
        "scales": [
            {"id": "total", "title": dict.fromkeys(languages, "Total"), "items": scored,
             "decimals": decimals, "bands": [{"code": "not_rated", "min": low, "max": high}]}
        ] if scored else [],
        "levels": [{"code": "not_rated", "label": placeholder}],
        "level_scale": "total" if scored else None,
    }  # fmt: skip
    header = (
        "# Imported from a FHIR Questionnaire: add scales, bands, levels and rules, then vectors.\n"
    )
    clean = {key: value for key, value in document.items() if value is not None}
    return header + yaml.safe_dump(clean, allow_unicode=True, sort_keys=False, width=100)


def _code(value: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", value).lower()
    code = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_")
    return code if code and code[0].isalnum() else f"q_{code}"


def _import_item(entry: Mapping[str, Any], text: Any) -> dict[str, Any]:
    kind = entry.get("type")
    item: dict[str, Any] = {"id": _code(entry["linkId"]), "text": text(entry, "text")}
    if kind in ("choice", "coding") and entry.get("answerOption"):
        options = []
        for index, option in enumerate(entry["answerOption"]):
            coding = option.get("valueCoding") or {"code": str(option.get("valueString", index))}
            extensions = option.get("extension", []) + coding.get("extension", [])
            weights = [e for e in extensions if e.get("url") in (ITEM_WEIGHT, ORDINAL_VALUE)]
            value = _yaml_number(_value(weights[0])) if weights else index
            code, label = _code(str(coding["code"])), text(coding, "display")
            options.append({"code": code, "value": value, "label": label})
        is_yes_no = sorted(option["code"] for option in options) == ["no", "yes"]
        item |= {"kind": "yes_no" if is_yes_no else "single_choice", "options": options}
    elif kind in ("integer", "decimal"):
        item |= {"kind": "number", "integer": kind == "integer"}
        for extension in entry.get("extension", []):
            key = {MIN_VALUE: "min", MAX_VALUE: "max"}.get(extension.get("url"))
            if key:
                item[key] = _yaml_number(_value(extension))
    elif kind == "boolean":
        item["kind"] = "yes_no"
    else:
        item["kind"] = "text"
    conditions = [_import_condition(when) for when in entry.get("enableWhen", [])]
    if conditions and None not in conditions:
        joined = {"any" if entry.get("enableBehavior") == "any" else "all": conditions}
        item["visible_when"] = conditions[0] if len(conditions) == 1 else joined
    return item


def _import_condition(when: Mapping[str, Any]) -> dict[str, Any] | None:
    question, operator = _code(when["question"]), when["operator"]
    value = _value(when, "answer")
    if operator == "exists":
        return {"item": question, "answered": bool(value)}
    if isinstance(value, dict) and operator == "=":
        return {"item": question, "equals": value["code"]}
    if isinstance(value, dict) and operator == "!=":
        return {"item": question, "not_in": [value["code"]]}
    names = {symbol: name for name, symbol in OPERATORS.items()}
    if operator in names and as_number(value) is not None:
        return {"item": question, names[operator]: _yaml_number(value)}
    return None


def _value(element: Mapping[str, Any], prefix: str = "value") -> Any:
    """The value of a FHIR choice element (`valueDecimal`, `answerCoding`, ...), if it has one."""
    return next((value for key, value in element.items() if key.startswith(prefix)), None)


def _yaml_number(value: Any) -> int | float:
    """A JSON number as YAML writes it: whole numbers as integers (the engine reads the rest
    as exact decimals)."""
    number = as_number(value)
    if number is None:
        raise ValueError(f"not a number: {value!r}")
    return number if isinstance(number, int) else float(number)
