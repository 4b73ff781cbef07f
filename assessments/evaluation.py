"""Turn condition nodes into fast closures, and explain why a condition held."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .conditions import (
    AllOf,
    AnyOf,
    Condition,
    FactTest,
    ItemTest,
    Not,
    PositiveCount,
    ResultTest,
    ScaleTest,
    compare,
)

if TYPE_CHECKING:
    from .result import Result, ScaleResult


@dataclass(slots=True)
class Context:
    """What conditions read: answers (raw answer and declared value), facts, scales, results."""

    answers: Mapping[str, Any]
    values: Mapping[str, Any]
    positive: set[str] | frozenset[str]
    facts: Mapping[str, Any]
    scales: Mapping[str, ScaleResult] = field(default_factory=dict)
    results: Sequence[Result] = ()


Test = Callable[[Context], bool]


def compile_condition(condition: Condition) -> Test:
    if isinstance(condition, AllOf):
        parts = tuple(compile_condition(part) for part in condition.parts)
        return lambda context: all(part(context) for part in parts)
    if isinstance(condition, AnyOf):
        parts = tuple(compile_condition(part) for part in condition.parts)
        return lambda context: any(part(context) for part in parts)
    if isinstance(condition, Not):
        inner = compile_condition(condition.part)
        return lambda context: not inner(context)
    if isinstance(condition, ItemTest):
        return _item_test(condition)
    if isinstance(condition, FactTest):
        return _fact_test(condition)
    if isinstance(condition, ScaleTest):
        return _scale_test(condition)
    if isinstance(condition, PositiveCount):
        return _positive_count(condition)
    return _result_test(condition)


def _item_test(test: ItemTest) -> Test:
    item, op, operand = test.item, test.op, test.operand
    if op == "answered":
        return lambda context: (item in context.answers) == operand
    if op == "positive":
        return lambda context: item in context.answers and (item in context.positive) == operand
    if op in ("in", "equals"):
        accepted = frozenset(operand if op == "in" else (operand,))
        return lambda context: context.answers.get(item, _ABSENT) in accepted
    if op == "not_in":
        refused = frozenset(operand)
        return lambda context: item in context.answers and context.answers[item] not in refused

    def comparison(context: Context) -> bool:
        value = context.values.get(item)
        return value is not None and compare(op, value, operand)

    return comparison


class _Absent:
    """A marker no answer can equal."""


_ABSENT = _Absent()


def _fact_test(test: FactTest) -> Test:
    name, op, operand = test.fact, test.op, test.operand
    if op == "present":
        return lambda context: (context.facts.get(name) is not None) == operand
    if op in ("in", "equals"):
        accepted = tuple(operand if op == "in" else (operand,))
        return lambda context: _member(context.facts.get(name), accepted)
    if op == "not_in":
        refused = tuple(operand)
        return lambda context: (
            context.facts.get(name) is not None and not _member(context.facts.get(name), refused)
        )

    def comparison(context: Context) -> bool:
        value = context.facts.get(name)
        return value is not None and not isinstance(value, bool) and compare(op, value, operand)

    return comparison


def _member(value: Any, accepted: tuple[Any, ...]) -> bool:
    # `True in (1,)` is true in Python; a boolean fact must match a boolean exactly.
    if value is None:
        return False
    return any(value == candidate and type(value) is type(candidate) for candidate in accepted) or (
        not isinstance(value, bool)
        and any(value == candidate for candidate in accepted if not isinstance(candidate, bool))
    )


def _scale_test(test: ScaleTest) -> Test:
    scale, op, operand = test.scale, test.op, test.operand
    if op == "band_in":
        bands = frozenset(operand)
        return lambda context: context.scales[scale].band in bands
    if op == "status_in":
        statuses = frozenset(operand)
        return lambda context: context.scales[scale].status in statuses

    def comparison(context: Context) -> bool:
        score = context.scales[scale].score
        return score is not None and compare(op, score, operand)

    return comparison


def _positive_count(test: PositiveCount) -> Test:
    items, op, count = test.items, test.op, test.count
    return lambda context: compare(op, sum(1 for item in items if item in context.positive), count)


def _result_test(test: ResultTest) -> Test:
    instrument, op, operand, scale = test.instrument, test.op, test.operand, test.scale

    def matches(result: Result) -> bool:
        if instrument is not None and result.instrument_id != instrument:
            return False
        if op == "level_in":
            return result.level in operand
        if op == "flag":
            return any(flag.code == operand for flag in result.flags)
        if op == "action":
            return any(action.code == operand for action in result.mandatory_actions)
        if op == "tag_positive":
            return bool(result.positive_tags.get(operand))
        scale_result = result.scales_by_id().get(scale or "")
        return scale_result is not None and scale_result.band in operand

    return lambda context: any(matches(result) for result in context.results)


def explain(condition: Condition, context: Context) -> str:
    """Say which facts made a (true) condition hold, for the explanation trace."""
    if isinstance(condition, AnyOf):
        held = [part for part in condition.parts if compile_condition(part)(context)]
        return " or ".join(explain(part, context) for part in held) or condition.describe()
    if isinstance(condition, AllOf):
        return " and ".join(explain(part, context) for part in condition.parts)
    if isinstance(condition, ItemTest):
        answer = context.answers.get(condition.item)
        return f"{condition.describe()} (answer: {'none' if answer is None else answer})"
    if isinstance(condition, FactTest):
        return f"{condition.describe()} (fact: {context.facts.get(condition.fact)})"
    if isinstance(condition, ScaleTest):
        scale = context.scales[condition.scale]
        return f"{condition.describe()} (score {scale.score}, band {scale.band}, {scale.status})"
    if isinstance(condition, PositiveCount):
        positive = [item for item in condition.items if item in context.positive]
        return f"{condition.describe()} (positive: {', '.join(positive) or 'none'})"
    if isinstance(condition, ResultTest):
        test = _result_test(condition)
        found = [
            _result_evidence(condition, result)
            for result in context.results
            if test(Context({}, {}, frozenset(), {}, results=(result,)))
        ]
        return f"{condition.describe()} ({'; '.join(found) or 'no result'})"
    return condition.describe()


def _result_evidence(test: ResultTest, result: Result) -> str:
    where = f"{result.instrument_id} {result.instrument_version}"
    if test.op == "tag_positive":
        return f"{where}: {', '.join(result.positive_tags.get(test.operand, ()))}"
    if test.op == "band_in":
        return f"{where}: {test.scale} band {result.scales_by_id()[test.scale or ''].band}"
    if test.op == "level_in":
        return f"{where}: level {result.level}"
    return f"{where}: {test.op} {test.operand}"
