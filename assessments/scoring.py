"""Score answers: check them, hide the items not asked, score scales, choose bands, apply rules.

One path for every instrument, reading what `compiled.py` worked out once from its declarations.
Conditions evaluate themselves on a `Context` that holds the answers, facts and (once scored)
the scales, so a condition sees exactly what it may read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from .compiled import Compiled, ScalePlan, compiled
from .conditions import Context
from .errors import AnswerError, Problem
from .messages import message
from .model import FactSpec, HiddenAnswers, Instrument, ItemKind, Text
from .numbers import Number, divide, multiply, round_to
from .result import (
    COMPLETE,
    IMPUTED,
    MISSING,
    NOT_APPLICABLE,
    PARTIAL,
    PRORATED,
    UNDETERMINED,
    FiredRule,
    Outcome,
    Result,
    ScaleResult,
)
from .scale_model import MissingAction, Scale

HIDDEN_ANSWER = "this item is not asked given the other answers; leave it unanswered"


def score(
    instrument: Instrument, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
) -> Result:
    """Score `answers` (item id -> option code, number, text or None) for a client with `facts`.

    Raises AnswerError listing every invalid answer or fact. Deterministic: the same instrument
    version, answers and facts always give an equal Result.
    """
    plan = compiled(instrument)
    facts = {} if facts is None else facts
    accepted, scored, positive = _read_answers(plan, answers, facts)
    results: dict[str, ScaleResult] = {}
    # Conditions read only earlier items, so the answers of hidden items can leave afterwards.
    # The facts are copied: a rule's evidence is worded when first read, from these facts.
    context = Context(accepted, dict(facts), instrument.items_by_id, results, positive=positive)
    hidden, discarded, refused, not_applicable = [], [], [], set()
    for condition, items in plan.conditional:
        if condition.holds(context):
            continue
        for item in items:
            hidden.append(item.id)
            if accepted.pop(item.id, None) is not None:
                discarded.append(item.id)
                scored.pop(item.id, None)
                positive.discard(item.id)
                if item.hidden_answers == HiddenAnswers.REJECT:
                    refused.append(Problem(HIDDEN_ANSWER, item=item.id, field="answer"))
            if item.hidden_value is None:
                not_applicable.add(item.id)
            else:
                scored[item.id] = item.hidden_value
    if refused:
        raise AnswerError(refused)
    _refuse_beyond_unanswered(instrument, accepted, hidden)
    for scale in plan.scales:
        result = _score(instrument, scale, scored, results, not_applicable, context)
        results[result.id] = result
    return _conclude(plan, context, results, tuple(hidden), tuple(discarded))


def _read_answers(
    plan: Compiled, answers: Any, facts: Any
) -> tuple[dict[str, Any], dict[str, Number], set[str]]:
    """The valid answers (numbers normalised), what each scores, and which are positive;
    AnswerError lists every invalid answer and fact."""
    if not isinstance(answers, Mapping):
        raise AnswerError(
            [Problem("answers must be a mapping of item id to answer", field="answers")]
        )
    if not isinstance(facts, Mapping):
        raise AnswerError([Problem("facts must be a mapping of fact name to value", field="facts")])
    accepted: dict[str, Any] = dict(answers)
    scored: dict[str, Number] = {}
    positive: set[str] = set()
    problems: list[Problem] = []
    choices = plan.choices
    for item_id, answer in answers.items():
        try:
            scored[item_id], is_positive = choices[item_id][answer]
        except (KeyError, TypeError):  # not an option: a number, a text, none, or invalid
            item = plan.instrument.items_by_id.get(item_id)
            if item is None:
                text = f"unknown item {item_id!r}"
                problems.append(Problem(text, item=str(item_id), field="answer"))
                continue
            if answer is None:
                continue
            accepted[item_id], problem = item.read(answer)  # a number normalised
            if problem is not None:
                problems.append(Problem(problem, item=item_id, field="answer"))
            found = item.valued(accepted[item_id])
            if found is None:  # free text, or not valid
                continue
            _, scored[item_id], is_positive = found
        if is_positive:
            positive.add(item_id)
    problems += fact_problems(plan.instrument.facts, facts)
    if problems:
        raise AnswerError(problems)
    return accepted, scored, positive


def fact_problems(specs: Iterable[FactSpec], facts: Mapping[str, Any]) -> list[Problem]:
    """One problem per declared fact with an impossible value; absent and undeclared facts pass."""
    problems = []
    for spec in specs:
        value = facts.get(spec.name)
        if value is not None and not spec.accepts(value):
            expected = ", ".join(spec.values) if spec.kind == "enum" else spec.kind
            text = f"{value!r} is not a valid value (expected {expected})"
            problems.append(Problem(text, item=f"facts.{spec.name}", field="fact"))
    return problems


def _refuse_beyond_unanswered(
    instrument: Instrument, answers: dict[str, Any], hidden: list[str]
) -> None:
    if instrument.max_unanswered is None:
        return
    asked = [i.id for i in instrument.items if i.kind != ItemKind.TEXT and i.id not in hidden]
    unanswered = [item_id for item_id in asked if answers.get(item_id) is None]
    if len(unanswered) > instrument.max_unanswered:
        text = (
            f"{len(unanswered)} items are unanswered ({', '.join(unanswered)}); this instrument is "
            f"scored with at most {instrument.max_unanswered} unanswered"
        )
        raise AnswerError([Problem(text, field="answers")])


def _score(
    instrument: Instrument,
    plan: ScalePlan,
    scored: Mapping[str, Number],
    results: Mapping[str, ScaleResult],
    not_applicable: set[str],
    context: Context,
) -> ScaleResult:
    """The result of one scale from its components' values (items) or scores (scales)."""
    scale = plan.scale
    if scale.scales:
        values = tuple([results[component].score for component in plan.components])
    else:
        values = tuple(map(scored.get, plan.components))
    reason: Text | None = None
    if None in values:
        raw, status, final, na, reason = _with_gaps(plan, values, results, not_applicable)
    else:
        raw = final = _weighted_sum(values, plan.weights) if scale.weights else sum(values)  # type: ignore[arg-type]
        status, na = COMPLETE, ()
        if plan.is_mean:
            final = divide(raw, plan.total_weight)
    if final is not None and (plan.adjusted or not isinstance(final, int)):
        final, status, reason = _adjusted(instrument, scale, context, final, status)
    band = None if final is None else plan.bands.get(final) or scale.band(final, context)
    return ScaleResult(
        scale.id,
        raw,
        final,
        status,
        band.code if band else None,
        band.label if band else None,
        (band.minimum, band.maximum) if band else None,
        plan.components,
        values,
        na,
        plan.method,
        reason,
    )


def _weighted_sum(values: Iterable[Number], weights: Iterable[Number]) -> Number:
    return sum([v if w == 1 else multiply(v, w) for v, w in zip(values, weights, strict=True)])


def _with_gaps(
    plan: ScalePlan,
    values: tuple[Number | None, ...],
    results: Mapping[str, ScaleResult],
    not_applicable: set[str],
) -> tuple[Number | None, str, Number | None, tuple[str, ...], Text | None]:
    """Raw score, status, value (before factor and rounding), the components not applicable,
    and why the scale is undetermined, for a scale with a component that has no value.

    With W the total weight of the applicable components and A the weight of those answered,
    raw is the weighted sum of the answered ones; prorating scales it by W / A; imputing adds the
    declared value for each missing one (and a mean then divides by W).
    """
    if plan.scale.scales:
        parts = [results[component] for component in plan.components]
        blocked = [part for part in parts if part.status in (MISSING, UNDETERMINED)]
        if any(part.status == MISSING for part in blocked):
            return None, MISSING, None, (), None
        if blocked:
            return None, UNDETERMINED, None, (), blocked[0].reason
        not_applicable = {part.id for part in parts if part.status == NOT_APPLICABLE}
    raw: Number = 0
    answered: Number = 0
    missing: list[Number] = []
    skipped: list[str] = []
    for component, value, weight in zip(plan.components, values, plan.weights, strict=True):
        if value is not None:
            raw += value if weight == 1 else multiply(value, weight)
            answered += weight
        elif component in not_applicable:
            skipped.append(component)
        else:
            missing.append(weight)
    na = tuple(skipped)
    rule = plan.scale.missing
    if answered == 0 or len(missing) > rule.max_missing:
        status = NOT_APPLICABLE if answered == 0 and not missing else MISSING
        return None, status, None, na, None
    total = answered + sum(missing)
    if missing and rule.action == MissingAction.IMPUTE:
        value = raw + sum([multiply(rule.value, weight) for weight in missing])
        return raw, IMPUTED, divide(value, total) if plan.is_mean else value, na, None
    prorate = rule.action == MissingAction.PRORATE
    status = (PRORATED if prorate else PARTIAL) if missing else COMPLETE
    if plan.is_mean:
        return raw, status, divide(raw, answered), na, None
    final = divide(multiply(raw, total), answered) if status == PRORATED else raw
    return raw, status, final, na, None


def _adjusted(
    instrument: Instrument, scale: Scale, context: Context, final: Number, status: str
) -> tuple[Number | None, str, Text | None]:
    """The score after the scale's factor, rounding and norm table, or None and why not: a
    required fact is not recorded, or no norm table covers the client or the score."""
    if scale.factor != 1:
        final = multiply(final, scale.factor)
    if scale.decimals or not isinstance(final, int):
        final = round_to(final, scale.decimals, scale.rounding)
    absent = [instrument.fact_label(f) for f in scale.requires if context.facts.get(f) is None]
    if absent:
        fact = {language: ", ".join(label[language] for label in absent) for language in absent[0]}
        return None, UNDETERMINED, message("fact_missing", instrument.languages, fact=fact)
    if not scale.norms:
        return final, status, None
    table = next((t for t in scale.norms if t.when is None or t.when.holds(context)), None)
    found = table.lookup(final) if table is not None else None
    if found is None:
        return None, UNDETERMINED, message("no_norms", instrument.languages)
    return found, status, None


def _conclude(
    plan: Compiled,
    context: Context,
    scales: dict[str, ScaleResult],
    hidden: tuple[str, ...],
    discarded: tuple[str, ...],
) -> Result:
    """Level from the bands of the level scale (or the default level), then the rules in order:
    raise_level never lowers, set_level overrides everything and the most severe one wins."""
    instrument = plan.instrument
    band_level = None
    if instrument.level_scale is not None:
        band_level = plan.band_levels.get(scales[instrument.level_scale].band)
    level = band_level if instrument.level_scale is not None else instrument.default_level
    forced: str | None = None
    rank, fired = instrument.ranks, []
    flags: dict[str, list[str]] = {}
    actions: dict[str, list[str]] = {}
    for rule, effects in plan.rules:
        if not rule.when.holds(context):
            continue
        if rule.set_level is not None and (forced is None or rank[rule.set_level] > rank[forced]):
            forced = rule.set_level
        if rule.raise_level is not None and (level is None or rank[rule.raise_level] > rank[level]):
            level = rule.raise_level
        for code in rule.flags:
            flags.setdefault(code, []).append(rule.id)
        for code in rule.actions:
            actions.setdefault(code, []).append(rule.id)
        evidence = partial(rule.when.explain, context)  # worded only if read
        fired.append(FiredRule(rule.id, effects, rule.reason, evidence))
    level = forced or level
    positive, positive_tags = context.positive or set(), {}
    for tag, ids in plan.tags.items() if positive else ():
        if not positive.isdisjoint(ids):
            positive_tags[tag] = tuple([item_id for item_id in ids if item_id in positive])
    return Result(
        instrument.id,
        instrument.version,
        level,
        instrument.level(level).label if level is not None else None,
        band_level,
        tuple([scales[scale.id] for scale in instrument.scales]),
        tuple([Outcome(c, instrument.flag(c).label, tuple(r)) for c, r in sorted(flags.items())]),
        tuple(
            [Outcome(c, instrument.action(c).label, tuple(r)) for c, r in sorted(actions.items())]
        ),
        tuple(fired),
        positive_tags,
        hidden,
        discarded,
    )
