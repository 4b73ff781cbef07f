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
    """The lowest and highest score a scale can produce, worked out from the declarations."""

    low: Number
    high: Number
    #: The scale can come out "not applicable" (all its items hidden with no hidden_value).
    may_be_na: bool = False


def bounds(instrument: Instrument, *, before_norms: bool = False) -> dict[str, Bounds]:
    """Bounds of every scale whose components all have a range; weights and factors are > 0.

    `before_norms`: the scores a norm table is looked up with, rather than its standard scores.
    """
    found: dict[str, Bounds] = {}
    for scale_id in instrument.scoring_order:
        scale = instrument.scale(scale_id)
        parts = []
        for component in scale.components:
            part = found.get(component) if scale.scales else _item_bounds(instrument, component)
            if part is None:
                break
            if scale.missing.action == MissingAction.IMPUTE and scale.missing.max_missing:
                imputed = scale.missing.value
                part = Bounds(min(part.low, imputed), max(part.high, imputed), part.may_be_na)
            parts.append((part, scale.weight(component)))
        else:
            found[scale_id] = _combine(scale, parts, norms=not before_norms)
    return found


def _item_bounds(instrument: Instrument, item_id: str) -> Bounds | None:
    item = instrument.item(item_id) if instrument.has("item", item_id) else None
    value_range = item.value_range() if item is not None else None
    if item is None or value_range is None:
        return None
    low, high = (multiply(value, item.weight) for value in value_range)
    if item.visible_when is not None:
        if item.hidden_value is None:
            return Bounds(low, high, may_be_na=True)
        low, high = min(low, item.hidden_value), max(high, item.hidden_value)
    return Bounds(low, high)


def _combine(scale: Scale, parts: list[tuple[Bounds, Number]], *, norms: bool) -> Bounds:
    may_be_na = all(part.may_be_na for part, _ in parts)
    lowest = min(part.low for part, _ in parts)
    highest = max(part.high for part, _ in parts)
    if scale.method == Method.MEAN:
        low, high = lowest, highest
    else:
        # A part that may be not applicable may also contribute nothing, as if it scored 0.
        low = sum((multiply(min(p.low, 0) if p.may_be_na else p.low, w) for p, w in parts), start=0)
        high = sum(
            (multiply(max(p.high, 0) if p.may_be_na else p.high, w) for p, w in parts), start=0
        )
        may_miss = scale.missing.max_missing > 0
        if may_miss and scale.missing.action == MissingAction.SCORE_ANSWERED:
            low = min(low, sum((multiply(min(p.low, 0), w) for p, w in parts), start=0))
            high = max(high, sum((multiply(max(p.high, 0), w) for p, w in parts), start=0))
        if (may_miss and scale.missing.action == MissingAction.PRORATE) or any(
            p.may_be_na for p, _ in parts
        ):
            # Prorating multiplies the mean of the answered items by the applicable weight.
            total = sum((weight for _, weight in parts), start=0)
            smallest = min(weight for _, weight in parts)
            low = min(low, multiply(total, lowest), multiply(smallest, lowest))
            high = max(high, multiply(total, highest), multiply(smallest, highest))
        if scale.method == Method.SCALED_SUM:
            low, high = multiply(low, scale.factor), multiply(high, scale.factor)
    scores = [score for table in scale.norms for _, _, score in table.rows]
    if scores and norms:
        return Bounds(min(scores), max(scores), may_be_na)
    exact_low, exact_high = divide(low, 1), divide(high, 1)
    return Bounds(
        round_to(exact_low, scale.decimals, scale.rounding),
        round_to(exact_high, scale.decimals, scale.rounding),
        may_be_na,
    )
