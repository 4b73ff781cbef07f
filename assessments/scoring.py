"""Score answers with a compiled plan: check answers, apply visibility, scales, bands and rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import AnswerError, Problem
from .evaluation import Context, explain
from .facts import fact_problems
from .model import Band, ItemKind, Method
from .numbers import Number, as_number, divide, multiply, round_to
from .result import (
    COMPLETE,
    MISSING,
    NOT_APPLICABLE,
    PARTIAL,
    PRORATED,
    Because,
    FiredRule,
    Outcome,
    Result,
    ScaleResult,
)

if TYPE_CHECKING:
    from .plan import ItemPlan, Plan, ScalePlan

_NO_NA: tuple[str, ...] = ()


def score_plan(plan: Plan, answers: Mapping[str, Any], facts: Mapping[str, Any]) -> Result:
    if not isinstance(answers, Mapping):
        raise AnswerError(
            [Problem("answers must be a mapping of item id to answer", field="answers")]
        )
    if not isinstance(facts, Mapping):
        raise AnswerError([Problem("facts must be a mapping of fact name to value", field="facts")])
    codes: dict[str, Any] = {}
    values: dict[str, Number] = {}
    scored: dict[str, Number] = {}
    positive: set[str] = set()
    problems: list[Problem] = []
    items_by_id = plan.items_by_id
    for item_id, answer in answers.items():
        item = items_by_id.get(item_id)
        if item is None:
            problems.append(Problem(f"unknown item {item_id!r}", item=str(item_id), field="answer"))
            continue
        if answer is None:
            continue
        choices = item.choices
        if choices is not None:
            choice = choices.get(answer) if type(answer) is str else None
            if choice is None:
                problems.append(_bad_choice(item, answer))
                continue
            codes[item_id] = answer
            values[item_id] = choice[0]
            scored[item_id] = choice[1]
            if choice[2]:
                positive.add(item_id)
        elif item.kind == ItemKind.NUMBER:
            number, problem = read_number(item, answer)
            if problem is not None:
                problems.append(problem)
                continue
            assert number is not None
            codes[item_id] = values[item_id] = number
            scored[item_id] = number if item.reverse_sum is None else item.reverse_sum - number
            if item.positive_min is not None and number >= item.positive_min:
                positive.add(item_id)
        elif isinstance(answer, str):
            codes[item_id] = answer
        else:
            problems.append(Problem("expected free text (a string)", item=item_id, field="answer"))
    if plan.fact_specs:
        problems.extend(fact_problems(plan.fact_specs, facts))
    if problems:
        raise AnswerError(problems)

    context = Context(codes, values, positive, facts)
    hidden: list[str] = []
    discarded: list[str] = []
    not_applicable: set[str] = set()
    if plan.conditional:
        for item in plan.conditional:
            assert item.visible is not None
            if item.visible(context):
                continue
            item_id = item.id
            hidden.append(item_id)
            if item_id in codes:
                if item.reject_hidden:
                    problems.append(
                        Problem(
                            "this item is not asked given the other answers; leave it unanswered",
                            item=item_id,
                            field="answer",
                        )
                    )
                discarded.append(item_id)
                del codes[item_id]
                values.pop(item_id, None)
                scored.pop(item_id, None)
                positive.discard(item_id)
            if item.hidden_value is not None:
                scored[item_id] = item.hidden_value
            else:
                not_applicable.add(item_id)
        if problems:
            raise AnswerError(problems)

    results: dict[str, ScaleResult] = {}
    for scale in plan.scales:
        results[scale.id] = _score_scale(scale, scored, results, not_applicable, facts, context)
    context.scales = results
    return _conclude(plan, results, context, tuple(hidden), tuple(discarded))


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


def _bad_choice(item: ItemPlan, answer: Any) -> Problem:
    assert item.choices is not None
    expected = ", ".join(item.choices)
    return Problem(
        f"unknown option code {answer!r}; expected one of: {expected}", item=item.id, field="answer"
    )


def _score_scale(
    scale: ScalePlan,
    scored: Mapping[str, Number],
    results: Mapping[str, ScaleResult],
    not_applicable: set[str],
    facts: Mapping[str, Any],
    context: Context,
) -> ScaleResult:
    components = scale.components
    if scale.exact_sum:
        try:
            exact_values = tuple([scored[component] for component in components])
        except KeyError:
            pass
        else:
            total = sum(exact_values)
            band = (
                scale.band_of.get(total)
                if scale.band_of is not None
                else _band(scale, total, context)
            )
            return ScaleResult(
                scale.id,
                total,
                total,
                COMPLETE,
                *_band_fields(band),
                components,
                exact_values,
                _NO_NA,
                scale.describe,
            )
    if scale.from_scales:
        parts = [results[component] for component in components]
        if any(part.status == MISSING for part in parts):
            found: list[Number | None] = [part.score for part in parts]
            return _missing(scale, components, tuple(found), ())
        na = tuple(part.id for part in parts if part.status == NOT_APPLICABLE)
        found = [part.score for part in parts]
    else:
        na = tuple(component for component in components if component in not_applicable) or _NO_NA
        found = [scored.get(component) for component in components]
    weights = scale.weights or (1,) * len(components)
    total_weight: Number = 0
    answered_weight: Number = 0
    raw: Number = 0
    missing = 0
    for component, value, weight in zip(components, found, weights, strict=True):
        if value is None:
            if component not in na:
                missing += 1
                total_weight += weight
            continue
        raw += value if weight == 1 else multiply(value, weight)
        total_weight += weight
        answered_weight += weight
    item_values = tuple(found)
    if answered_weight == 0 and missing == 0:
        return ScaleResult(
            scale.id,
            None,
            None,
            NOT_APPLICABLE,
            None,
            None,
            None,
            components,
            item_values,
            na,
            scale.describe,
        )
    if missing > scale.max_missing or answered_weight == 0:
        return _missing(scale, components, item_values, na)
    status = COMPLETE
    value = raw
    if scale.method == Method.MEAN:
        value = divide(raw, answered_weight)
        if missing:
            status = PRORATED if scale.prorate else PARTIAL
    elif missing:
        if scale.prorate:
            value = divide(multiply(raw, total_weight), answered_weight)
            status = PRORATED
        else:
            status = PARTIAL
    if scale.method == Method.SCALED_SUM:
        value = multiply(value, scale.factor)
    final = round_to(value, scale.decimals, scale.rounding)
    band = _band(scale, final, context)
    return ScaleResult(
        scale.id,
        raw,
        final,
        status,
        *_band_fields(band),
        components,
        item_values,
        na,
        scale.describe,
    )


def _missing(
    scale: ScalePlan,
    components: tuple[str, ...],
    found: tuple[Number | None, ...],
    na: tuple[str, ...],
) -> ScaleResult:
    return ScaleResult(
        scale.id, None, None, MISSING, None, None, None, components, found, na, scale.describe
    )


def _band(scale: ScalePlan, score: Number, context: Context) -> Band | None:
    bands = scale.bands
    if bands is None:
        for test, candidate in scale.band_sets:
            if test is None or test(context):
                bands = candidate
                break
        else:
            return None
    for band in bands:
        if band.minimum <= score <= band.maximum:
            return band
    return None


def _band_fields(band: Band | None) -> tuple[Any, Any, Any]:
    if band is None:
        return None, None, None
    return band.code, band.label, (band.minimum, band.maximum)


def _conclude(
    plan: Plan,
    scales: dict[str, ScaleResult],
    context: Context,
    hidden: tuple[str, ...],
    discarded: tuple[str, ...],
) -> Result:
    band_level = None
    if plan.level_scale is not None:
        level_band = scales[plan.level_scale].band
        band_level = plan.band_level.get(level_band) if level_band is not None else None
    level = band_level
    rank = plan.level_rank
    fired: list[FiredRule] = []
    flags: dict[str, list[Because]] = {}
    actions: dict[str, list[Because]] = {}
    forced: str | None = None
    for rule, test in plan.rules:
        if not test(context):
            continue
        evidence = explain(rule.when, context)
        because = Because(rule.id, rule.reason, evidence)
        effects = []
        if rule.set_level is not None:
            effects.append(f"sets level to {rule.set_level}")
            if forced is None or rank[rule.set_level] > rank[forced]:
                forced = rule.set_level
        if rule.raise_level is not None:
            effects.append(f"raises level to at least {rule.raise_level}")
            if level is None or rank[rule.raise_level] > rank[level]:
                level = rule.raise_level
        for flag in rule.flags:
            effects.append(f"raises flag {flag}")
            flags.setdefault(flag, []).append(because)
        for action in rule.actions:
            effects.append(f"requires action {action}")
            actions.setdefault(action, []).append(because)
        fired.append(FiredRule(rule.id, tuple(effects), rule.reason, evidence))
    if forced is not None:
        level = forced
    positive = context.positive
    positive_tags = {}
    for tag, tagged in plan.tags.items():
        found = tuple([item for item in tagged if item in positive])
        if found:
            positive_tags[tag] = found
    by_id = plan.flags_by_code
    by_action = plan.actions_by_code
    return Result(
        instrument_id=plan.instrument.id,
        instrument_version=plan.instrument.version,
        level=level,
        level_label=plan.levels_by_code[level].label if level is not None else None,
        band_level=band_level,
        scales=tuple([scales[scale_id] for scale_id in plan.declared_order]),
        flags=tuple(
            [
                Outcome(code, by_id[code].label, tuple(reasons))
                for code, reasons in sorted(flags.items())
            ]
        ),
        mandatory_actions=tuple(
            [Outcome(code, by_action[code].label, tuple(r)) for code, r in sorted(actions.items())]
        ),
        rules=tuple(fired),
        positive_tags=positive_tags,
        hidden=hidden,
        discarded=discarded,
    )
