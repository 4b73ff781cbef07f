"""The engine agrees with a naive reference scorer written here, on random answers (some
missing, some to items that end up hidden) and random facts, for every shipped instrument.

The reference reads the instrument's declarations and its conditions in their YAML form
(`to_dict()`), and scores the way docs/instruments.md describes, with plain loops and Fractions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import Instrument, ItemKind, load_instrument, score

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"
SHIPPED = {path.stem: load_instrument(path) for path in sorted(INSTRUMENTS.glob("*.yaml"))}
ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def positive(instrument: Instrument, item_id: str, answer: Any) -> bool:
    item = instrument.item(item_id)
    if answer is None:
        return False
    if item.options:
        declared = {o.code: o for o in item.options}[answer]
        # Options may say positive: true/false; otherwise above the lowest possible score.
        return declared.positive
    return item.positive_min is not None and answer >= item.positive_min


def holds(
    instrument: Instrument, condition: dict, answers: dict, facts: dict, scales: dict
) -> bool:
    if "all" in condition:
        return all(holds(instrument, c, answers, facts, scales) for c in condition["all"])
    if "any" in condition:
        return any(holds(instrument, c, answers, facts, scales) for c in condition["any"])
    if "not" in condition:
        return not holds(instrument, condition["not"], answers, facts, scales)
    if "item" in condition:
        answer = answers.get(condition["item"])
        if "answered" in condition:
            return (answer is not None) == condition["answered"]
        if answer is None:
            return False
        if "equals" in condition:
            return answer == condition["equals"]
        if "in" in condition:
            return answer in condition["in"]
        item = instrument.item(condition["item"])
        value = {o.code: o.value for o in item.options}.get(answer, answer)
        if "at_least" in condition:
            return value >= condition["at_least"]
        raise AssertionError(f"the reference does not know {condition}")
    if "positive_among" in condition:
        among = condition["positive_among"]
        ids = instrument.tagged(among["tag"]) if isinstance(among, dict) else among
        count = sum(positive(instrument, i, answers.get(i)) for i in ids)
        if "at_least" in condition:
            return count >= condition["at_least"]
        if "more_than" in condition:
            return count > condition["more_than"]
        raise AssertionError(f"the reference does not know {condition}")
    if "scale" in condition:
        band, status = scales[condition["scale"]]["band"], scales[condition["scale"]]["status"]
        if "band_in" in condition:
            return band in condition["band_in"]
        if "status_in" in condition:
            return status in condition["status_in"]
    if "fact" in condition:
        return facts.get(condition["fact"]) == condition["equals"]
    raise AssertionError(f"the reference does not know {condition}")


def reference(instrument: Instrument, answers: dict, facts: dict) -> dict:
    asked: dict[str, Any] = {}
    values: dict[str, Fraction] = {}
    hidden = []
    for item in instrument.items:
        visible = item.visible_when is None or holds(
            instrument, item.visible_when.to_dict(), asked, facts, {}
        )
        if not visible:
            hidden.append(item.id)
            if item.hidden_value is not None:
                values[item.id] = Fraction(item.hidden_value)
            continue
        answer = answers.get(item.id)
        asked[item.id] = answer
        if answer is not None and item.kind != ItemKind.TEXT:
            declared = {o.code: o.value for o in item.options}[answer] if item.options else answer
            low, high = item.value_range()
            values[item.id] = Fraction(low + high - declared if item.reverse else declared)
    scales: dict[str, dict] = {}
    for scale_id in instrument.scoring_order:
        scale = instrument.scale(scale_id)
        total, answered, raw, missing, applicable = Fraction(0), Fraction(0), Fraction(0), 0, False
        blocked = False
        for component in scale.components:
            weight = Fraction(scale.weight(component))
            if scale.scales:
                part = scales[component]
                if part["status"] == "missing":
                    blocked = True
                if part["status"] in ("missing", "not_applicable"):
                    continue
                value = Fraction(part["score"])
            elif component in hidden and component not in values:
                continue
            else:
                value = values.get(component)
            applicable = True
            total += weight
            if value is None:
                missing += 1
                continue
            raw += weight * value
            answered += weight
        if blocked or (applicable and (missing > scale.missing.max_missing or answered == 0)):
            scales[scale_id] = {"status": "missing", "score": None, "band": None}
            continue
        if not applicable:
            scales[scale_id] = {"status": "not_applicable", "score": None, "band": None}
            continue
        status = "complete"
        result = raw
        if scale.method == "mean":
            result = raw / answered
        elif missing and scale.missing.action == "prorate":
            result, status = raw * total / answered, "prorated"
        if scale.method == "mean" and missing:
            status = "prorated" if scale.missing.action == "prorate" else "partial"
        if scale.method == "scaled_sum":
            result *= Fraction(scale.factor)
        exponent = Decimal(1).scaleb(-scale.decimals)
        exact = Decimal(result.numerator) / Decimal(result.denominator)
        rounded = exact.quantize(exponent, rounding=ROUNDING[scale.rounding])
        band_sets = scale.band_sets
        bands = next(
            s.bands
            for s in band_sets
            if s.when is None or holds(instrument, s.when.to_dict(), asked, facts, {})
        )
        band = next((b.code for b in bands if b.minimum <= rounded <= b.maximum), None)
        scales[scale_id] = {"status": status, "score": rounded, "band": band}
    rank = {level.code: level.rank for level in instrument.levels}
    level = None
    if instrument.level_scale:
        band = scales[instrument.level_scale]["band"]
        for band_set in instrument.scale(instrument.level_scale).band_sets:
            for declared in band_set.bands:
                if declared.code == band:
                    level = declared.level or declared.code
    flags, actions, forced = set(), set(), None
    for rule in instrument.rules:
        if holds(instrument, rule.when.to_dict(), asked, facts, scales):
            if rule.raise_level and (level is None or rank[rule.raise_level] > rank[level]):
                level = rule.raise_level
            if rule.set_level and (forced is None or rank[rule.set_level] > rank[forced]):
                forced = rule.set_level
            flags |= set(rule.flags)
            actions |= set(rule.actions)
    return {
        "level": forced or level,
        "flags": flags,
        "actions": actions,
        "hidden": hidden,
        "scales": scales,
    }


def responses(instrument: Instrument) -> st.SearchStrategy[dict]:
    fields = {}
    for item in instrument.items:
        if item.kind == ItemKind.TEXT:
            answer = st.none() | st.text(max_size=5)
        elif item.options:
            answer = st.none() | st.sampled_from([o.code for o in item.options])
        else:
            answer = st.none() | st.integers(int(item.minimum or 0), int(item.maximum or 10))
        fields[item.id] = answer
    return st.fixed_dictionaries(fields)


def facts_of(instrument: Instrument) -> st.SearchStrategy[dict]:
    fields = {}
    for spec in instrument.facts:
        choices = st.booleans() if spec.kind == "boolean" else st.sampled_from(spec.values)
        fields[spec.name] = st.none() | choices
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_the_engine_agrees_with_the_reference_scorer(name):
    instrument = SHIPPED[name]

    @settings(max_examples=150, deadline=None)
    @given(responses(instrument), facts_of(instrument))
    def agree(answers, facts):
        facts = {k: v for k, v in facts.items() if v is not None}
        found = score(instrument, answers, facts)
        expected = reference(instrument, answers, facts)
        assert found.level == expected["level"]
        assert set(found.flag_codes) == expected["flags"]
        assert set(found.action_codes) == expected["actions"]
        assert list(found.hidden) == expected["hidden"]
        for scale in found.scales:
            wanted = expected["scales"][scale.id]
            assert (scale.status, scale.score, scale.band) == (
                wanted["status"],
                wanted["score"],
                wanted["band"],
            ), scale.id

    agree()
