"""Fixtures for the assessment engine tests: a small valid "toy" instrument to mutate.

Nothing here needs Flask or a database, and nothing depends on tests/conftest.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments import Instrument, InstrumentError, Problem, parse_instrument

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENTS = ROOT / "instruments"


def tr(text: str) -> dict[str, str]:
    """A text in both toy languages."""
    return {"en": text, "pl": f"{text} (pl)"}


def option(code: str, value: Any) -> dict[str, Any]:
    return {"code": code, "value": value, "label": tr(code)}


FREQUENCY = [option("never", 0), option("sometimes", 1), option("often", 2), option("always", 3)]

TOY: dict[str, Any] = {
    "format": 1,
    "id": "toy",
    "version": "1.0.0",
    "title": tr("Toy"),
    "licence": "test only",
    "citation": "none",
    "languages": ["en", "pl"],
    "facts": {
        "sex": {"values": ["female", "male"]},
        "age_group": {"values": ["adolescent", "adult"]},
    },
    "option_sets": {
        "freq": FREQUENCY,
        "yes_no": [option("no", 0), option("yes", 1)],
    },
    "items": [
        {"id": "q1", "kind": "single_choice", "options": "freq", "text": tr("Q1")},
        {"id": "q2", "kind": "single_choice", "options": "freq", "text": tr("Q2")},
        {"id": "q3", "kind": "single_choice", "options": "freq", "text": tr("Q3")},
        {"id": "q4", "kind": "single_choice", "options": "freq", "text": tr("Q4")},
        {"id": "y1", "kind": "yes_no", "text": tr("Y1"), "tags": ["danger"]},
        {"id": "y2", "kind": "yes_no", "text": tr("Y2"), "tags": ["danger"]},
        {"id": "n1", "kind": "number", "min": 0, "max": 10, "text": tr("N1")},
        {"id": "t1", "kind": "text", "text": tr("Notes")},
    ],
    "levels": [
        {"code": "low", "label": tr("Low")},
        {"code": "mid", "label": tr("Mid")},
        {"code": "high", "label": tr("High")},
    ],
    "scales": [
        {
            "id": "main",
            "title": tr("Main"),
            "items": ["q1", "q2", "q3", "q4"],
            "bands": [
                {"code": "low", "min": 0, "max": 4},
                {"code": "mid", "min": 5, "max": 8},
                {"code": "high", "min": 9, "max": 12},
            ],
        }
    ],
    "level_scale": "main",
}


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def build(document: dict[str, Any]) -> Instrument:
    return parse_instrument(dump(document), "toy.yaml")


def problems_of(document: dict[str, Any] | str) -> list[Problem]:
    text = document if isinstance(document, str) else dump(document)
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(text, "toy.yaml")
    return caught.value.problems


@pytest.fixture
def doc() -> dict[str, Any]:
    """A fresh copy of the toy instrument document, to change in a test."""
    return copy.deepcopy(TOY)


@pytest.fixture
def toy() -> Instrument:
    return build(copy.deepcopy(TOY))


@pytest.fixture
def make() -> Callable[[dict[str, Any]], Instrument]:
    return build


@pytest.fixture
def broken() -> Callable[[dict[str, Any] | str], list[Problem]]:
    return problems_of


@pytest.fixture
def text() -> Callable[[str], dict[str, str]]:
    return tr


def all_answers(value: str = "never") -> dict[str, str]:
    return {"q1": value, "q2": value, "q3": value, "q4": value}


@pytest.fixture
def answers() -> Callable[[str], dict[str, str]]:
    return all_answers
