"""Check answers against a compiled plan, and hide the items whose condition does not hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import AnswerError, Problem
from .evaluation import Context
from .model import ItemKind
from .numbers import Number, as_number

if TYPE_CHECKING:
    from .evaluation import Test
    from .plan import ItemPlan, Plan

#: A run of consecutive conditional items with the same condition: the condition, the items,
#: their ids, the scores of those with a hidden value, and the ids of the others.
Group = tuple["Test", tuple["ItemPlan", ...], tuple[str, ...], dict[str, Number], frozenset[str]]


def sort_answers(
    plan: Plan, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Split answers into valid option codes (scored) and everything else (to check one by one)."""
    scored: dict[str, Any] = {}
    others: list[tuple[str, Any]] = []
    for item_id, answer in answers.items():
        lookup = plan.scored_of.get(item_id)
        value = lookup.get(answer) if lookup is not None and type(answer) is str else None
        if value is None:
            others.append((item_id, answer))
        else:
            scored[item_id] = value
    return scored, others


def check_other_answers(
    plan: Plan, answers: Mapping[str, Any], others: list[tuple[str, Any]], scored: dict[str, Number]
) -> tuple[dict[str, Any], list[Problem]]:
    """Check the answers that are not plain option codes; return the answers as conditions read
    them (numbers normalised) and one problem per invalid answer."""
    asked = dict(answers)
    problems = []
    for item_id, answer in others:
        item = plan.items_by_id.get(item_id)
        if item is None:
            problems.append(Problem(f"unknown item {item_id!r}", item=str(item_id), field="answer"))
        elif answer is None:
            continue
        elif item.choices is not None:
            problems.append(bad_choice(item, answer))
        elif item.kind == ItemKind.NUMBER:
            number, problem = read_number(item, answer)
            if problem is not None:
                problems.append(problem)
                continue
            assert number is not None
            asked[item_id] = number
            scored[item_id] = number if item.reverse_sum is None else item.reverse_sum - number
        elif not isinstance(answer, str):
            problems.append(Problem("expected free text (a string)", item=item_id, field="answer"))
    return asked, problems


def group_conditional(conditional: tuple[ItemPlan, ...]) -> tuple[Group, ...]:
    """Consecutive items with the same condition, evaluated once: the condition can only read
    items declared before the first of them, so hiding one of them cannot change it."""
    groups: list[tuple[Any, Test, list[ItemPlan]]] = []
    for plan in conditional:
        condition = plan.item.visible_when
        assert plan.visible is not None
        if groups and groups[-1][0] == condition:
            groups[-1][2].append(plan)
        else:
            groups.append((condition, plan.visible, [plan]))
    return tuple(
        (
            test,
            tuple(plans),
            tuple(plan.id for plan in plans),
            {plan.id: plan.hidden_value for plan in plans if plan.hidden_value is not None},
            frozenset(plan.id for plan in plans if plan.hidden_value is None),
        )
        for _, test, plans in groups
    )


def hide_items(
    plan: Plan, context: Context, scored: dict[str, Number]
) -> tuple[tuple[str, ...], tuple[str, ...], set[str]]:
    """Apply the conditions of conditional items, in order; drop answers to hidden items."""
    hidden: list[str] = []
    discarded: list[str] = []
    not_applicable: set[str] = set()
    problems = []
    for visible, items, ids, hidden_scores, inapplicable in plan.conditional_groups:
        if visible(context):
            continue
        hidden += ids
        answers = context.answers
        if answers.keys().isdisjoint(ids):
            # Not even a None among the answers: nothing to discard or refuse.
            items = ()
        for item in items:
            item_id = item.id
            if answers.get(item_id) is not None:
                if item.reject_hidden:
                    problems.append(
                        Problem(
                            "this item is not asked given the other answers; leave it unanswered",
                            item=item_id,
                            field="answer",
                        )
                    )
                discarded.append(item_id)
                answers = context.answers = {k: v for k, v in answers.items() if k != item_id}
                scored.pop(item_id, None)
        if hidden_scores:
            scored.update(hidden_scores)
        if inapplicable:
            not_applicable |= inapplicable
    if problems:
        raise AnswerError(problems)
    return tuple(hidden), tuple(discarded), not_applicable


def read_number(item: ItemPlan, answer: Any) -> tuple[Number | None, Problem | None]:
    number = as_number(answer)
    if number is None:
        return None, Problem(f"expected a number, got {answer!r}", item=item.id, field="answer")
    if item.integer and not isinstance(number, int):
        return None, Problem(
            f"expected a whole number, got {answer!r}", item=item.id, field="answer"
        )
    if (item.minimum is not None and number < item.minimum) or (
        item.maximum is not None and number > item.maximum
    ):
        return None, Problem(
            f"{number} is out of range {item.minimum}..{item.maximum}", item=item.id, field="answer"
        )
    return number, None


def bad_choice(item: ItemPlan, answer: Any) -> Problem:
    assert item.choices is not None
    expected = ", ".join(item.choices)
    return Problem(
        f"unknown option code {answer!r}; expected one of: {expected}", item=item.id, field="answer"
    )
