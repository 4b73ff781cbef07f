"""Score answers: check them, ask items in order, score scales, choose bands, apply rules.

One path for every instrument; conditions evaluate themselves on a `Context` that fills as the
items are walked in file order, so a condition sees exactly the answers of the items before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from .conditions import Context
from .errors import AnswerError, Problem
from .messages import message
from .model import FactSpec, HiddenAnswers, Instrument, ItemKind
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
from .scale_model import Method, MissingAction, Scale

MEAN, SCALED_SUM = Method.MEAN, Method.SCALED_SUM
IMPUTE, PRORATE, SCORE_ANSWERED = (
    MissingAction.IMPUTE,
    MissingAction.PRORATE,
    MissingAction.SCORE_ANSWERED,
)
HIDDEN_ANSWER = "this item is not asked given the other answers; leave it unanswered"


def score(
    instrument: Instrument, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
) -> Result:
    """Score `answers` (item id -> option code, number, text or None) for a client with `facts`.

    Raises AnswerError listing every invalid answer or fact. Deterministic: the same instrument
    version, answers and facts always give an equal Result.
    """
    facts = {} if facts is None else facts
    # Conditions read only earlier items, so every answer can be in view from the start;
    # the answers of items found hidden leave it as the items are walked in file order.
    accepted, scored, positive = _read_answers(instrument, answers, facts)
    # A copy of the facts, so that the evidence of a rule, worded when read, reads these ones.
    context = Context(accepted, dict(facts), instrument.items_by_id, positive=positive)
    hidden, discarded, refused = [], [], []
    not_applicable: set[str] = set()
    for condition, items in instrument.conditional_items:
        if condition.holds(context):
            continue
        for item in items:
            hidden.append(item.id)
            if accepted.get(item.id) is not None:
                discarded.append(item.id)
                del accepted[item.id]
                scored.pop(item.id, None)
                positive.discard(item.id)
                if item.hidden_answers == HiddenAnswers.REJECT:
                    refused.append(Problem(HIDDEN_ANSWER, item=item.id, field="answer"))
            if item.hidden_value is not None:
                scored[item.id] = item.hidden_value
            else:
                not_applicable.add(item.id)
    if refused:
        raise AnswerError(refused)
    _refuse_beyond_unanswered(instrument, context, hidden)
    results: dict[str, ScaleResult] = {}
    for scale in instrument.scales_to_score:
        results[scale.id] = score_scale(instrument, scale, scored, results, not_applicable, context)
    context.scales = results
    return _conclude(instrument, context, results, tuple(hidden), tuple(discarded))


def _read_answers(
    instrument: Instrument, answers: Any, facts: Any
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
    problems = []
    choices = instrument.choices
    for item_id, answer in answers.items():
        try:
            found: tuple[Number, Number, bool] | None = choices[item_id][answer]  # an option
        except (KeyError, TypeError):
            item = instrument.items_by_id.get(item_id)
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
        if found is not None:
            scored[item_id] = found[1]
            if found[2]:
                positive.add(item_id)
    if instrument.facts:
        problems += fact_problems(instrument.facts, facts)
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
            message = f"{value!r} is not a valid value (expected {expected})"
            problems.append(Problem(message, item=f"facts.{spec.name}", field="fact"))
    return problems


def _refuse_beyond_unanswered(instrument: Instrument, context: Context, hidden: list[str]) -> None:
    if instrument.max_unanswered is None:
        return
    asked = [i for i in instrument.items if i.kind != ItemKind.TEXT and i.id not in hidden]
    unanswered = [item.id for item in asked if context.answers.get(item.id) is None]
    if len(unanswered) > instrument.max_unanswered:
        text = (
            f"{len(unanswered)} items are unanswered ({', '.join(unanswered)}); this instrument is "
            f"scored with at most {instrument.max_unanswered} unanswered"
        )
        raise AnswerError([Problem(text, field="answers")])


def score_scale(
    instrument: Instrument,
    scale: Scale,
    scored: Mapping[str, Number],
    results: Mapping[str, ScaleResult],
    not_applicable: set[str],
    context: Context,
) -> ScaleResult:
    """Score one scale from its components' values (items) or scores (scales).

    With W the total weight of the applicable components and A the weight of those answered,
    raw is the weighted sum of the answered ones; prorating scales it by W / A.
    """
    components = scale.items or scale.scales
    status, raw, final, reason = COMPLETE, None, None, None
    weights, rule = scale.weights, scale.missing
    if scale.scales:
        parts = [results[component] for component in components]
        found: list[Number | None] = [part.score for part in parts]
        na = tuple([part.id for part in parts if part.status == NOT_APPLICABLE])
        statuses = {part.status for part in parts}
        if MISSING in statuses or UNDETERMINED in statuses:
            status, na = (MISSING, ()) if MISSING in statuses else (UNDETERMINED, ())
            if status == UNDETERMINED:  # why the first undetermined part is
                reason = next(p.reason for p in parts if p.status == UNDETERMINED)
    else:
        found = list(map(scored.get, components))
        # A not-applicable item has no value, so only a scale with a gap can have one.
        gap = not_applicable and None in found
        na = tuple([c for c in components if c in not_applicable]) if gap else ()
    if status != COMPLETE:
        pass
    elif weights or None in found or not found:
        weight_of = [weights.get(c, 1) for c in components] if weights else [1] * len(found)
        pairs = list(zip(found, weight_of, strict=True))
        raw = sum([v if w == 1 else multiply(v, w) for v, w in pairs if v is not None])
        answered_weight: Number = sum([w for v, w in pairs if v is not None])
        triples = zip(components, found, weight_of, strict=True)
        missing = [w for c, v, w in triples if v is None and c not in na]
        total_weight = answered_weight + sum(missing)
        if answered_weight == 0:
            status, raw = (MISSING if missing else NOT_APPLICABLE), None
        elif len(missing) > rule.max_missing:
            status, raw = MISSING, None
        elif missing and rule.action == IMPUTE:
            status = IMPUTED
            final = raw + sum([multiply(rule.value, weight) for weight in missing])
            answered_weight = total_weight  # a mean divides by every item, imputed ones included
        elif missing:
            status = PRORATED if rule.action == PRORATE else PARTIAL
    else:
        raw = sum(found)  # type: ignore[arg-type]
        answered_weight = total_weight = len(found)
    if raw is not None:
        value: Number = raw if final is None else final
        if scale.method == MEAN:
            value = divide(value, answered_weight)
        elif status == PRORATED:
            value = divide(multiply(raw, total_weight), answered_weight)
        if scale.method == SCALED_SUM:
            value = multiply(value, scale.factor)
        final = value
        if scale.decimals or not isinstance(value, int):
            final = round_to(value, scale.decimals, scale.rounding)
        if scale.requires or scale.norms:
            final, reason = _facts_and_norms(instrument, scale, context, final)
            status = status if reason is None else UNDETERMINED
    code = label = limits = None
    for band_set in scale.band_sets if final is not None else ():
        if band_set.when is None or band_set.when.holds(context):
            for band in band_set.bands:
                if band.minimum <= final <= band.maximum:  # type: ignore[operator]
                    code, label, limits = band.code, band.label, (band.minimum, band.maximum)
                    break
            break
    method = instrument.method_of(scale.id)
    values = tuple(found)
    return ScaleResult(
        scale.id, raw, final, status, code, label, limits, components, values, na, method, reason
    )


def _facts_and_norms(
    instrument: Instrument, scale: Scale, context: Context, final: Number
) -> tuple[Number | None, dict[str, str] | None]:
    """The score after the scale's norm table, or None and why: a required fact is not
    recorded, or no norm table covers the client or the score."""
    absent = [_fact_label(instrument, f) for f in scale.requires if context.facts.get(f) is None]
    if absent:
        fact = {language: ", ".join(label[language] for label in absent) for language in absent[0]}
        return None, message("fact_missing", instrument.languages, fact=fact)
    if scale.norms:
        table = next((t for t in scale.norms if t.when is None or t.when.holds(context)), None)
        found = table.lookup(final) if table is not None else None
        return found, None if found is not None else message("no_norms", instrument.languages)
    return final, None


def _fact_label(instrument: Instrument, name: str) -> dict[str, str]:
    spec = next((spec for spec in instrument.facts if spec.name == name), None)
    return (
        spec.label if spec is not None and spec.label else dict.fromkeys(instrument.languages, name)
    )


def _conclude(
    instrument: Instrument,
    context: Context,
    scales: dict[str, ScaleResult],
    hidden: tuple[str, ...],
    discarded: tuple[str, ...],
) -> Result:
    """Level from the bands of the level scale (or the default level), then the rules in order:
    raise_level never lowers, set_level overrides everything and the most severe one wins."""
    band_level = None
    if instrument.level_scale is not None:
        band_level = instrument.level_of_band(scales[instrument.level_scale].band)
    level = band_level if instrument.level_scale is not None else instrument.default_level
    forced: str | None = None
    rank = instrument.ranks
    fired = []
    flags: dict[str, list[str]] = {}
    actions: dict[str, list[str]] = {}
    for rule in instrument.rules:
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
        effects = instrument.effects_of(rule)
        evidence = partial(rule.when.explain, context)  # worded only if read
        fired.append(FiredRule(rule.id, effects, rule.reason, evidence))
    level = forced or level
    positive_tags, positive = {}, context.positive or set()
    for tag, tagged in instrument.tags.items() if positive else ():
        items = tuple(filter(positive.__contains__, tagged))
        if items:
            positive_tags[tag] = items
    return Result(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        level=level,
        level_label=instrument.level(level).label if level is not None else None,
        band_level=band_level,
        scales=tuple([scales[scale.id] for scale in instrument.scales]),
        flags=tuple(
            [
                Outcome(code, instrument.flag(code).label, tuple(ids))
                for code, ids in sorted(flags.items())
            ]
        ),
        mandatory_actions=tuple(
            [
                Outcome(code, instrument.action(code).label, tuple(ids))
                for code, ids in sorted(actions.items())
            ]
        ),
        rules=tuple(fired),
        positive_tags=positive_tags,
        hidden=hidden,
        discarded=discarded,
    )
