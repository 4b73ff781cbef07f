"""Structured conditions: the whole condition language, as plain data with no parser and no `eval`.

A condition is written in YAML as a small mapping and becomes one of these nodes:

    {item: q3, in: [often, always]}          ItemTest      (also equals, not_in, answered,
                                                            positive, at_least, at_most,
                                                            greater_than, less_than)
    {fact: sex, equals: female}              FactTest      (also in, not_in, present, comparisons)
    {scale: total, band_in: [high]}          ScaleTest     (also band, status_in, comparisons)
    {positive_among: [v1, v2], at_least: 2}  PositiveCount (items, or {tag: violence})
    {instrument: norr, level_in: [high]}     ResultTest    (routing only: level_in, flag, action,
                                                            tag_positive, scale + band_in)
    {all: [...]}, {any: [...]}, {not: {...}} AllOf, AnyOf, Not
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .numbers import Number, to_json

ITEM_OPS = (
    "in",
    "not_in",
    "equals",
    "answered",
    "positive",
    "at_least",
    "at_most",
    "greater_than",
    "less_than",
)
FACT_OPS = ("equals", "in", "not_in", "present", "at_least", "at_most", "greater_than", "less_than")
SCALE_OPS = ("band", "band_in", "status_in", "at_least", "at_most", "greater_than", "less_than")
COUNT_OPS = ("at_least", "more_than", "at_most", "less_than", "equals")
RESULT_OPS = ("level_in", "flag", "action", "tag_positive", "band_in")
COMPARISONS = ("at_least", "at_most", "greater_than", "less_than")

_WORDS = {
    "in": "is one of",
    "not_in": "is none of",
    "equals": "is",
    "at_least": ">=",
    "at_most": "<=",
    "greater_than": ">",
    "less_than": "<",
    "more_than": ">",
    "band": "is in band",
    "band_in": "is in band",
    "status_in": "has status",
    "level_in": "has level",
}


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(part) for part in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json(part) for part in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return to_json(value)


@dataclass(frozen=True, slots=True)
class ItemTest:
    """A test on one answer; an unanswered or hidden item fails all but `answered: false`."""

    item: str
    op: str
    operand: Any

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, self.op: _json(self.operand)}

    def describe(self) -> str:
        if self.op in ("answered", "positive"):
            return f"item {self.item} {'is' if self.operand else 'is not'} {self.op}"
        return f"item {self.item} {_WORDS[self.op]} {_show(self.operand)}"


@dataclass(frozen=True, slots=True)
class FactTest:
    """A test on a client fact; an absent fact fails every test but `present: false`."""

    fact: str
    op: str
    operand: Any

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, self.op: _json(self.operand)}

    def describe(self) -> str:
        if self.op == "present":
            return f"fact {self.fact} is {'present' if self.operand else 'absent'}"
        return f"fact {self.fact} {_WORDS[self.op]} {_show(self.operand)}"


@dataclass(frozen=True, slots=True)
class ScaleTest:
    """A test on a scale of the same instrument; a missing scale fails all but `status_in`."""

    scale: str
    op: str
    operand: Any

    def to_dict(self) -> dict[str, Any]:
        return {"scale": self.scale, self.op: _json(self.operand)}

    def describe(self) -> str:
        return f"scale {self.scale} {_WORDS[self.op]} {_show(self.operand)}"


@dataclass(frozen=True, slots=True)
class PositiveCount:
    """How many of the given items (or of the items with a tag) were answered positively."""

    items: tuple[str, ...]
    tag: str | None
    op: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        among: Any = {"tag": self.tag} if self.tag else list(self.items)
        return {"positive_among": among, self.op: self.count}

    def describe(self) -> str:
        among = f"items tagged {self.tag}" if self.tag else _show(self.items)
        return f"positive answers among {among} {_WORDS[self.op]} {self.count}"


@dataclass(frozen=True, slots=True)
class ResultTest:
    """Routing: true if any result (of `instrument`, if given) has this level, flag, action, tag
    or scale band."""

    instrument: str | None
    op: str
    operand: Any
    scale: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {self.op: _json(self.operand)}
        if self.instrument:
            data["instrument"] = self.instrument
        if self.scale:
            data["scale"] = self.scale
        return data

    def describe(self) -> str:
        who = f"a {self.instrument} result" if self.instrument else "a result"
        if self.op == "band_in":
            return f"{who} has scale {self.scale} in band {_show(self.operand)}"
        if self.op == "level_in":
            return f"{who} has level {_show(self.operand)}"
        if self.op == "tag_positive":
            return f"{who} has a positive answer on an item tagged {self.operand}"
        return f"{who} has {self.op} {self.operand}"


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"all": [part.to_dict() for part in self.parts]}

    def describe(self) -> str:
        return "(" + " and ".join(part.describe() for part in self.parts) + ")"


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"any": [part.to_dict() for part in self.parts]}

    def describe(self) -> str:
        return "(" + " or ".join(part.describe() for part in self.parts) + ")"


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition

    def to_dict(self) -> dict[str, Any]:
        return {"not": self.part.to_dict()}

    def describe(self) -> str:
        return f"not {self.part.describe()}"


Condition = ItemTest | FactTest | ScaleTest | PositiveCount | ResultTest | AllOf | AnyOf | Not


def compare(op: str, value: Number, operand: Number) -> bool:
    if op == "at_least":
        return value >= operand
    if op == "at_most":
        return value <= operand
    if op in ("greater_than", "more_than"):
        return value > operand
    if op == "less_than":
        return value < operand
    return value == operand
