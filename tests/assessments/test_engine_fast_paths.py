"""The fast paths of scoring (whole-number scales, with or without items that are not applicable)
give exactly what the general path gives, on random answers to every shipped instrument and to
instruments using conditional bands, weights, means, decimals, hidden values and facts."""

from __future__ import annotations

import copy
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments import AnswerError, Instrument, ItemKind, load_instrument, parse_instrument

ROOT = Path(__file__).resolve().parents[2]
TOY: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "toy.yaml").read_text("utf-8")
)
EXAMPLE = re.search(
    r"## A full example.*?```yaml\n(.*?)```",
    (ROOT / "docs" / "instruments.md").read_text("utf-8"),
    re.S,
).group(1)  # type: ignore[union-attr]


def _toy_plus() -> Instrument:
    doc = copy.deepcopy(TOY)
    doc["items"][1]["reverse"] = True
    doc["items"][6].update({"positive_min": 5, "tags": ["danger"]})
    doc["items"][2]["visible_when"] = {"not": {"item": "q1", "positive": True}}
    doc["items"][3]["visible_when"] = {
        "any": [{"item": "q1", "at_least": 2}, {"fact": "sex", "equals": "female"}]
    }
    doc["items"][3]["hidden_value"] = 1
    doc["scales"][0]["missing"] = {"max_missing": 2, "action": "prorate"}
    title = {"en": "s", "pl": "s"}
    doc["scales"] += [
        {
            "id": "avg",
            "title": title,
            "method": "mean",
            "items": ["q1", "q2", "q3", "n1"],
            "decimals": 2,
            "weights": {"n1": 2},
            "missing": {"max_missing": 2, "action": "prorate"},
            "bands": [
                {"code": "low", "min": 0, "max": 3},
                {"code": "high", "min": 3.01, "max": 10},
            ],
        },
        {
            "id": "wsum",
            "title": title,
            "method": "weighted_sum",
            "items": ["q1", "y1", "y2", "n1"],
            "weights": {"y1": 3, "n1": 2},
            "missing": {"max_missing": 1, "action": "prorate"},
            "rounding": "half_even",
            "bands": [
                {"code": "low", "min": 0, "max": 10},
                {"code": "high", "min": 11, "max": 100},
            ],
        },
        {
            "id": "tot",
            "title": title,
            "scales": ["main", "wsum"],
            "bands": [
                {"code": "low", "min": 0, "max": 60},
                {"code": "high", "min": 61, "max": 400},
            ],
        },
    ]
    reason = {"en": "r", "pl": "r"}
    doc["flags"] = [{"code": "f1", "label": reason}, {"code": "f2", "label": reason}]
    doc["actions"] = [{"code": "a1", "label": reason}]
    doc["rules"] = [
        {
            "id": "r1",
            "when": {"positive_among": {"tag": "danger"}, "at_least": 1},
            "raise_level": "mid",
            "flags": ["f1"],
        },
        {
            "id": "r2",
            "when": {"all": [{"item": "n1", "greater_than": 7}, {"scale": "avg", "at_least": 2}]},
            "set_level": "high",
            "actions": ["a1"],
        },
        {
            "id": "r3",
            "when": {
                "any": [
                    {"scale": "main", "status_in": ["missing", "prorated"]},
                    {"item": "q2", "in": ["often", "always"]},
                    {"fact": "age_group", "equals": "adolescent"},
                ]
            },
            "flags": ["f2", "f1"],
        },
        {
            "id": "r4",
            "when": {"positive_among": ["q1", "q2", "y2", "n1"], "more_than": 1},
            "set_level": "low",
            "flags": ["f2"],
        },
        {"id": "r5", "when": {"item": "q3", "not_in": ["never"]}, "raise_level": "high"},
        {"id": "r6", "when": {"not": {"item": "q4", "answered": True}}, "flags": ["f2"]},
        {"id": "r7", "when": {"scale": "tot", "band_in": ["low"]}, "flags": ["f1"]},
        {"id": "r8", "when": {"fact": "sex", "present": True}, "actions": ["a1"]},
    ]
    for rule in doc["rules"]:
        rule["reason"] = reason
    return parse_instrument(yaml.safe_dump(doc, sort_keys=False), "toy_plus.yaml")


INSTRUMENTS = {
    "norr": load_instrument(ROOT / "instruments" / "norr.yaml"),
    "phq9": load_instrument(ROOT / "instruments" / "phq9.yaml"),
    "gad7": load_instrument(ROOT / "instruments" / "gad7.yaml"),
    "example": parse_instrument(EXAMPLE, "example.yaml"),
    "example_reject": parse_instrument(
        EXAMPLE.replace("hidden_answers: discard", "hidden_answers: reject"), "example.yaml"
    ),
    "toy_plus": _toy_plus(),
}
FACTS: list[dict[str, Any] | None] = [
    None,
    {},
    {"sex": "female"},
    {"sex": "male", "age_group": "adolescent"},
    {"age_group": "adult", "children_in_household": True},
    {"children_in_household": False, "sex": "other"},
    {"sex": "unknown"},
]
ODD = [None, "bogus", 3, 2.5, True, Decimal("1.5"), "", [], 2.0]


def _answers(instrument: Instrument, rng: random.Random, odd: float) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in instrument.items:
        draw = rng.random()
        if draw < odd / 2:
            continue
        if draw < odd:
            answers[item.id] = rng.choice(ODD)
        elif item.options:
            answers[item.id] = rng.choice([option.code for option in item.options])
        elif item.kind == ItemKind.NUMBER:
            answers[item.id] = rng.randint(int(item.minimum or 0), int(item.maximum or 10))
        elif draw < 0.7:
            answers[item.id] = rng.choice(["a note", ""])
    return answers


def _outcome(instrument: Instrument, answers: dict[str, Any], facts: Any) -> Any:
    try:
        result = instrument.score(answers, facts)
    except AnswerError as error:
        return repr(error.problems)
    return repr(result), result.to_json()


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
def test_fast_paths_give_what_the_general_path_gives(name, monkeypatch):
    instrument = INSTRUMENTS[name]
    rng = random.Random(name)
    cases = [
        (_answers(instrument, rng, odd), rng.choice(FACTS))
        for odd in (0.0, 0.0, 0.03, 0.1, 0.3)
        for _ in range(300)
    ]
    fast = [_outcome(instrument, answers, facts) for answers, facts in cases]
    exact = [scale for scale in instrument.compiled.scales if scale.exact]
    if name == "norr":
        assert len(exact) == len(instrument.scales), "NORR's scales are all whole-number sums"
    for scale in exact:
        monkeypatch.setattr(scale, "exact", False)
    general = [_outcome(instrument, answers, facts) for answers, facts in cases]
    for case, found, expected in zip(cases, fast, general, strict=True):
        assert found == expected, case
