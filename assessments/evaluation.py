"""Turn condition nodes into fast closures, and explain why a condition held.

Item tests are compiled with what the instrument declares about each item (option values, which
answers are positive), so at scoring time a test reads only the answer itself.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
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
)
from .numbers import Number

if TYPE_CHECKING:
    from .result import Result, ScaleResult


@dataclass(slots=True)
class Context:
    """What conditions read: the valid answers of the items asked, facts, scales, results.

    `answers` maps item id -> option code (choice items), number, text, or None (unanswered).
    """

    answers: Mapping[str, Any]
    facts: Mapping[str, Any]
    scales: Mapping[str, ScaleResult] = field(default_factory=dict)
    results: Sequence[Result] = ()
    #: The items answered positively, once known (scoring computes it before the rules run);
    #: None means tests work it out from the answers.
    positive: set[str] | None = None


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What a condition needs to know about an item when it is compiled."""

    #: Choice items: option code -> declared value; None for number and text items.
    values: Mapping[str, Number] | None = None
    #: Choice items: the option codes that count as positive.
    positive: frozenset[str] = frozenset()
    #: Number items: the smallest positive value (None: never positive).
    positive_min: Number | None = None

    def is_positive(self, answer: Any) -> bool:
        if self.values is not None:
            return answer in self.positive
        return self.positive_min is not None and answer is not None and answer >= self.positive_min

    def value(self, answer: Any) -> Number | None:
        if self.values is not None:
            return self.values.get(answer)
        if isinstance(answer, bool) or not isinstance(answer, (int, Decimal)):
            return None
        return answer


Test = Callable[[Context], bool]
Items = Mapping[str, ItemFacts]
_NO_ITEMS: dict[str, ItemFacts] = {}

#: The operator of each comparison, as `conditions.compare` applies it (anything else: equality).
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": operator.ge,
    "at_most": operator.le,
    "greater_than": operator.gt,
    "more_than": operator.gt,
    "less_than": operator.lt,
}


def _operator(op: str) -> Callable[[Any, Any], bool]:
    """`compare(op, ...)` with the choice of operator made once, when compiling."""
    return _OPERATORS.get(op, operator.eq)


def compile_condition(condition: Condition, items: Items = _NO_ITEMS) -> Test:
    if isinstance(condition, AllOf):
        parts = tuple(compile_condition(part, items) for part in condition.parts)

        def all_of(context: Context) -> bool:
            # A plain loop: all() over a generator costs a generator per evaluation.
            for part in parts:  # noqa: SIM110
                if not part(context):
                    return False
            return True

        return all_of
    if isinstance(condition, AnyOf):
        parts = tuple(compile_condition(part, items) for part in condition.parts)

        def any_of(context: Context) -> bool:
            for part in parts:  # noqa: SIM110
                if part(context):
                    return True
            return False

        return any_of
    if isinstance(condition, Not):
        inner = compile_condition(condition.part, items)
        return lambda context: not inner(context)
    if isinstance(condition, ItemTest):
        return _item_test(condition, items.get(condition.item, ItemFacts()))
    if isinstance(condition, FactTest):
        return _fact_test(condition)
    if isinstance(condition, ScaleTest):
        return _scale_test(condition)
    if isinstance(condition, PositiveCount):
        return _positive_count(condition, items)
    return _result_test(condition)


def _item_test(test: ItemTest, facts: ItemFacts) -> Test:
    item, op, operand = test.item, test.op, test.operand
    if op == "answered":
        return lambda context: (context.answers.get(item) is not None) == operand
    if op == "positive":

        def positive(context: Context) -> bool:
            answer = context.answers.get(item)
            if answer is None:
                return False
            if context.positive is not None:
                return (item in context.positive) == operand
            return facts.is_positive(answer) == operand

        return positive
    if op in ("in", "equals"):
        accepted = frozenset(operand if op == "in" else (operand,))
        return lambda context: context.answers.get(item) in accepted
    if op == "not_in":
        refused = frozenset(operand)

        def not_in(context: Context) -> bool:
            answer = context.answers.get(item)
            return answer is not None and answer not in refused

        return not_in

    holds = _operator(op)
    values = facts.values
    if values is not None:

        def choice_comparison(context: Context) -> bool:
            answer: Any = context.answers.get(item)
            value = values.get(answer)
            return value is not None and holds(value, operand)

        return choice_comparison
    value_of = facts.value

    def comparison(context: Context) -> bool:
        value = value_of(context.answers.get(item))
        return value is not None and holds(value, operand)

    return comparison


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

    holds = _operator(op)

    def comparison(context: Context) -> bool:
        value = context.facts.get(name)
        return value is not None and not isinstance(value, bool) and holds(value, operand)

    return comparison


def _member(value: Any, accepted: tuple[Any, ...]) -> bool:
    """`value in accepted`, except that a boolean only matches a boolean (in Python True == 1)."""
    if value is None:
        return False
    return any(
        value == candidate and isinstance(value, bool) == isinstance(candidate, bool)
        for candidate in accepted
    )


def _scale_test(test: ScaleTest) -> Test:
    scale, op, operand = test.scale, test.op, test.operand
    if op == "band_in":
        bands = frozenset(operand)
        return lambda context: context.scales[scale].band in bands
    if op == "status_in":
        statuses = frozenset(operand)
        return lambda context: context.scales[scale].status in statuses

    holds = _operator(op)

    def comparison(context: Context) -> bool:
        score = context.scales[scale].score
        return score is not None and holds(score, operand)

    return comparison


def _positive_count(test: PositiveCount, items: Items) -> Test:
    op, count = test.op, test.count
    choices = tuple(
        (item, items[item].positive) for item in test.items if items[item].values is not None
    )
    numbers = tuple((item, items[item]) for item in test.items if items[item].values is None)

    among = frozenset(test.items)
    holds = _operator(op)

    def positive_count(context: Context) -> bool:
        positive = context.positive
        if positive is not None:
            return holds(len(among & positive), count)
        answers = context.answers
        found = len([item for item, codes in choices if answers.get(item) in codes])
        if numbers:
            found += len([item for item, facts in numbers if facts.is_positive(answers.get(item))])
        return holds(found, count)

    if (op, count) in (("at_least", 1), ("more_than", 0)):
        # "Any of them": no need to count.

        def any_positive(context: Context) -> bool:
            positive = context.positive
            if positive is not None:
                return not among.isdisjoint(positive)
            return positive_count(context)

        return any_positive
    return positive_count


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


Explainer = Callable[[Context], str]


def compile_explainer(condition: Condition, items: Items = _NO_ITEMS) -> Explainer:
    """A function saying which answers, facts or scores made a (true) condition hold."""
    described = condition.describe()
    if isinstance(condition, AnyOf):
        parts = tuple(
            (compile_condition(part, items), compile_explainer(part, items))
            for part in condition.parts
        )
        return lambda context: (
            " or ".join(explain(context) for test, explain in parts if test(context)) or described
        )
    if isinstance(condition, AllOf):
        explainers = tuple(compile_explainer(part, items) for part in condition.parts)
        return lambda context: " and ".join(explain(context) for explain in explainers)
    if isinstance(condition, ItemTest):
        item = condition.item
        return lambda context: f"{described} (answer: {context.answers.get(item, 'none')})"
    if isinstance(condition, FactTest):
        fact = condition.fact
        return lambda context: f"{described} (fact: {context.facts.get(fact)})"
    if isinstance(condition, ScaleTest):
        scale = condition.scale

        def scale_evidence(context: Context) -> str:
            found = context.scales[scale]
            return f"{described} (score {found.score}, band {found.band}, {found.status})"

        return scale_evidence
    if isinstance(condition, PositiveCount):
        counted = tuple((item, items[item]) for item in condition.items)
        among = condition.items

        def count_evidence(context: Context) -> str:
            known = context.positive
            if known is not None:
                # Scoring has worked out which items are positive, these among them.
                positive = ", ".join(filter(known.__contains__, among))
            else:
                answers = context.answers
                positive = ", ".join(
                    [item for item, facts in counted if facts.is_positive(answers.get(item))]
                )
            return f"{described} (positive: {positive or 'none'})"

        return count_evidence
    if isinstance(condition, ResultTest):
        test = _result_test(condition)

        def result_evidence(context: Context) -> str:
            found = [
                _result_evidence(condition, result)
                for result in context.results
                if test(Context({}, {}, results=(result,)))
            ]
            return f"{described} ({'; '.join(found) or 'no result'})"

        return result_evidence
    return lambda context: described


def _result_evidence(test: ResultTest, result: Result) -> str:
    where = f"{result.instrument_id} {result.instrument_version}"
    if test.op == "tag_positive":
        return f"{where}: {', '.join(result.positive_tags.get(test.operand, ()))}"
    if test.op == "band_in":
        return f"{where}: {test.scale} band {result.scales_by_id()[test.scale or ''].band}"
    if test.op == "level_in":
        return f"{where}: level {result.level}"
    return f"{where}: {test.op} {test.operand}"
