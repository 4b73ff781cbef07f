"""Embedded test vectors: read them from an instrument file and check them against the engine."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .change import measure_change
from .couples import combine
from .errors import AnswerError, AssessmentError, Problem
from .fields import Reader
from .model import Instrument, Item, Vector
from .numbers import as_number
from .result import Result
from .scoring import score

LISTS = ("flags", "actions", "rules", "hidden", "discarded")
#: What a vector may expect, and the fields of each entry of the nested expectations.
NESTED = {
    "scales": ("score", "raw", "band", "status", "reason"),
    "change": (
        "difference",
        "rci",
        "status",
        "crossed_cutoff",
        "clinical_before",
        "clinical_after",
    ),
    "couple": ("level", "flags"),
}
EXPECT_FIELDS = ("level", "band_level", *LISTS, *NESTED)


def read_vectors(root: Reader) -> tuple[Vector, ...]:
    vectors: list[Vector] = []
    for reader in root.each("vectors", name="name", prefix="vector "):
        if not reader.valid:
            continue
        reader.only(["name", "answers", "facts", "expect", "expect_errors", "fill", "other"])
        name = reader.string("name")
        other = None
        if reader.has("other"):  # the earlier result (for `change`) or the other partner's
            entry = reader.child("other")
            entry.only(["answers", "facts", "fill"])
            given, facts, fill = _given(entry)
            other = Vector(f"{name} (other)", given, facts, {}, fill=fill, line=entry.line)
        expect: dict[str, Any] = {}
        if reader.has("expect"):
            wanted = reader.child("expect")
            wanted.only(EXPECT_FIELDS)
            for key in ("scales", "change"):  # scale id -> the fields expected of it
                if wanted.has(key):
                    scales = wanted.child(key)
                    for scale_id in scales.data:
                        scales.child(str(scale_id)).only(NESTED[key])
            for key in LISTS:
                wanted.sequence(key, required=False)
            if wanted.has("couple"):
                wanted.child("couple").only(NESTED["couple"])
            if (wanted.has("change") or wanted.has("couple")) and other is None:
                reader.report("expecting change or couple results needs 'other' answers")
            expect = dict(wanted.data)
        errors = tuple(reader.codes("expect_errors", required=False) or ())
        if not expect and not errors:
            reader.report("a vector needs 'expect' or 'expect_errors'")
        if name is not None:
            answers, facts, fill = _given(reader)
            vectors.append(Vector(name, answers, facts, expect, errors, fill, reader.line, other))
    return tuple(vectors)


def _given(reader: Reader) -> tuple[Mapping[str, Any], Mapping[str, Any], str | None]:
    answers = reader.child("answers").data if reader.has("answers") else {}
    facts = reader.child("facts").data if reader.has("facts") else {}
    fill = reader.choice("fill", ("lowest", "highest"), default="none")
    return answers, facts, None if fill == "none" else fill


def check_vector_names(instrument: Instrument, problems: list[Problem]) -> None:
    """Static check: the scales, flags, actions and rules a vector expects exist."""
    known: dict[str, set[str | None]] = {
        "scales": {scale.id for scale in instrument.scales},
        "flags": {flag.code for flag in instrument.flags},
        "actions": {action.code for action in instrument.actions},
        "rules": {rule.id for rule in instrument.rules},
        "level": {level.code for level in instrument.levels} | {None},
    }
    for vector in instrument.vectors:
        for key, names in known.items():
            expected = vector.expect.get(key)
            if expected is None:
                continue
            listed = (
                expected if isinstance(expected, list | dict) and key != "level" else [expected]
            )
            for name in listed:
                if not isinstance(name, str) or name not in names:
                    text = f"expects unknown {key.rstrip('s')} {name!r}"
                    problems.append(_problem(instrument, vector, text, f"expect.{key}"))


def vector_answers(instrument: Instrument, vector: Vector) -> dict[str, Any]:
    """The answers of a vector, with unlisted items filled as it asks (visible items only)."""
    answers: dict[str, Any] = dict(vector.answers)
    if vector.fill is None:
        return answers
    filled = {item.id: _fill(item, vector.fill == "highest") for item in instrument.items}
    combined = {key: value for key, value in filled.items() if value is not None} | answers
    visible = {item.id for item in instrument.visible_items(combined, vector.facts)}
    return {key: value for key, value in combined.items() if key in answers or key in visible}


def _fill(item: Item, highest: bool) -> Any:
    if item.options:
        pick = max if highest else min
        return pick(item.options, key=lambda option: item.score_of(option.value)).code
    if item.minimum is not None and item.maximum is not None:
        return item.maximum if highest != item.reverse else item.minimum
    return None


def run_vectors(instrument: Instrument) -> list[Problem]:
    """Score every vector of the instrument; one problem per difference from the expectation."""
    return [
        problem for vector in instrument.vectors for problem in check_vector(instrument, vector)
    ]


def check_vector(instrument: Instrument, vector: Vector) -> list[Problem]:
    """Score one vector; one problem per difference from what it expects."""

    def fail(message: str, field: str | None = None) -> list[Problem]:
        return [_problem(instrument, vector, message, field)]

    try:
        result = score(instrument, vector_answers(instrument, vector), vector.facts)
    except AnswerError as error:
        rejected = sorted({problem.item or "answers" for problem in error.problems})
        if sorted(vector.expect_errors) == rejected:
            return []
        messages = "; ".join(str(problem) for problem in error.problems)
        wanted = ", ".join(vector.expect_errors) or "none"
        return fail(f"answers rejected ({messages}); expected errors on: {wanted}")
    if vector.expect_errors:
        wanted = ", ".join(vector.expect_errors)
        return fail(f"expected errors on {wanted}, but the answers were accepted")
    problems = [
        p for message, field in compare(result, vector.expect) for p in fail(message, field)
    ]
    other = vector.other
    if other is not None and ("change" in vector.expect or "couple" in vector.expect):
        try:
            earlier = score(instrument, vector_answers(instrument, other), other.facts)
            for message, field in compare_pair(instrument, earlier, result, vector.expect):
                problems += fail(message, field)
        except AssessmentError as error:
            problems += fail(f"the other answers cannot be compared: {error}", "other")
    return problems


def _problem(instrument: Instrument, vector: Vector, text: str, field: str | None) -> Problem:
    item = f"vector {vector.name}"
    return Problem(text, instrument.source, item=item, field=field, line=vector.line)


def _differs(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, (int, Decimal)) and not isinstance(wanted, bool):
        wanted = as_number(wanted)
    return bool(found != wanted)


def compare_pair(
    instrument: Instrument, other: Result, result: Result, expect: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """Differences from what a vector expects of the change from `other` to `result`, and of
    the two combined as a couple."""
    differences = []
    change = measure_change(instrument, other, result) if "change" in expect else None
    for scale_id, expected in (expect.get("change") or {}).items():
        found = next((c for c in change.scales if c.scale == scale_id), None) if change else None
        for key, wanted in (expected or {}).items() if found is not None else ():
            if _differs(getattr(found, key), wanted):
                text = f"change of {scale_id}: {key} is {getattr(found, key)}, expected {wanted}"
                differences.append((text, f"expect.change.{scale_id}.{key}"))
    wanted = expect.get("couple") or {}
    couple = combine(instrument, [other, result]) if "couple" in expect else None
    if couple and "level" in wanted and couple.level != wanted["level"]:
        text = f"couple level is {couple.level}, expected {wanted['level']}"
        differences.append((text, "expect.couple.level"))
    if couple and "flags" in wanted and sorted(couple.flag_codes) != sorted(wanted["flags"] or []):
        text = (
            f"couple flags are [{', '.join(sorted(couple.flag_codes))}], expected {wanted['flags']}"
        )
        differences.append((text, "expect.couple.flags"))
    return differences


def compare(result: Result, expect: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Differences between a result and a (partial) expectation, as (message, field) pairs."""
    differences: list[tuple[str, str]] = []
    for key in ("level", "band_level"):
        if key in expect and getattr(result, key) != expect[key]:
            text = f"{key} is {getattr(result, key)}, expected {expect[key]}"
            differences.append((text, f"expect.{key}"))
    rules = tuple(rule.rule for rule in result.rules)
    found = {"flags": result.flag_codes, "actions": result.action_codes, "rules": rules}
    for key, codes in (found | {"hidden": result.hidden, "discarded": result.discarded}).items():
        actual, listed = sorted(codes), sorted(expect.get(key) or [])
        if key in expect and actual != listed:
            text = f"{key} are [{', '.join(actual)}], expected [{', '.join(listed)}]"
            differences.append((text, f"expect.{key}"))
    scales = {scale.id: scale for scale in result.scales}
    for scale_id, expected in (expect.get("scales") or {}).items():
        if scale_id not in scales or not isinstance(expected, dict):
            continue
        for field, value in expected.items():
            found_value = getattr(scales[scale_id], field, None)
            wanted = as_number(value) if field in ("score", "raw") and value is not None else value
            if found_value != wanted:
                text = f"scale {scale_id} {field} is {found_value}, expected {wanted}"
                differences.append((text, f"expect.scales.{scale_id}.{field}"))
    return differences
