"""Embedded test vectors: read them from an instrument file and check them against the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import AnswerError, Problem
from .fields import Reader
from .model import Instrument, Item, Vector
from .numbers import as_number
from .result import Result
from .scoring import score

EXPECT_FIELDS = (
    "level",
    "band_level",
    "scales",
    "flags",
    "actions",
    "rules",
    "hidden",
    "discarded",
)
SCALE_EXPECT_FIELDS = ("score", "raw", "band", "status", "reason")


def read_vectors(root: Reader) -> tuple[Vector, ...]:
    vectors: list[Vector] = []
    for reader in root.each("vectors", name="name", prefix="vector "):
        if not reader.valid:
            continue
        reader.only(["name", "answers", "facts", "expect", "expect_errors", "fill"])
        name = reader.string("name")
        fill = reader.choice("fill", ("lowest", "highest"), default="none")
        answers = reader.child("answers").data if reader.has("answers") else {}
        facts = reader.child("facts").data if reader.has("facts") else {}
        expect: dict[str, Any] = {}
        if reader.has("expect"):
            expect_reader = reader.child("expect")
            expect_reader.only(EXPECT_FIELDS)
            if expect_reader.has("scales"):
                scales_reader = expect_reader.child("scales")
                for scale_id in scales_reader.data:
                    scales_reader.child(str(scale_id)).only(SCALE_EXPECT_FIELDS)
            expect = dict(expect_reader.data)
        errors = tuple(reader.codes("expect_errors", required=False) or ())
        if not expect and not errors:
            reader.report("a vector needs 'expect' or 'expect_errors'")
        if name is not None:
            vectors.append(
                Vector(
                    name,
                    answers,
                    facts,
                    expect,
                    errors,
                    None if fill == "none" else fill,
                    reader.line,
                )
            )
    return tuple(vectors)


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
            listed = [expected] if key == "level" else list(expected)
            for name in listed:
                if name not in names:
                    problems.append(
                        Problem(
                            f"expects unknown {key.rstrip('s')} {name!r}",
                            file=instrument.source,
                            item=f"vector {vector.name}",
                            field=f"expect.{key}",
                            line=vector.line,
                        )
                    )


def vector_answers(instrument: Instrument, vector: Vector) -> dict[str, Any]:
    """The answers of a vector, with unlisted items filled as it asks (visible items only)."""
    answers: dict[str, Any] = dict(vector.answers)
    if vector.fill is None:
        return answers
    filled = {}
    for item in instrument.items:
        if item.id not in answers:
            answer = _fill(item, highest=vector.fill == "highest")
            if answer is not None:
                filled[item.id] = answer
    combined = {**filled, **answers}
    visible = {item.id for item in instrument.visible_items(combined, vector.facts)}
    return {key: value for key, value in combined.items() if key in answers or key in visible}


def _fill(item: Item, *, highest: bool) -> Any:
    if item.options:
        low, high = item.value_range() or (0, 0)

        def scored(value: Any) -> Any:
            return low + high - value if item.reverse else value

        pick = max if highest else min
        return pick(item.options, key=lambda option: scored(option.value)).code
    if item.minimum is not None and item.maximum is not None:
        return item.maximum if highest != item.reverse else item.minimum
    return None


def run_vectors(instrument: Instrument) -> list[Problem]:
    """Score every vector of the instrument; one problem per difference from the expectation."""
    problems: list[Problem] = []
    for vector in instrument.vectors:
        problems += check_vector(instrument, vector)
    return problems


def check_vector(instrument: Instrument, vector: Vector) -> list[Problem]:
    """Score one vector; one problem per difference from what it expects."""
    problems: list[Problem] = []

    def fail(message: str, field: str | None = None) -> None:
        problems.append(
            Problem(
                message,
                file=instrument.source,
                item=f"vector {vector.name}",
                field=field,
                line=vector.line,
            )
        )

    try:
        result = score(instrument, vector_answers(instrument, vector), vector.facts)
    except AnswerError as error:
        rejected = sorted({problem.item or "" for problem in error.problems})
        if sorted(vector.expect_errors) != rejected:
            wanted = ", ".join(vector.expect_errors) or "none"
            messages = "; ".join(str(problem) for problem in error.problems)
            fail(f"answers rejected ({messages}); expected errors on: {wanted}")
        return problems
    if vector.expect_errors:
        wanted = ", ".join(vector.expect_errors)
        fail(f"expected errors on {wanted}, but the answers were accepted")
        return problems
    for message, field in compare(result, vector.expect):
        fail(message, field)
    return problems


def compare(result: Result, expect: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Differences between a result and a (partial) expectation, as (message, field) pairs."""
    differences: list[tuple[str, str]] = []
    for key in ("level", "band_level"):
        if key in expect and getattr(result, key) != expect[key]:
            differences.append(
                (f"{key} is {getattr(result, key)}, expected {expect[key]}", f"expect.{key}")
            )
    sets = {
        "flags": result.flag_codes,
        "actions": result.action_codes,
        "rules": tuple(rule.rule for rule in result.rules),
        "hidden": result.hidden,
        "discarded": result.discarded,
    }
    for key, actual in sets.items():
        if key in expect and sorted(actual) != sorted(expect[key] or []):
            differences.append(
                (
                    f"{key} are [{', '.join(sorted(actual))}], expected "
                    f"[{', '.join(sorted(expect[key] or []))}]",
                    f"expect.{key}",
                )
            )
    scales = result.scales_by_id()
    for scale_id, expected in (expect.get("scales") or {}).items():
        actual_scale = scales.get(scale_id)
        if actual_scale is None or not isinstance(expected, dict):
            continue
        for field, wanted in expected.items():
            found = getattr(actual_scale, field, None)
            if field in ("score", "raw") and wanted is not None:
                wanted = as_number(wanted)
            if found != wanted:
                differences.append(
                    (
                        f"scale {scale_id} {field} is {found}, expected {wanted}",
                        f"expect.scales.{scale_id}.{field}",
                    )
                )
    return differences
