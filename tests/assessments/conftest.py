"""Fixtures for the engine tests: a small valid "toy" instrument (data/toy.yaml) to mutate.

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


TOY_FILE = Path(__file__).parent / "data" / "toy.yaml"
TOY: dict[str, Any] = yaml.safe_load(TOY_FILE.read_text(encoding="utf-8"))


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


@pytest.fixture
def dump_yaml() -> Callable[[dict[str, Any]], str]:
    return dump


def all_answers(value: str = "never") -> dict[str, str]:
    return {"q1": value, "q2": value, "q3": value, "q4": value}


@pytest.fixture
def answers() -> Callable[[str], dict[str, str]]:
    return all_answers
