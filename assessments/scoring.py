"""Score answers: check them, hide the items not asked, score scales, choose bands, apply rules.

One path for every instrument; conditions evaluate themselves on a `Context` that holds the
answers, facts and (once scored) the scales, so a condition sees exactly what it may read.
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
from .scale_model import MissingAction, Scale

HIDDEN_ANSWER = "this item is not asked given the other answers; leave it unanswered"


def score(
    instrument: Instrument, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
) -> Result:
    """Score `answers` (item id -> option code, number, text or None) for a client with `facts`.

    Raises AnswerError listing every invalid answer or fact. Deterministic: the same instrument
    version, answers and facts always give an equal Result.
    """
    facts = {} if facts is None else facts
    accepted, scored, positive = _read_answers(instrument, answers, facts)
    # Conditions read only earlier items, so the answers of hidden items can leave afterwards.
    # The facts are copied: a rule's evidence is worded when first read, from these facts.
    context = Context(accepted, dict(facts), instrument.items_by_id, positive=positive)
    hidden, discarded, refused, not_applicable = [], [], [], set()
    for condition, items in instrument.conditional_items:
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
    results: dict[str, ScaleResult] = {}
    context.scales = results
    for scale in instrument.scales_to_score:
        results[scale.id] = score_scale(instrument, scale, scored, results, not_applicable, context)
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
    problems: list[Problem] = []
    choices = instrument.choices
    for item_id, answer in answers.items():
        try:
            found: tuple[Number, Number, bool] | None = choices[item_id][answer]
        except (KeyError, TypeError):  # not an option: a number, a text, none, or invalid
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


def score_scale(
    instrument: Instrument,
    scale: Scale,
    scored: Mapping[str, Number],
    results: Mapping[str, ScaleResult],
    not_applicable: set[str],
    context: Context,
) -> ScaleResult:
    """Score one scale from its components' values (items) or scores (scales)."""
    components, status, reason = scale.components, COMPLETE, None
    na: tuple[str, ...] = ()
    if scale.scales:
        parts = [results[component] for component in components]
        values = tuple([part.score for part in parts])
        blocked = [part for part in parts if part.status in (MISSING, UNDETERMINED)]
        if blocked:
            status = MISSING if any(p.status == MISSING for p in blocked) else UNDETERMINED
            reason = blocked[0].reason if status == UNDETERMINED else None
        else:
            na = tuple([part.id for part in parts if part.status == NOT_APPLICABLE])
    else:
        values = tuple(map(scored.get, components))
        # A not-applicable item has no value, so only a scale with a gap can have one.
        if not_applicable and None in values:
            na = tuple([c for c in components if c in not_applicable])
    raw: Number | None = None
    final: Number | None = None
    if status != COMPLETE:
        pass
    elif None in values or scale.weights:
        raw, status, final = _weighted(scale, values, na)
    else:
        raw = final = sum(values)  # type: ignore[arg-type]
        if scale.is_mean:
            final = divide(raw, len(values))
    if final is not None:
        if scale.factor != 1:
            final = multiply(final, scale.factor)
        if scale.decimals or not isinstance(final, int):
            final = round_to(final, scale.decimals, scale.rounding)
        if scale.requires or scale.norms:
            final, reason = _facts_and_norms(instrument, scale, context, final)
            status = status if reason is None else UNDETERMINED
    band = scale.band(final, context) if final is not None else None
    return ScaleResult(
        scale.id,
        raw,
        final,
        status,
        band.code if band else None,
        band.label if band else None,
        (band.minimum, band.maximum) if band else None,
        components,
        values,
        na,
        instrument.methods[scale.id],
        reason,
    )


def _weighted(
    scale: Scale, values: tuple[Number | None, ...], na: tuple[str, ...]
) -> tuple[Number | None, str, Number | None]:
    """Raw score, status and value (before factor and rounding) of a scale with weights or gaps.

    With W the total weight of the applicable components and A the weight of those answered,
    raw is the weighted sum of the answered ones; prorating scales it by W / A; imputing adds the
    declared value for each missing one (and a mean then divides by W).
    """
    rule = scale.missing
    raw: Number = 0
    answered: Number = 0
    missing: list[Number] = []
    for component, value, weight in zip(
        scale.components, values, scale.component_weights, strict=True
    ):
        if value is not None:
            raw += value if weight == 1 else multiply(value, weight)
            answered += weight
        elif component not in na:
            missing.append(weight)
    if answered == 0:
        return None, (MISSING if missing else NOT_APPLICABLE), None
    if len(missing) > rule.max_missing:
        return None, MISSING, None
    total = answered + sum(missing)
    if missing and rule.action == MissingAction.IMPUTE:
        value = raw + sum([multiply(rule.value, weight) for weight in missing])
        return raw, IMPUTED, divide(value, total) if scale.is_mean else value
    prorate = rule.action == MissingAction.PRORATE
    status = (PRORATED if prorate else PARTIAL) if missing else COMPLETE
    if scale.is_mean:
        return raw, status, divide(raw, answered)
    return raw, status, divide(multiply(raw, total), answered) if status == PRORATED else raw


def _facts_and_norms(
    instrument: Instrument, scale: Scale, context: Context, final: Number
) -> tuple[Number | None, dict[str, str] | None]:
    """The score after the scale's norm table, or None and why: a required fact is not
    recorded, or no norm table covers the client or the score."""
    absent = [instrument.fact_label(f) for f in scale.requires if context.facts.get(f) is None]
    if absent:
        fact = {language: ", ".join(label[language] for label in absent) for language in absent[0]}
        return None, message("fact_missing", instrument.languages, fact=fact)
    if scale.norms:
        table = next((t for t in scale.norms if t.when is None or t.when.holds(context)), None)
        found = table.lookup(final) if table is not None else None
        return found, None if found is not None else message("no_norms", instrument.languages)
    return final, None


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
        band_level = instrument.band_levels.get(scales[instrument.level_scale].band)
    level = band_level if instrument.level_scale is not None else instrument.default_level
    forced: str | None = None
    rank, fired = instrument.ranks, []
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
        evidence = partial(rule.when.explain, context)  # worded only if read
        fired.append(FiredRule(rule.id, instrument.effects[rule.id], rule.reason, evidence))
    level = forced or level
    positive, positive_tags = context.positive or set(), {}
    for tag, ids in instrument.tags.items() if positive else ():
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
