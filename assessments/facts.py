"""Client facts (sex, age group, children in the household, ...) checked against declarations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import Problem
from .model import FactSpec
from .numbers import as_number


def fact_problems(specs: Iterable[FactSpec], facts: Mapping[str, Any]) -> list[Problem]:
    """One problem per declared fact with an impossible value; absent and undeclared facts pass."""
    problems = []
    for spec in specs:
        value = facts.get(spec.name)
        if value is None:
            continue
        if spec.kind == "boolean":
            valid = isinstance(value, bool)
        elif spec.kind == "number":
            valid = as_number(value) is not None
        else:
            valid = isinstance(value, str) and value in spec.values
        if not valid:
            expected = ", ".join(spec.values) if spec.kind == "enum" else spec.kind
            problems.append(
                Problem(
                    f"{value!r} is not a valid value (expected {expected})",
                    item=f"facts.{spec.name}",
                    field="fact",
                )
            )
    return problems
