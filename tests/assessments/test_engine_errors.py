"""Broken instrument files: every problem is reported at once, located, documented, and never a
traceback."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import InstrumentError, parse_instrument

DOCS = Path(__file__).resolve().parents[2] / "docs" / "instruments.md"
TOY: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "toy.yaml").read_text("utf-8")
)


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def _set(path: str, value: Any):
    def change(document: dict[str, Any]) -> None:
        *parents, last = _steps(path)
        target = document
        for step in parents:
            target = target[step]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return change


def _steps(path: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"[.\[\]]+", path) if part]


_DELETE = object()
EN = {"en": "x", "pl": "x"}

# (name, change, expected message fragment, expected field, expected item)
CASES = [
    (
        "missing translation",
        _set("items[0].text", {"en": "Q1"}),
        "missing translation for language 'pl'",
        "items[0].text.pl",
        "q1",
    ),
    (
        "undeclared language",
        _set("items[0].text", {"en": "a", "pl": "b", "de": "c"}),
        "translation for undeclared language 'de'",
        "items[0].text.de",
        "q1",
    ),
    (
        "unknown field",
        _set("items[1].reversed", True),
        "unknown field 'reversed'",
        "items[1].reversed",
        "q2",
    ),
    (
        "duplicate item",
        _set("items[1].id", "q1"),
        "item id 'q1' is used twice",
        "items[1].id",
        "q1",
    ),
    (
        "unknown option set",
        _set("items[0].options", "frequency"),
        "unknown option set 'frequency'",
        "items[0].options",
        "q1",
    ),
    (
        "yes_no codes",
        _set(
            "items[4].options",
            [{"code": "y", "value": 1, "label": EN}, {"code": "n", "value": 0, "label": EN}],
        ),
        "exactly the options 'yes' and 'no'",
        "items[4].options",
        "y1",
    ),
    (
        "numeric code",
        _set("option_sets.freq[0].code", 1),
        "expected a code",
        "option_sets.freq[0].code",
        None,
    ),
    (
        "duplicate option code",
        _set("option_sets.freq[1].code", "never"),
        "'never' is declared twice",
        "option_sets.freq",
        None,
    ),
    (
        "option value not a number",
        _set("option_sets.freq[1].value", "one"),
        "expected a finite number",
        "option_sets.freq[1].value",
        None,
    ),
    (
        "unknown kind",
        _set("items[0].kind", "likert"),
        "'likert' is not one of",
        "items[0].kind",
        "q1",
    ),
    ("missing id", _set("items[2].id", _DELETE), "'id' is required", "items[2].id", None),
    (
        "scale unknown item",
        _set("scales[0].items[3]", "q9"),
        "unknown item 'q9'",
        "scales[0].items",
        "scale main",
    ),
    (
        "scale text item",
        _set("scales[0].items[3]", "t1"),
        "free-text item 't1' is never scored",
        "scales[0].items",
        "scale main",
    ),
    (
        "bands overlap",
        _set("scales[0].bands[1].min", 4),
        "bands 'low' and 'mid' overlap",
        "bands",
        "scale main",
    ),
    (
        "bands gap",
        _set("scales[0].bands[1].min", 6),
        "no band covers scores between 4 and 6",
        "bands",
        "scale main",
    ),
    (
        "bands short",
        _set("scales[0].bands[2].max", 11),
        "but the scale can score 0..12",
        "bands",
        "scale main",
    ),
    (
        "band min above max",
        _set("scales[0].bands[2].min", 13),
        "min 13 is greater than max 12",
        "scales[0].bands[2].min",
        "scale main",
    ),
    (
        "band decimals",
        _set("scales[0].bands[2].min", 8.5),
        "more decimals than the scale's 0",
        "scales[0].bands[2].min",
        "scale main",
    ),
    (
        "unknown method",
        _set("scales[0].method", "median"),
        "'median' is not one of",
        "scales[0].method",
        "scale main",
    ),
    (
        "weights on a sum",
        _set("scales[0].weights", {"q1": 2}),
        "'weights' apply only to methods weighted_sum and mean",
        "scales[0].weights",
        "scale main",
    ),
    (
        "too many missing allowed",
        _set("scales[0].missing", {"max_missing": 4}),
        "max_missing must be smaller than the number of items (4)",
        "scales[0].missing.max_missing",
        "scale main",
    ),
    (
        "unknown level scale",
        _set("level_scale", "total"),
        "unknown scale 'total'",
        "level_scale",
        None,
    ),
    ("bad version", _set("version", "1.0"), "is not a semantic version", "version", None),
    (
        "bad language",
        _set("languages", ["en", "polish"]),
        "'polish' is not a language code",
        "languages[1]",
        None,
    ),
    (
        "visible_when on a later item",
        _set("items[0].visible_when", {"item": "q2", "equals": "often"}),
        "may only refer to items declared before this one",
        "items[0].visible_when.item",
        "q1",
    ),
    (
        "visible_when unknown code",
        _set("items[1].visible_when", {"item": "q1", "equals": "rarely"}),
        "item 'q1' has no option 'rarely'",
        "items[1].visible_when.equals",
        "q2",
    ),
    (
        "undeclared fact",
        _set("items[1].visible_when", {"fact": "gender", "equals": "female"}),
        "undeclared fact 'gender'",
        "items[1].visible_when.fact",
        "q2",
    ),
    (
        "impossible fact value",
        _set("items[1].visible_when", {"fact": "sex", "equals": "woman"}),
        "'woman' is not a possible value of fact 'sex'",
        "items[1].visible_when.equals",
        "q2",
    ),
    (
        "empty fact value",
        _set("items[1].visible_when", {"fact": "sex", "equals": None}),
        "None is not a possible value of fact 'sex'",
        "items[1].visible_when.equals",
        "q2",
    ),
    (
        "not a condition",
        _set("items[1].visible_when", {"when": "q1 > 2"}),
        "not a condition",
        "items[1].visible_when",
        "q2",
    ),
    (
        "hidden_value without condition",
        _set("items[1].hidden_value", 0),
        "hidden_value needs visible_when",
        "items[1].hidden_value",
        "q2",
    ),
    (
        "rule unknown level",
        _set(
            "rules",
            [
                {
                    "id": "r",
                    "when": {"item": "y1", "equals": "yes"},
                    "set_level": "extreme",
                    "reason": EN,
                }
            ],
        ),
        "unknown level 'extreme'",
        "rules[0].set_level",
        "rule r",
    ),
    (
        "rule on no band",
        _set(
            "rules",
            [
                {
                    "id": "r",
                    "when": {"scale": "main", "band_in": []},
                    "raise_level": "low",
                    "reason": EN,
                }
            ],
        ),
        "expected a non-empty list",
        "rules[0].when.band_in",
        "rule r",
    ),
    (
        "rule without effect",
        _set("rules", [{"id": "r", "when": {"item": "y1", "equals": "yes"}, "reason": EN}]),
        "a rule needs an effect",
        "rules[0]",
        "rule r",
    ),
    (
        "rule unknown tag",
        _set(
            "rules",
            [
                {
                    "id": "r",
                    "when": {"positive_among": {"tag": "violence"}, "at_least": 1},
                    "raise_level": "high",
                    "reason": EN,
                }
            ],
        ),
        "no item carries the tag 'violence'",
        "rules[0].when.positive_among",
        "rule r",
    ),
    (
        "vector expects unknown flag",
        _set("vectors", [{"name": "v", "expect": {"flags": ["danger"]}}]),
        "expects unknown flag 'danger'",
        "expect.flags",
        "vector v",
    ),
    (
        "scale cycle",
        _set(
            "scales",
            [
                {
                    "id": "a",
                    "title": EN,
                    "scales": ["b"],
                    "bands": [{"code": "low", "min": 0, "max": 1}],
                },
                {
                    "id": "b",
                    "title": EN,
                    "scales": ["a"],
                    "bands": [{"code": "low", "min": 0, "max": 1}],
                },
            ],
        ),
        "scales are built on each other in a circle",
        "scales",
        None,
    ),
]


@pytest.mark.parametrize(
    ("change", "message", "field", "item"),
    [
        pytest.param(change, message, field, item, id=name)
        for name, change, message, field, item in CASES
    ],
)
def test_broken_instrument_reports_the_documented_problem(change, message, field, item, broken):
    document = copy.deepcopy(TOY)
    change(document)
    problems = broken(document)
    matching = [problem for problem in problems if message in problem.message]
    assert matching, [str(problem) for problem in problems]
    problem = matching[0]
    assert problem.file == "toy.yaml"
    assert problem.field == field
    assert problem.item == item
    assert problem.line is not None and problem.line > 0


@pytest.mark.parametrize("fragment", [case[2] for case in CASES], ids=[case[0] for case in CASES])
def test_every_tested_error_is_documented(fragment):
    documented = DOCS.read_text(encoding="utf-8")
    generic = re.sub(r"'[^']*'|\d+(\.\d+)*|\(\d+\)", "", fragment).strip(" .:")
    words = [word for word in generic.split() if len(word) > 3]
    assert all(word in documented for word in words), fragment


def test_every_problem_is_reported_at_once(broken):
    document = copy.deepcopy(TOY)
    document["items"][0]["text"] = {"en": "only english"}
    document["items"][1]["reversed"] = True
    document["scales"][0]["bands"][1]["min"] = 6
    messages = [problem.message for problem in broken(document)]
    assert len(messages) == 3, messages


def test_problems_carry_the_line_of_the_offending_key(broken):
    text = dump(TOY).replace("kind: number", "kind: numeric")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "kind: numeric" in row)
    (problem,) = broken(text)
    assert problem.line == line
    assert str(problem).startswith(f"toy.yaml:{line}: item n1: items[6].kind: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: [unclosed", "YAML syntax error"),
        ("", "expected a mapping, found nothing"),
        ("- just\n- a list\n", "expected a mapping, found a list"),
        ("id: a\nid: b\n", "duplicate key 'id'"),
        ("id: toy\n\tversion: 1.0.0\n", "YAML syntax error"),
    ],
)
def test_unreadable_yaml_is_a_problem_not_a_traceback(text, message, broken):
    problems = broken(text)
    assert any(message in problem.message for problem in problems), problems


def test_yes_and_no_stay_strings_not_booleans(make):
    text = dump(TOY).replace("code: 'yes'", "code: yes").replace("code: 'no'", "code: no")
    assert "code: yes" in text
    instrument = parse_instrument(text, "toy.yaml")
    assert [option.code for option in instrument.item("y1").options] == ["no", "yes"]


def test_load_instrument_reports_a_missing_file(tmp_path):
    from assessments import load_instrument

    with pytest.raises(InstrumentError) as caught:
        load_instrument(tmp_path / "nothing.yaml")
    assert caught.value.problems[0].message == "file not found"


JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 30)
    | st.text(max_size=6)
    | st.sampled_from(["q1", "yes", "low"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            paths += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += _paths(value, (*prefix, index))
    return paths


TOY_PATHS = _paths(TOY)[1:]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(TOY_PATHS), JUNK), min_size=1, max_size=3))
def test_any_corruption_gives_instrument_error_never_a_traceback(changes):
    document = copy.deepcopy(TOY)
    for path, junk in changes:
        target = document
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = junk
        except (KeyError, IndexError, TypeError):
            continue
    try:
        parse_instrument(dump(document), "fuzz.yaml")
    except InstrumentError as error:
        assert error.problems
        assert all(problem.message for problem in error.problems)
