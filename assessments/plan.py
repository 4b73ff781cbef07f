"""Compile a validated instrument once into a plan that makes scoring a tight loop.

The plan precomputes, per item, a lookup code -> (value, scored value, positive), and per scale
its components, weights, band table and method, so that scoring does dictionary lookups and
additions and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .bounds import Bounds, scale_bounds
from .evaluation import Context, Test, compile_condition
from .model import (
    Action,
    Band,
    Flag,
    HiddenAnswers,
    Instrument,
    Item,
    ItemKind,
    Level,
    Method,
    MissingAction,
    Rule,
    Scale,
)
from .numbers import Number

if TYPE_CHECKING:
    from .result import Result

Choice = tuple[Number, Number, bool]


@dataclass(slots=True)
class ItemPlan:
    item: Item
    id: str
    kind: ItemKind
    #: For choice items: option code -> (declared value, scored value, positive).
    choices: dict[str, Choice] | None
    visible: Test | None
    hidden_value: Number | None
    reject_hidden: bool
    minimum: Number | None
    maximum: Number | None
    integer: bool
    #: For reverse-scored number items: min + max, so that scored = reverse_sum - value.
    reverse_sum: Number | None
    positive_min: Number | None


@dataclass(slots=True)
class ScalePlan:
    scale: Scale
    id: str
    components: tuple[str, ...]
    #: None when every weight is 1 (the common case, which takes a faster path).
    weights: tuple[Number, ...] | None
    from_scales: bool
    method: Method
    factor: Number
    decimals: int
    rounding: str
    max_missing: int
    prorate: bool
    #: Unconditional bands; None when the bands depend on client facts.
    bands: tuple[Band, ...] | None
    #: Integer score -> band, when the scale scores whole numbers and has unconditional bands.
    band_of: dict[Number, Band] | None
    band_sets: tuple[tuple[Test | None, tuple[Band, ...]], ...]
    describe: str
    bounds: Bounds | None
    #: The score needs no rounding or division: whole numbers summed, nothing missing.
    exact_sum: bool


class Plan:
    """An instrument compiled for scoring; build it with `compile_plan`."""

    def __init__(self, instrument: Instrument, order: list[Scale]) -> None:
        self.instrument = instrument
        self.items = tuple(_item_plan(item) for item in instrument.items)
        self.items_by_id = {plan.id: plan for plan in self.items}
        self.conditional = tuple(plan for plan in self.items if plan.visible is not None)
        self.scales_by_id = {scale.id: scale for scale in instrument.scales}
        self.bounds = scale_bounds(order, {item.id: item for item in instrument.items})
        self.scales = tuple(
            _scale_plan(scale, self.bounds.get(scale.id), self.items_by_id) for scale in order
        )
        self.declared_order = tuple(scale.id for scale in instrument.scales)
        self.levels_by_code: dict[str, Level] = {level.code: level for level in instrument.levels}
        self.level_rank = {level.code: level.rank for level in instrument.levels}
        self.level_scale = instrument.level_scale
        self.band_level = _band_levels(instrument, self.levels_by_code)
        self.flags_by_code: dict[str, Flag] = {flag.code: flag for flag in instrument.flags}
        self.actions_by_code: dict[str, Action] = {
            action.code: action for action in instrument.actions
        }
        self.rules: tuple[tuple[Rule, Test], ...] = tuple(
            (rule, compile_condition(rule.when)) for rule in instrument.rules
        )
        tags: dict[str, list[str]] = {}
        for item in instrument.items:
            for tag in item.tags:
                tags.setdefault(tag, []).append(item.id)
        self.tags = {tag: tuple(items) for tag, items in sorted(tags.items())}
        self.fact_specs = instrument.facts

    def score(self, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None) -> Result:
        from .scoring import score_plan

        return score_plan(self, answers, facts or {})

    def visible_items(
        self, answers: Mapping[str, Any], facts: Mapping[str, Any]
    ) -> tuple[Item, ...]:
        """Items whose condition holds, reading the answers leniently (invalid ones count as
        unanswered), in the order of the instrument."""
        codes: dict[str, Any] = {}
        values: dict[str, Number] = {}
        positive: set[str] = set()
        context = Context(codes, values, positive, facts)
        visible = []
        for plan in self.items:
            if plan.visible is not None and not plan.visible(context):
                continue
            visible.append(plan.item)
            answer = answers.get(plan.id)
            if plan.choices is not None and isinstance(answer, str) and answer in plan.choices:
                value, _, is_positive = plan.choices[answer]
                codes[plan.id], values[plan.id] = answer, value
                if is_positive:
                    positive.add(plan.id)
            elif plan.kind == ItemKind.TEXT and isinstance(answer, str):
                codes[plan.id] = answer
            elif plan.kind == ItemKind.NUMBER and isinstance(answer, (int, float)):
                from .scoring import read_number

                number, _ = read_number(plan, answer)
                if number is not None:
                    codes[plan.id] = values[plan.id] = number
                    if plan.positive_min is not None and number >= plan.positive_min:
                        positive.add(plan.id)
        return tuple(visible)


def compile_plan(instrument: Instrument, order: list[Scale]) -> Plan:
    return Plan(instrument, order)


def _item_plan(item: Item) -> ItemPlan:
    choices = None
    reverse_sum = None
    value_range = item.value_range()
    if item.is_choice:
        low, high = value_range or (0, 0)
        choices = {
            option.code: (
                option.value,
                low + high - option.value if item.reverse else option.value,
                option.positive,
            )
            for option in item.options
        }
    elif item.reverse and value_range is not None:
        reverse_sum = value_range[0] + value_range[1]
    return ItemPlan(
        item=item,
        id=item.id,
        kind=item.kind,
        choices=choices,
        visible=compile_condition(item.visible_when) if item.visible_when is not None else None,
        hidden_value=item.hidden_value,
        reject_hidden=item.hidden_answers == HiddenAnswers.REJECT,
        minimum=item.minimum,
        maximum=item.maximum,
        integer=item.integer,
        reverse_sum=reverse_sum,
        positive_min=item.positive_min,
    )


def _whole(item: ItemPlan | None) -> bool:
    """The item only ever scores whole numbers."""
    if item is None:
        return False
    if item.choices is not None:
        scores = [scored for _, scored, _ in item.choices.values()]
    else:
        scores = [bound for bound in (item.minimum, item.maximum) if bound is not None]
        if not item.integer:
            return False
    if item.hidden_value is not None:
        scores.append(item.hidden_value)
    return all(isinstance(score, int) for score in scores)


def _scale_plan(scale: Scale, bounds: Bounds | None, items: dict[str, ItemPlan]) -> ScalePlan:
    """Precompute one scale; `describe` names the method and any reverse-scored items."""
    weights = tuple(scale.weight(component) for component in scale.components)
    all_ones = all(weight == 1 for weight in weights)
    unconditional = (
        scale.band_sets[0].bands
        if len(scale.band_sets) == 1 and scale.band_sets[0].when is None
        else None
    )
    band_of: dict[Number, Band] | None = None
    if unconditional is not None and scale.decimals == 0 and bounds is not None:
        band_of = {}
        for band in unconditional:
            for score in range(max(int(band.minimum), int(bounds.low)), int(band.maximum) + 1):
                if score <= int(bounds.high):
                    band_of.setdefault(score, band)
    describe = {
        Method.SUM: "sum",
        Method.MEAN: "mean",
        Method.WEIGHTED_SUM: "weighted sum",
        Method.SCALED_SUM: f"sum x {scale.factor}",
    }[scale.method]
    reversed_items = [c for c in scale.items if c in items and items[c].item.reverse]
    if reversed_items:
        describe += f" (reverse-scored: {', '.join(reversed_items)})"
    return ScalePlan(
        scale=scale,
        id=scale.id,
        components=scale.components,
        weights=None if all_ones else weights,
        from_scales=bool(scale.scales),
        method=scale.method,
        factor=scale.factor,
        decimals=scale.decimals,
        rounding=scale.rounding,
        max_missing=scale.missing.max_missing,
        prorate=scale.missing.action == MissingAction.PRORATE,
        bands=unconditional,
        band_of=band_of,
        band_sets=tuple(
            (
                compile_condition(band_set.when) if band_set.when is not None else None,
                band_set.bands,
            )
            for band_set in scale.band_sets
        ),
        describe=describe,
        bounds=bounds,
        exact_sum=scale.method == Method.SUM
        and all_ones
        and scale.decimals == 0
        and not scale.scales
        and all(_whole(items.get(component)) for component in scale.components),
    )


def _band_levels(instrument: Instrument, levels: dict[str, Level]) -> dict[str, str]:
    """Band code -> level code for the scale that decides the level."""
    if instrument.level_scale is None:
        return {}
    scale = next((s for s in instrument.scales if s.id == instrument.level_scale), None)
    if scale is None:
        return {}
    mapping = {}
    for band_set in scale.band_sets:
        for band in band_set.bands:
            level = band.level or (band.code if band.code in levels else None)
            if level is not None:
                mapping[band.code] = level
    return mapping
