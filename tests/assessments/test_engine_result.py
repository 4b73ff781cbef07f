"""Results are deterministic, serialise to JSON without floats, and round-trip exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from assessments import Result, ResultFormatError, load_instrument, score
from assessments.vectors import vector_answers

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"
NORR = load_instrument(INSTRUMENTS / "norr.yaml")
PHQ9 = load_instrument(INSTRUMENTS / "phq9.yaml")
CASES = [
    pytest.param(instrument, vector, id=f"{instrument.id}: {vector.name}")
    for instrument in (NORR, PHQ9)
    for vector in instrument.vectors
    if not vector.expect_errors
]


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, list):
        for item in value:
            yield from _floats(item)


@pytest.mark.parametrize(("instrument", "vector"), CASES)
def test_result_round_trips_through_json(instrument, vector):
    result = score(instrument, vector_answers(instrument, vector), vector.facts)
    stored = json.loads(json.dumps(result.to_dict()))
    assert Result.from_dict(stored) == result
    assert Result.from_dict(stored).to_json() == result.to_json()
    assert list(_floats(stored)) == []


@pytest.mark.parametrize(("instrument", "vector"), CASES[:5])
def test_rescoring_the_same_answers_gives_an_equal_result(instrument, vector):
    answers = vector_answers(instrument, vector)
    first = score(instrument, answers, vector.facts)
    reloaded = load_instrument(instrument.source)
    assert score(reloaded, dict(reversed(list(answers.items()))), vector.facts) == first
    assert score(reloaded, answers, vector.facts).to_json() == first.to_json()


def test_result_carries_instrument_id_and_version():
    stored = score(PHQ9, {}).to_dict()
    assert stored["instrument"] == {"id": "phq9", "version": "1.0.0"}
    assert stored["format"] == 1


def test_decimal_scores_are_stored_as_exact_strings(doc, make):
    doc["scales"].append(
        {
            "id": "avg",
            "title": {"en": "a", "pl": "a"},
            "method": "mean",
            "items": ["q1", "q2", "q3"],
            "decimals": 2,
            "bands": [{"code": "low", "min": 0, "max": 3}],
        }
    )
    result = score(make(doc), {"q1": "always", "q2": "sometimes", "q3": "never", "q4": "never"})
    stored = result.to_dict()["scales"][1]
    assert (stored["score"], stored["raw"]) == ("1.33", 4)
    assert Result.from_dict(result.to_dict()).scale("avg").score == Decimal("1.33")


def test_trace_explains_answers_rules_and_level():
    answers = {**vector_answers(NORR, NORR.vectors[0]), "v_strangle": "yes"}
    trace = score(NORR, answers).trace
    steps = [(entry.step, entry.target) for entry in trace]
    assert ("rule", "violence_grave") in steps
    assert steps[-1] == ("level", "final")
    rule_entry = next(entry for entry in trace if entry.target == "violence_grave")
    assert "v_strangle" in rule_entry.message
    assert rule_entry.reason["uk"].startswith("Розкрито")
    assert "final level: very_high" in trace[-1].message


def test_from_dict_rejects_unknown_formats_and_garbage():
    with pytest.raises(ResultFormatError):
        Result.from_dict({"format": 99})
    with pytest.raises(ResultFormatError):
        Result.from_dict({"format": 1, "instrument": {"id": "x"}})
    with pytest.raises(ResultFormatError):
        Result.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]


def _spoiled(path: str, value):
    """NORR's highest-risk vector stored, with the value at `path` (keys and list indexes)
    replaced or removed."""
    vector = NORR.vectors[1]
    stored = json.loads(json.dumps(score(NORR, vector_answers(NORR, vector)).to_dict()))
    assert stored["flags"] and stored["rules"] and stored["positive_tags"]["violence"]
    *parents, last = [int(step) if step.isdigit() else step for step in path.split(".")]
    target = stored
    for step in parents:
        target = target[step]
    if value is _GONE:
        del target[last]
    else:
        target[last] = value
    return stored


_GONE = object()
SPOILED = [
    ("scales", None),
    ("hidden", None),
    ("flags", None),
    ("rules", None),
    ("positive_tags", None),
    ("level", _GONE),
    ("scales.0", ["total"]),
    ("scales.0", "total"),
    ("flags.0", "violence_disclosed"),
    ("rules.0", ["r"]),
    ("scales.0.values", None),
    ("scales.0.components", None),
    ("scales.0.score", "many"),
    ("scales.0.score", True),
    ("scales.0.band_range", [1]),
    ("rules.0.effects", None),
    ("rules.0.evidence", 3),
    ("flags.0.rules", None),
    ("flags.0.label", ["x"]),
    ("level_label", "high"),
    ("positive_tags.violence", None),
]


@pytest.mark.parametrize(("path", "value"), SPOILED, ids=[f"{p}={v!r}" for p, v in SPOILED])
def test_a_malformed_stored_result_is_refused_not_read_into_a_broken_result(path, value):
    stored = _spoiled(path, value)
    with pytest.raises(ResultFormatError, match="malformed stored result"):
        Result.from_dict(stored)
