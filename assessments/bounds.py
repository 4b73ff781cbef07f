"""The lowest and highest score each scale can produce, worked out from the declarations alone.

Used to check that bands and norm tables cover every possible score, and by the tests to check
that no score ever falls outside its bounds. Weights and factors are positive (the loader checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Instrument
from .numbers import Number, divide, multiply, round_to
from .scale_model import Method, MissingAction, Scale


@dataclass(frozen=True, slots=True)
class Bounds:
    """The lowest and highest score a scale can produce."""

    low: Number
    high: Number
    #: The scale can come out "not applicable" (all its items hidden with no hidden_value).
    may_be_na: bool = False


def bounds(instrument: Instrument, *, before_norms: bool = False) -> dict[str, Bounds]:
    """Bounds of every scale whose components all have a range (weights and factors are > 0,
    as the loader checks).

    `before_norms`: the scores a norm table is looked up with, rather than its standard scores.
    """
    found: dict[str, Bounds] = {}
    for scale in map(instrument.scale, instrument.scoring_order):
        parts = [
            found.get(component) if scale.scales else _item_bounds(instrument, component)
            for component in scale.components
        ]
        known = [part for part in parts if part is not None]
        if len(known) < len(parts):
            continue
        rule = scale.missing
        if rule.action == MissingAction.IMPUTE and rule.max_missing:
            known = [
                Bounds(min(p.low, rule.value), max(p.high, rule.value), p.may_be_na) for p in known
            ]
        weights = [scale.weight(component) for component in scale.components]
        found[scale.id] = _combine(scale, known, weights, norms=not before_norms)
    return found


def _item_bounds(instrument: Instrument, item_id: str) -> Bounds | None:
    item = instrument.items_by_id.get(item_id)
    value_range = item.value_range() if item is not None else None
    if item is None or value_range is None:
        return None
    low, high = (multiply(value, item.weight) for value in value_range)
    if item.visible_when is not None:
        if item.hidden_value is None:
            return Bounds(low, high, may_be_na=True)
        low, high = min(low, item.hidden_value), max(high, item.hidden_value)
    return Bounds(low, high)


def _combine(scale: Scale, parts: list[Bounds], weights: list[Number], *, norms: bool) -> Bounds:
    may_be_na = all(part.may_be_na for part in parts)
    scores = [score for table in scale.norms for _, _, score in table.rows]
    if scores and norms:
        return Bounds(min(scores), max(scores), may_be_na)
    lowest, highest = min(part.low for part in parts), max(part.high for part in parts)
    low, high, rule = lowest, highest, scale.missing
    if scale.method != Method.MEAN:
        # A part that may be left out (not applicable, or unanswered with `score_answered`)
        # counts as if it scored 0.
        unscored = rule.max_missing > 0 and rule.action == MissingAction.SCORE_ANSWERED
        lows = [min(p.low, 0) if p.may_be_na or unscored else p.low for p in parts]
        highs = [max(p.high, 0) if p.may_be_na or unscored else p.high for p in parts]
        low, high = sum(map(multiply, lows, weights)), sum(map(multiply, highs, weights))
        prorated = rule.max_missing > 0 and rule.action == MissingAction.PRORATE
        if prorated or any(part.may_be_na for part in parts):
            # Prorating multiplies the mean of the answered items by the applicable weight.
            low = min(low, multiply(sum(weights), lowest), multiply(min(weights), lowest))
            high = max(high, multiply(sum(weights), highest), multiply(min(weights), highest))
        if scale.method == Method.SCALED_SUM:
            low, high = multiply(low, scale.factor), multiply(high, scale.factor)
    return Bounds(
        round_to(divide(low, 1), scale.decimals, scale.rounding),
        round_to(divide(high, 1), scale.decimals, scale.rounding),
        may_be_na,
    )
