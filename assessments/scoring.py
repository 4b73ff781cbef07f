"""Score answers: check them, ask items in order, score scales, choose bands, apply rules.

One path for every instrument; conditions evaluate themselves on a `Context` that fills as the
items are walked in file order, so a condition sees exactly the answers of the items before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    context = Context(accepted, facts, instrument.items_by_id, positive=positive)
    hidden, discarded, refused = [], [], []
    not_applicable: set[str] = set()
    for item in instrument.conditional_items:
        if item.visible_when.holds(context):  # type: ignore[union-attr]
            continue
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
    for scale_id in instrument.scoring_order:
        scale = instrument.scale(scale_id)
        results[scale_id] = score_scale(instrument, scale, scored, results, not_applicable, context)
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
    accepted: dict[str, Any] = {}
    scored: dict[str, Number] = {}
    positive: set[str] = set()
    problems = []
    items = instrument.items_by_id
    for item_id, answer in answers.items():
        item = items.get(item_id)
        if item is None:
            problems.append(Problem(f"unknown item {item_id!r}", item=str(item_id), field="answer"))
            continue
        if type(answer) is not str or answer not in item.choices:  # not a valid option code
            answer, problem = item.read(answer) if answer is not None else (None, None)
            if problem is not None:
                problems.append(Problem(problem, item=item_id, field="answer"))
        accepted[item_id] = answer
        found = item.choices.get(answer) if type(answer) is str else item.valued(answer)
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
    components = scale.components
    if scale.scales:
        parts = [results[component] for component in components]
        found: list[Number | None] = [part.score for part in parts]
        na = tuple(part.id for part in parts if part.status == NOT_APPLICABLE)
        blocked = [part for part in parts if part.status in (MISSING, UNDETERMINED)]
        if blocked:
            missing_part = any(part.status == MISSING for part in blocked)
            status, reason = (MISSING, None) if missing_part else (UNDETERMINED, blocked[0].reason)
            return _scale_result(instrument, scale, context, found, (), status, reason=reason)
    else:
        found = [scored.get(component) for component in components]
        na = tuple(c for c in components if c in not_applicable) if not_applicable else ()
    weights = scale.weights
    weight_of = [weights.get(c, 1) for c in components] if weights else [1] * len(components)
    contributions = found
    if weights:
        pairs = zip(found, weight_of, strict=True)
        contributions = [v if v is None or w == 1 else multiply(v, w) for v, w in pairs]
    if None in found:
        raw: Number = sum([value for value in contributions if value is not None])
        answered = zip(found, weight_of, strict=True)
        answered_weight: Number = sum([w for v, w in answered if v is not None])
        triples = zip(components, found, weight_of, strict=True)
        missing = [w for c, v, w in triples if v is None and c not in na]
        total_weight = answered_weight + sum(missing)
    else:
        raw, answered_weight, missing = sum(contributions), sum(weight_of), []  # type: ignore[arg-type]
        total_weight = answered_weight
    if answered_weight == 0 and not missing:
        return _scale_result(instrument, scale, context, found, na, NOT_APPLICABLE)
    if len(missing) > scale.missing.max_missing or answered_weight == 0:
        return _scale_result(instrument, scale, context, found, na, MISSING)
    status, value, action = COMPLETE, raw, scale.missing.action
    if missing and action == IMPUTE:
        status = IMPUTED
        value = raw + sum([multiply(scale.missing.value, weight) for weight in missing])
        answered_weight = total_weight  # a mean divides by every item, the imputed ones included
    elif missing:
        status = PRORATED if action == PRORATE else PARTIAL
    if scale.method == MEAN:
        value = divide(value, answered_weight)
    elif status == PRORATED:
        value = divide(multiply(raw, total_weight), answered_weight)
    if scale.method == SCALED_SUM:
        value = multiply(value, scale.factor)
    final: Number | None = value
    if scale.decimals or not isinstance(value, int):
        final = round_to(value, scale.decimals, scale.rounding)
    facts = context.facts
    absent = [_fact_label(instrument, f) for f in scale.requires if facts.get(f) is None]
    if absent:
        fact = {language: ", ".join(label[language] for label in absent) for language in absent[0]}
        reason = message("fact_missing", instrument.languages, fact=fact)
        return _scale_result(instrument, scale, context, found, na, UNDETERMINED, raw, None, reason)
    if scale.norms:
        table = next((t for t in scale.norms if t.when is None or t.when.holds(context)), None)
        final = table.lookup(final) if table is not None and final is not None else None
        if final is None:
            reason = message("no_norms", instrument.languages)
            return _scale_result(
                instrument, scale, context, found, na, UNDETERMINED, raw, None, reason
            )
    return _scale_result(instrument, scale, context, found, na, status, raw, final)


def _scale_result(
    instrument: Instrument,
    scale: Scale,
    context: Context,
    values: list[Number | None],
    na: tuple[str, ...],
    status: str,
    raw: Number | None = None,
    final: Number | None = None,
    reason: dict[str, str] | None = None,
) -> ScaleResult:
    code = label = limits = None
    for band_set in scale.band_sets if final is not None else ():
        if band_set.when is None or band_set.when.holds(context):
            for band in band_set.bands:
                if band.minimum <= final <= band.maximum:  # type: ignore[operator]
                    code, label, limits = band.code, band.label, (band.minimum, band.maximum)
                    break
            break
    method = instrument.method_of(scale.id)
    return ScaleResult(
        scale.id,
        raw,
        final,
        status,
        code,
        label,
        limits,
        scale.components,
        tuple(values),
        na,
        method,
        reason,
    )


def _fact_label(instrument: Instrument, name: str) -> dict[str, str]:
    spec = next((spec for spec in instrument.facts if spec.name == name), None)
    return (
        spec.label if spec is not None and spec.label else dict.fromkeys(instrument.languages, name)
    )


def level_of_band(instrument: Instrument, band_code: str | None) -> str | None:
    """The level that a band of the level scale stands for."""
    level = None
    if instrument.level_scale is not None and band_code is not None:
        for band_set in instrument.scale(instrument.level_scale).band_sets:
            for band in band_set.bands:
                if band.code == band_code:
                    level = band.level or (
                        band.code if instrument.has("level", band.code) else None
                    )
    return level


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
        band_level = level_of_band(instrument, scales[instrument.level_scale].band)
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
        fired.append(FiredRule(rule.id, rule.effects, rule.reason, rule.when.explain(context)))
    level = forced or level
    positive_tags, positive = {}, context.positive or set()
    for tag, tagged in sorted(instrument.tags.items()):
        items = tuple(item for item in tagged if item in positive)
        if items:
            positive_tags[tag] = items
    return Result(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        level=level,
        level_label=instrument.level(level).label if level is not None else None,
        band_level=band_level,
        scales=tuple(scales[scale.id] for scale in instrument.scales),
        flags=tuple(
            Outcome(code, instrument.flag(code).label, tuple(ids))
            for code, ids in sorted(flags.items())
        ),
        mandatory_actions=tuple(
            Outcome(code, instrument.action(code).label, tuple(ids))
            for code, ids in sorted(actions.items())
        ),
        rules=tuple(fired),
        positive_tags=positive_tags,
        hidden=hidden,
        discarded=discarded,
    )
