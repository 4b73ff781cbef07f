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

EXPECT_FIELDS = (
    "level", "band_level", "scales", "flags", "actions", "rules", "hidden", "discarded", "change",
    "couple",
)  # fmt: skip
SCALE_EXPECT_FIELDS = ("score", "raw", "band", "status", "reason")
CHANGE_FIELDS = (
    "difference",
    "rci",
    "status",
    "crossed_cutoff",
    "clinical_before",
    "clinical_after",
)


def read_vectors(root: Reader) -> tuple[Vector, ...]:
    vectors: list[Vector] = []
    for reader in root.each("vectors", name="name", prefix="vector "):
        if not reader.valid:
            continue
        reader.only(["name", "answers", "facts", "expect", "expect_errors", "fill", "other"])
        name = reader.string("name")
        other = None
        if reader.has("other"):
            # The earlier result (for `change`) or the other partner's (for `couple`).
            entry = reader.child("other")
            entry.only(["answers", "facts", "fill"])
            given, facts, fill = _given(entry)
            other = Vector(f"{name} (other)", given, facts, {}, fill=fill, line=entry.line)
        answers, facts, fill = _given(reader)
        expect: dict[str, Any] = {}
        if reader.has("expect"):
            expect_reader = reader.child("expect")
            expect_reader.only(EXPECT_FIELDS)
            for key, allowed in (("scales", SCALE_EXPECT_FIELDS), ("change", CHANGE_FIELDS)):
                nested = expect_reader.child(key) if expect_reader.has(key) else None
                for scale_id in nested.data if nested is not None else ():
                    nested.child(str(scale_id)).only(allowed)  # type: ignore[union-attr]
            for key in ("flags", "actions", "rules", "hidden", "discarded"):
                expect_reader.sequence(key, required=False)
            if expect_reader.has("couple"):
                expect_reader.child("couple").only(["level", "flags"])
            if (expect_reader.has("change") or expect_reader.has("couple")) and other is None:
                reader.report("expecting change or couple results needs 'other' answers")
            expect = dict(expect_reader.data)
        errors = tuple(reader.codes("expect_errors", required=False) or ())
        if not expect and not errors:
            reader.report("a vector needs 'expect' or 'expect_errors'")
        if name is not None:
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
            listed = [expected] if key == "level" else expected
            if not isinstance(listed, (list, dict)):
                listed = [listed]  # reported below as an unknown name
            for name in listed:
                if not isinstance(name, str) or name not in names:
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
        rejected = sorted({problem.item or "answers" for problem in error.problems})
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
    if vector.other is not None and ("change" in vector.expect or "couple" in vector.expect):
        other = vector.other
        try:
            earlier = score(instrument, vector_answers(instrument, other), other.facts)
            for message, field in compare_pair(instrument, earlier, result, vector.expect):
                fail(message, field)
        except AssessmentError as error:
            fail(f"the other answers cannot be compared: {error}", "other")
    return problems


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
            actual = getattr(found, key)
            if isinstance(wanted, (int, Decimal)) and not isinstance(wanted, bool):
                wanted = as_number(wanted)
            if actual != wanted:
                where = f"expect.change.{scale_id}.{key}"
                differences.append(
                    (f"change of {scale_id}: {key} is {actual}, expected {wanted}", where)
                )
    if "couple" in expect:
        couple = combine(instrument, [other, result])
        wanted = expect["couple"] or {}
        if "level" in wanted and couple.level != wanted["level"]:
            differences.append(
                (
                    f"couple level is {couple.level}, expected {wanted['level']}",
                    "expect.couple.level",
                )
            )
        if "flags" in wanted and sorted(couple.flag_codes) != sorted(wanted["flags"] or []):
            found_flags = ", ".join(sorted(couple.flag_codes))
            differences.append(
                (
                    f"couple flags are [{found_flags}], expected {wanted['flags']}",
                    "expect.couple.flags",
                )
            )
    return differences


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
