"""Compile a validated instrument once into a plan that makes scoring a tight loop.

The plan precomputes, per item, a lookup code -> (value, scored value, positive), and per scale
its components, weights, band table and method, so that scoring does dictionary lookups and
additions and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .answers import group_conditional, read_number
from .bounds import Bounds, scale_bounds
from .conditions import AllOf, AnyOf, Condition, ItemTest, Not, PositiveCount
from .evaluation import Context, Explainer, ItemFacts, Test, compile_condition, compile_explainer
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
from .result import Result
from .scoring import score_plan

Choice = tuple[Number, Number, bool]
BandEntry = tuple[str, dict[str, str], tuple[Number, Number]]
#: A rule's explainer, id, set_level, raise_level, flags, actions, effects and reason.
RuleStep = tuple[Explainer, str, Any, Any, tuple[str, ...], tuple[str, ...], Any, Any]


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
    #: Fetches the scored values of all components at once (KeyError if one is absent).
    fetch: Callable[[Mapping[str, Number]], tuple[Number, ...]]
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
    #: Integer score -> (band code, label, bounds), for whole-number scores and unconditional bands.
    band_of: dict[Number, BandEntry] | None
    band_sets: tuple[tuple[Test | None, tuple[Band, ...]], ...]
    describe: str
    bounds: Bounds | None
    #: Whole numbers times whole weights, summed: when nothing is missing, no rounding or division.
    exact: bool
    #: A 0 per component: the default when summing items some of which are not applicable.
    zeros: tuple[int, ...]


class Plan:
    """An instrument compiled for scoring; build it with `compile_plan`."""

    def __init__(self, instrument: Instrument, order: list[Scale]) -> None:
        self.instrument = instrument
        self.item_facts = {item.id: _item_facts(item) for item in instrument.items}
        self.items = tuple(_item_plan(item, self.item_facts) for item in instrument.items)
        self.items_by_id = {plan.id: plan for plan in self.items}
        #: Choice items: option code -> scored value; the one lookup per answer when scoring.
        self.scored_of = {
            plan.id: {code: scored for code, (_, scored, _) in plan.choices.items()}
            for plan in self.items
            if plan.choices is not None
        }
        self.conditional = tuple(plan for plan in self.items if plan.visible is not None)
        self.conditional_groups = group_conditional(self.conditional)
        self.scales_by_id = {scale.id: scale for scale in instrument.scales}
        self.bounds = scale_bounds(order, {item.id: item for item in instrument.items})
        by_id = {scale.id: scale for scale in order}
        self.scales = tuple(
            _scale_plan(scale, self.bounds.get(scale.id), self.items_by_id, by_id)
            for scale in order
        )
        self.declared_order = tuple(scale.id for scale in instrument.scales)
        #: The scale results in declared order, fetched at once from the results by id.
        self.declared = _fetcher(self.declared_order)
        self.levels_by_code: dict[str, Level] = {level.code: level for level in instrument.levels}
        self.level_rank = {level.code: level.rank for level in instrument.levels}
        self.level_scale = instrument.level_scale
        self.band_level = _band_levels(instrument, self.levels_by_code)
        self.flags_by_code: dict[str, Flag] = {flag.code: flag for flag in instrument.flags}
        self.flag_labels = {flag.code: flag.label for flag in instrument.flags}
        self.action_labels = {action.code: action.label for action in instrument.actions}
        self.level_labels = {level.code: level.label for level in instrument.levels}
        self.actions_by_code: dict[str, Action] = {
            action.code: action for action in instrument.actions
        }
        self.rules: tuple[tuple[Rule, Test, Explainer], ...] = tuple(
            (
                rule,
                compile_condition(rule.when, self.item_facts),
                compile_explainer(rule.when, self.item_facts),
            )
            for rule in instrument.rules
        )
        self.rule_effects = {rule.id: _effects(rule) for rule in instrument.rules}
        self.rule_steps: tuple[tuple[Test, RuleStep], ...] = tuple(
            (
                test,
                (
                    explain,
                    rule.id,
                    rule.set_level,
                    rule.raise_level,
                    rule.flags,
                    rule.actions,
                    self.rule_effects[rule.id],
                    rule.reason,
                ),
            )
            for rule, test, explain in self.rules
        )
        tags: dict[str, list[tuple[str, ItemFacts]]] = {}
        for item in instrument.items:
            for tag in item.tags:
                tags.setdefault(tag, []).append((item.id, self.item_facts[item.id]))
        self.tags = {tag: tuple(item for item, _ in items) for tag, items in sorted(tags.items())}
        self.tag_members = tuple((tag, items, frozenset(items)) for tag, items in self.tags.items())
        #: The items whose positivity anything reads, with their positive codes / facts.
        watched = {item for items in self.tags.values() for item in items}
        watched |= {item for rule in instrument.rules for item in _positive_reads(rule.when)}
        self.positive_codes = tuple(
            (item, self.item_facts[item].positive)
            for item in sorted(watched)
            if self.item_facts[item].values is not None
        )
        self.positive_numbers = tuple(
            (item, self.item_facts[item])
            for item in sorted(watched)
            if self.item_facts[item].values is None
        )
        #: Option code -> scored value per choice item, or a marker accepting any text.
        self.answer_lookup: dict[str, Mapping[str, Any]] = {**self.scored_of}
        for plan in self.items:
            if plan.kind == ItemKind.TEXT:
                self.answer_lookup[plan.id] = _ANY_TEXT
        self.fact_specs = instrument.facts

    def score(self, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None) -> Result:
        return score_plan(self, answers, facts or {})

    def visible_items(
        self, answers: Mapping[str, Any], facts: Mapping[str, Any]
    ) -> tuple[Item, ...]:
        """Items whose condition holds, reading the answers leniently (invalid ones count as
        unanswered), in the order of the instrument."""
        asked: dict[str, Any] = {}
        context = Context(asked, facts)
        visible = []
        for plan in self.items:
            if plan.visible is not None and not plan.visible(context):
                continue
            visible.append(plan.item)
            answer = answers.get(plan.id)
            if plan.choices is not None:
                if isinstance(answer, str) and answer in plan.choices:
                    asked[plan.id] = answer
            elif plan.kind == ItemKind.TEXT:
                if isinstance(answer, str):
                    asked[plan.id] = answer
            elif answer is not None:
                number, _ = read_number(plan, answer)
                if number is not None:
                    asked[plan.id] = number
        return tuple(visible)


class _AnyText(dict[str, Any]):
    """Looks up any string as TEXT (so free text passes the one-lookup check of scoring)."""

    def __missing__(self, key: Any) -> Any:
        if isinstance(key, str):
            return TEXT
        raise KeyError(key)


#: The "scored value" of a free-text answer; never read, because text items are in no scale.
TEXT = object()
_ANY_TEXT = _AnyText()


def compile_plan(instrument: Instrument, order: list[Scale]) -> Plan:
    return Plan(instrument, order)


def _positive_reads(condition: Condition) -> set[str]:
    """The items whose positivity a condition reads."""
    if isinstance(condition, (AllOf, AnyOf)):
        return set().union(*(_positive_reads(part) for part in condition.parts))
    if isinstance(condition, Not):
        return _positive_reads(condition.part)
    if isinstance(condition, PositiveCount):
        return set(condition.items)
    if isinstance(condition, ItemTest) and condition.op == "positive":
        return {condition.item}
    return set()


def _effects(rule: Rule) -> tuple[str, ...]:
    """What a rule does, in words, for the explanation trace."""
    effects = []
    if rule.set_level is not None:
        effects.append(f"sets level to {rule.set_level}")
    if rule.raise_level is not None:
        effects.append(f"raises level to at least {rule.raise_level}")
    effects += [f"raises flag {flag}" for flag in rule.flags]
    effects += [f"requires action {action}" for action in rule.actions]
    return tuple(effects)


def _item_facts(item: Item) -> ItemFacts:
    if item.options:
        return ItemFacts(
            values={option.code: option.value for option in item.options},
            positive=frozenset(option.code for option in item.options if option.positive),
        )
    return ItemFacts(positive_min=item.positive_min)


def _item_plan(item: Item, facts: Mapping[str, ItemFacts]) -> ItemPlan:
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
        visible=compile_condition(item.visible_when, facts)
        if item.visible_when is not None
        else None,
        hidden_value=item.hidden_value,
        reject_hidden=item.hidden_answers == HiddenAnswers.REJECT,
        minimum=item.minimum,
        maximum=item.maximum,
        integer=item.integer,
        reverse_sum=reverse_sum,
        positive_min=item.positive_min,
    )


def _fetcher(components: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if not components:
        return lambda found: ()
    if len(components) == 1:
        (only,) = components
        return lambda scored: (scored[only],)
    return itemgetter(*components)


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


def _scale_plan(
    scale: Scale, bounds: Bounds | None, items: dict[str, ItemPlan], scales: dict[str, Scale]
) -> ScalePlan:
    """Precompute one scale; `describe` names the method and any reverse-scored items."""
    weights = tuple(scale.weight(component) for component in scale.components)
    all_ones = all(weight == 1 for weight in weights)
    if scale.scales:
        whole = all(scales[component].decimals == 0 for component in scale.scales)
    else:
        whole = all(_whole(items.get(component)) for component in scale.components)
    unconditional = (
        scale.band_sets[0].bands
        if len(scale.band_sets) == 1 and scale.band_sets[0].when is None
        else None
    )
    band_of: dict[Number, BandEntry] | None = None
    if unconditional is not None and scale.decimals == 0 and bounds is not None:
        band_of = {}
        for band in unconditional:
            for score in range(max(int(band.minimum), int(bounds.low)), int(band.maximum) + 1):
                if score <= int(bounds.high):
                    band_of.setdefault(score, (band.code, band.label, band.bounds))
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
        fetch=_fetcher(scale.components),
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
        exact=scale.method in (Method.SUM, Method.WEIGHTED_SUM)
        and scale.decimals == 0
        and all(isinstance(weight, int) for weight in weights)
        and whole,
        zeros=(0,) * len(scale.components),
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
