"""The lowest and highest score each scale can produce, worked out from the declarations alone.

Used to check that bands cover every possible score, and by the tests to check that no score
ever falls outside its bounds. Weights and factors are positive (validation ensures it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Item, Method, MissingAction, Scale
from .numbers import Number, divide, multiply, round_to


@dataclass(frozen=True, slots=True)
class Bounds:
    low: Number
    high: Number
    #: The scale can come out "not applicable" (all its items hidden with no hidden_value).
    may_be_na: bool = False


def item_bounds(item: Item) -> Bounds | None:
    """The scored range of an item, widened by its hidden_value; None if it has no range."""
    value_range = item.value_range()
    if value_range is None:
        return None
    low, high = value_range
    if item.visible_when is not None:
        if item.hidden_value is None:
            return Bounds(low, high, may_be_na=True)
        low, high = min(low, item.hidden_value), max(high, item.hidden_value)
    return Bounds(low, high)


def scale_bounds(scales: Sequence[Scale], items: Mapping[str, Item]) -> dict[str, Bounds]:
    """Bounds of every scale; `scales` must be in dependency order (components first)."""
    result: dict[str, Bounds] = {}
    for scale in scales:
        parts: list[tuple[Bounds, Number]] = []
        for component in scale.components:
            bounds = result.get(component) if scale.scales else _maybe(items.get(component))
            if bounds is None:
                break
            parts.append((bounds, scale.weight(component)))
        else:
            result[scale.id] = _combine(scale, parts)
    return result


def _maybe(item: Item | None) -> Bounds | None:
    return item_bounds(item) if item is not None else None


def _combine(scale: Scale, parts: list[tuple[Bounds, Number]]) -> Bounds:
    may_be_na = all(bounds.may_be_na for bounds, _ in parts)
    lowest = min(bounds.low for bounds, _ in parts)
    highest = max(bounds.high for bounds, _ in parts)
    if scale.method == Method.MEAN:
        low, high = lowest, highest
    else:
        low = sum((multiply(_low_or_zero(b), w) for b, w in parts), start=0)
        high = sum((multiply(_high_or_zero(b), w) for b, w in parts), start=0)
        may_miss = scale.missing.max_missing > 0
        if may_miss and scale.missing.action == MissingAction.SCORE_ANSWERED:
            # Missing items add nothing, as if each could score 0.
            low = min(low, sum((multiply(min(b.low, 0), w) for b, w in parts), start=0))
            high = max(high, sum((multiply(max(b.high, 0), w) for b, w in parts), start=0))
        prorates = may_miss and scale.missing.action == MissingAction.PRORATE
        if prorates or any(bounds.may_be_na for bounds, _ in parts):
            total = sum((weight for _, weight in parts), start=0)
            smallest = min(weight for _, weight in parts)
            # Prorating multiplies the mean of the answered items by the applicable weight.
            candidates_low = [multiply(total, lowest), multiply(smallest, lowest)]
            candidates_high = [multiply(total, highest), multiply(smallest, highest)]
            low = min(low, *candidates_low)
            high = max(high, *candidates_high)
        if scale.method == Method.SCALED_SUM:
            low, high = multiply(low, scale.factor), multiply(high, scale.factor)
    return Bounds(
        round_to(_exact(low), scale.decimals, scale.rounding),
        round_to(_exact(high), scale.decimals, scale.rounding),
        may_be_na,
    )


def _low_or_zero(bounds: Bounds) -> Number:
    return min(bounds.low, 0) if bounds.may_be_na else bounds.low


def _high_or_zero(bounds: Bounds) -> Number:
    return max(bounds.high, 0) if bounds.may_be_na else bounds.high


def _exact(value: Number) -> Number:
    return divide(value, 1)
