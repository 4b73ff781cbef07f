"""Score answers with a compiled plan: check answers, apply visibility, scales, bands and rules.

The common case (every answer a valid option code) costs one dictionary lookup per answer; the
caller's answers dict is read, never copied, unless a number must be normalised or an answer to
a hidden item discarded.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import mul
from typing import TYPE_CHECKING, Any

from .answers import check_other_answers, hide_items, sort_answers
from .errors import AnswerError, Problem
from .evaluation import Context
from .facts import fact_problems
from .model import Band, Method
from .numbers import Number, divide, multiply, round_to
from .result import (
    COMPLETE,
    MISSING,
    NOT_APPLICABLE,
    PARTIAL,
    PRORATED,
    FiredRule,
    Outcome,
    Result,
    ScaleResult,
)

if TYPE_CHECKING:
    from .plan import Plan, ScalePlan

_NONE: tuple[str, ...] = ()
_NO_ITEMS: frozenset[str] = frozenset()
#: Builds a named tuple from a tuple of its fields without the Python-level `__new__` of
#: NamedTuple (which only passes its arguments on to this).
_new = tuple.__new__


def score_plan(plan: Plan, answers: Mapping[str, Any], facts: Mapping[str, Any]) -> Result:
    # (`type(...) is dict` first: a plain dict needs no abstract-base-class check.)
    if type(answers) is not dict and not isinstance(answers, Mapping):
        raise AnswerError(
            [Problem("answers must be a mapping of item id to answer", field="answers")]
        )
    if type(facts) is not dict and not isinstance(facts, Mapping):
        raise AnswerError([Problem("facts must be a mapping of fact name to value", field="facts")])
    asked: Mapping[str, Any] = answers
    problems: list[Problem] = []
    lookup = plan.answer_lookup
    try:
        # The common case: every answer is an option code (or free text); one lookup each.
        scored: dict[str, Any] = {item: lookup[item][answer] for item, answer in answers.items()}
    except (KeyError, TypeError):
        scored, others = sort_answers(plan, answers)
        asked, problems = check_other_answers(plan, answers, others, scored)
    if plan.fact_specs:
        problems += fact_problems(plan.fact_specs, facts)
    if problems:
        raise AnswerError(problems)
    context = Context(asked, facts)
    hidden: tuple[str, ...] = _NONE
    discarded: tuple[str, ...] = _NONE
    not_applicable: frozenset[str] | set[str] = _NO_ITEMS
    if plan.conditional_groups:
        hidden, discarded, not_applicable = hide_items(plan, context, scored)

    results: dict[str, ScaleResult] = {}
    for scale in plan.scales:
        if scale.exact:
            # Fast path: whole numbers summed, nothing missing; the general path does the rest.
            values: tuple[Any, ...]
            if scale.from_scales:
                values = tuple([results[component].score for component in scale.components])
                if None in values:
                    results[scale.id] = _score_scale(
                        scale, scored, results, not_applicable, context
                    )
                    continue
            else:
                try:
                    values = scale.fetch(scored)
                except KeyError:
                    results[scale.id] = (
                        _exact_with_gaps(scale, scored, not_applicable, context)
                        if not_applicable
                        else _score_scale(scale, scored, results, not_applicable, context)
                    )
                    continue
            weights = scale.weights
            total = sum(values) if weights is None else sum(map(mul, values, weights))
            entry = scale.band_of.get(total) if scale.band_of is not None else None
            if entry is None:
                results[scale.id] = _result(
                    scale, total, total, COMPLETE, _band(scale, total, context), values, _NONE
                )
            else:
                # Unpacked first: a starred field in the tuple display builds a list.
                band, label, bounds = entry
                results[scale.id] = _new(
                    ScaleResult,
                    (
                        scale.id,
                        total,
                        total,
                        COMPLETE,
                        band,
                        label,
                        bounds,
                        scale.components,
                        values,
                        _NONE,
                        scale.describe,
                    ),
                )
            continue
        results[scale.id] = _score_scale(scale, scored, results, not_applicable, context)
    context.scales = results
    answers_now = context.answers
    positive = {item for item, codes in plan.positive_codes if answers_now.get(item) in codes}
    for item, facts_of_item in plan.positive_numbers:
        if facts_of_item.is_positive(answers_now.get(item)):
            positive.add(item)
    context.positive = positive
    return _conclude(plan, results, context, hidden, discarded)


def _exact_with_gaps(
    scale: ScalePlan,
    scored: Mapping[str, Number],
    not_applicable: frozenset[str] | set[str],
    context: Context,
) -> ScaleResult:
    """An exact scale some of whose items are not applicable (hidden with no hidden value):
    what `_score_scale` gives, without its general arithmetic, unless an item is missing."""
    components = scale.components
    values = tuple(map(scored.get, components))
    na = tuple(filter(not_applicable.__contains__, components)) or _NONE
    # Items not applicable are never scored (hide_items drops their answers), so each of them is
    # a None here, and any other None is a missing item: the general path handles those.
    if values.count(None) != len(na):
        return _score_scale(scale, scored, {}, not_applicable, context)
    if len(na) == len(components):
        return _new(
            ScaleResult,
            (
                scale.id,
                None,
                None,
                NOT_APPLICABLE,
                None,
                None,
                None,
                components,
                values,
                na,
                scale.describe,
            ),
        )
    # Summed with 0 for the items not applicable, in C rather than in a Python loop.
    get, zeros, weights = scored.get, scale.zeros, scale.weights
    if weights is None:
        total = sum(map(get, components, zeros))
    else:
        total = sum(map(mul, map(get, components, zeros), weights))
    entry = scale.band_of.get(total) if scale.band_of is not None else None
    if entry is None:
        return _result(scale, total, total, COMPLETE, _band(scale, total, context), values, na)
    band, label, bounds = entry
    return _new(
        ScaleResult,
        (
            scale.id,
            total,
            total,
            COMPLETE,
            band,
            label,
            bounds,
            components,
            values,
            na,
            scale.describe,
        ),
    )


def _score_scale(
    scale: ScalePlan,
    scored: Mapping[str, Number],
    results: Mapping[str, ScaleResult],
    not_applicable: frozenset[str] | set[str],
    context: Context,
) -> ScaleResult:
    components = scale.components
    if scale.from_scales:
        parts = [results[component] for component in components]
        found: list[Number | None] = [part.score for part in parts]
        if any(part.status == MISSING for part in parts):
            return _missing(scale, tuple(found), _NONE)
        na = tuple(part.id for part in parts if part.status == NOT_APPLICABLE) or _NONE
    else:
        found = [scored.get(component) for component in components]
        na = tuple(c for c in components if c in not_applicable) if not_applicable else _NONE
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
    values = tuple(found)
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
            values,
            na,
            scale.describe,
        )
    if missing > scale.max_missing or answered_weight == 0:
        return _missing(scale, values, na)
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
    return _result(scale, raw, final, status, _band(scale, final, context), values, na)


def _result(
    scale: ScalePlan,
    raw: Number,
    score: Number,
    status: str,
    band: Band | None,
    values: tuple[Number | None, ...],
    na: tuple[str, ...],
) -> ScaleResult:
    if band is None:
        return _new(
            ScaleResult,
            (
                scale.id,
                raw,
                score,
                status,
                None,
                None,
                None,
                scale.components,
                values,
                na,
                scale.describe,
            ),
        )
    return _new(
        ScaleResult,
        (
            scale.id,
            raw,
            score,
            status,
            band.code,
            band.label,
            band.bounds,
            scale.components,
            values,
            na,
            scale.describe,
        ),
    )


def _missing(
    scale: ScalePlan, found: tuple[Number | None, ...], na: tuple[str, ...]
) -> ScaleResult:
    return ScaleResult(
        scale.id, None, None, MISSING, None, None, None, scale.components, found, na, scale.describe
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


def _conclude(
    plan: Plan,
    scales: dict[str, ScaleResult],
    context: Context,
    hidden: tuple[str, ...],
    discarded: tuple[str, ...],
) -> Result:
    band_level = None
    if plan.level_scale is not None:
        band_level = plan.band_level.get(scales[plan.level_scale].band)  # type: ignore[arg-type]
    level = band_level
    rank = plan.level_rank
    fired: list[FiredRule] = []
    flags: dict[str, list[str]] = {}
    actions: dict[str, list[str]] = {}
    forced: str | None = None
    for test, step in plan.rule_steps:
        if not test(context):
            continue
        explain, rule_id, set_level, raise_level, rule_flags, rule_actions, effects, reason = step
        if set_level is not None and (forced is None or rank[set_level] > rank[forced]):
            forced = set_level
        if raise_level is not None and (level is None or rank[raise_level] > rank[level]):
            level = raise_level
        for flag in rule_flags:
            if flag in flags:
                flags[flag].append(rule_id)
            else:
                flags[flag] = [rule_id]
        for action in rule_actions:
            if action in actions:
                actions[action].append(rule_id)
            else:
                actions[action] = [rule_id]
        fired.append(_new(FiredRule, (rule_id, effects, reason, explain(context))))
    if forced is not None:
        level = forced
    positive = context.positive or _NO_ITEMS
    positive_tags = {}
    if positive:
        is_positive = positive.__contains__
        for tag, tagged, members in plan.tag_members:
            if not members.isdisjoint(positive):
                positive_tags[tag] = tuple(filter(is_positive, tagged))
    return _new(
        Result,
        (
            plan.instrument.id,
            plan.instrument.version,
            level,
            plan.level_labels.get(level),  # type: ignore[arg-type]
            band_level,
            plan.declared(scales),
            _outcomes(flags, plan.flag_labels) if flags else (),
            _outcomes(actions, plan.action_labels) if actions else (),
            tuple(fired),
            positive_tags,
            hidden,
            discarded,
        ),
    )


def _outcomes(raised: dict[str, list[str]], labels: Mapping[str, Any]) -> tuple[Outcome, ...]:
    return tuple(
        [_new(Outcome, (code, labels[code], tuple(ids))) for code, ids in sorted(raised.items())]
    )
