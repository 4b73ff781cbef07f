"""Structured conditions: plain data nodes that evaluate and explain themselves (no `eval`).

{item: q3, in: [often, always]}            ItemTest   (also equals, not_in, answered, positive,
                                                       at_least, at_most, greater_than,
                                                       less_than; `on: score` compares the
                                                       value after reverse scoring)
{fact: sex, equals: female}                FactTest   (also in, not_in, present, comparisons)
{scale: total, band_in: [high]}            ScaleTest  (also band, status_in, comparisons)
{positive_among: [v1, v2], at_least: 2}    CountTest  (items, or {tag: violence})
{count: {items: [a, b], at_most: 1}, at_least: 1}   CountTest with an item test per item
{instrument: norr, level_in: [high]}       ResultTest (routing only; `of: couple` reads the
                                                       combined couple results)
{all: [...]}, {any: [...]}, {not: {...}}   AllOf, AnyOf, Not
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .numbers import Number, to_json

COMPARISONS = ("at_least", "at_most", "greater_than", "less_than")
#: How descriptions word the ops.
WORDS = {
    "in": "is one of",
    "not_in": "is none of",
    "equals": "is",
    "at_least": ">=",
    "at_most": "<=",
    "greater_than": ">",
    "less_than": "<",
    "more_than": ">",
    "band_in": "is in band",
    "status_in": "has status",
}


@dataclass(slots=True)
class Context:
    """What conditions read while scoring (or routing).

    `answers` holds the valid answers (option code, number or text) of the items asked; `items`
    the items by id, which say what an answer is worth (`Item.valued`).
    """

    answers: dict[str, Any]
    facts: Mapping[str, Any]
    items: Mapping[str, Any] = field(default_factory=dict)
    scales: Mapping[str, Any] = field(default_factory=dict)
    results: Sequence[Any] = ()
    #: Routing: the combined couple or family results (see couples.py).
    combined: Sequence[Any] = ()
    #: The items answered positively, once every item is asked or hidden (None: not yet known).
    positive: set[str] | None = None

    def valued(self, item: str) -> tuple[Number, Number, bool] | None:
        """(declared value, score, positive) of the item's answer; None if unanswered or text."""
        return self.items[item].valued(self.answers.get(item)) if item in self.items else None

    def is_positive(self, item: str) -> bool:
        if self.positive is not None:
            return item in self.positive
        found = self.valued(item)
        return found is not None and found[2]


OPERATORS = {
    "at_least": operator.ge,
    "at_most": operator.le,
    "greater_than": operator.gt,
    "more_than": operator.gt,
    "less_than": operator.lt,
    "equals": operator.eq,
}


def compare(op: str, value: Any, operand: Any) -> bool:
    return bool(OPERATORS[op](value, operand))


def show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(show(part) for part in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_yaml(value: Any) -> Any:
    if isinstance(value, tuple):
        return [as_yaml(part) for part in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return to_json(value)


class Condition:
    """A node of the condition language."""

    __slots__ = ()

    def holds(self, context: Context) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def explain(self, context: Context) -> str:
        """Why the condition holds: its description and the answers, facts or scores it read."""
        return self.describe()


@dataclass(frozen=True, slots=True)
class ItemTest(Condition):
    """A test on one answer; an unanswered or hidden item fails all but `answered: false`."""

    OPS = ("in", "not_in", "equals", "answered", "positive", *COMPARISONS)
    item: str
    op: str
    operand: Any
    #: Comparisons read the declared value ("raw") or the value after reverse scoring ("score").
    on: str = "raw"

    def holds(self, context: Context, item: str = "") -> bool:
        """Whether the test holds for its item, or for `item` (a count tests each of its items)."""
        item = item or self.item
        answer = context.answers.get(item)
        op, operand = self.op, self.operand
        if op == "answered":
            return (answer is not None) == operand
        if answer is None:
            return False
        if op == "positive":
            return context.is_positive(item) == operand
        if op == "equals":
            return bool(answer == operand)
        if op == "in":
            return answer in operand
        if op == "not_in":
            return answer not in operand
        found = context.valued(item)
        return found is not None and compare(op, found[1 if self.on == "score" else 0], operand)

    def predicate(self) -> str:
        if self.op in ("answered", "positive"):
            return f"{'is' if self.operand else 'is not'} {self.op}"
        subject = "score " if self.on == "score" else ""
        return f"{subject}{WORDS[self.op]} {show(self.operand)}"

    def describe(self) -> str:
        return f"item {self.item} {self.predicate()}"

    def to_dict(self) -> dict[str, Any]:
        data = {"item": self.item, self.op: as_yaml(self.operand)}
        return data | ({"on": "score"} if self.on == "score" else {})

    def explain(self, context: Context) -> str:
        return f"{self.describe()} (answer: {context.answers.get(self.item, 'none')})"


@dataclass(frozen=True, slots=True)
class FactTest(Condition):
    """A test on a client fact; an absent fact fails every test but `present: false`."""

    OPS = ("equals", "in", "not_in", "present", *COMPARISONS)
    fact: str
    op: str
    operand: Any

    def holds(self, context: Context) -> bool:
        value = context.facts.get(self.fact)
        if self.op == "present":
            return (value is not None) == self.operand
        if value is None:
            return False
        if self.op in ("in", "equals", "not_in"):
            accepted = (self.operand,) if self.op == "equals" else self.operand
            # A boolean only matches a boolean (in Python True == 1).
            found = any(
                value == candidate and isinstance(value, bool) == isinstance(candidate, bool)
                for candidate in accepted
            )
            return found != (self.op == "not_in")
        return not isinstance(value, bool) and compare(self.op, value, self.operand)

    def describe(self) -> str:
        if self.op == "present":
            return f"fact {self.fact} is {'present' if self.operand else 'absent'}"
        return f"fact {self.fact} {WORDS[self.op]} {show(self.operand)}"

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, self.op: as_yaml(self.operand)}

    def explain(self, context: Context) -> str:
        return f"{self.describe()} (fact: {context.facts.get(self.fact)})"


@dataclass(frozen=True, slots=True)
class ScaleTest(Condition):
    """A test on a scale of the same instrument; a scale without a score fails comparisons.
    `band: x` is read as `band_in: [x]`."""

    OPS = ("band", "band_in", "status_in", *COMPARISONS)
    scale: str
    op: str
    operand: Any

    def holds(self, context: Context) -> bool:
        found = context.scales[self.scale]
        if self.op == "band_in":
            return found.band in self.operand
        if self.op == "status_in":
            return found.status in self.operand
        return found.score is not None and compare(self.op, found.score, self.operand)

    def describe(self) -> str:
        return f"scale {self.scale} {WORDS[self.op]} {show(self.operand)}"

    def to_dict(self) -> dict[str, Any]:
        return {"scale": self.scale, self.op: as_yaml(self.operand)}

    def explain(self, context: Context) -> str:
        found = context.scales[self.scale]
        return f"{self.describe()} (score {found.score}, band {found.band}, {found.status})"


@dataclass(frozen=True, slots=True)
class CountTest(Condition):
    """How many of the items (or of the items with a tag) are positive, or pass `test`."""

    OPS = ("at_least", "more_than", "at_most", "less_than", "equals")
    items: tuple[str, ...]
    tag: str | None
    op: str
    count: int
    #: None counts positive answers (`positive_among`); otherwise the test each item must pass.
    test: ItemTest | None = None

    def matching(self, context: Context) -> list[str]:
        if self.test is None:
            return [item for item in self.items if context.is_positive(item)]
        return [item for item in self.items if self.test.holds(context, item)]

    def holds(self, context: Context) -> bool:
        if self.test is None and context.positive is not None:
            found = len(context.positive.intersection(self.items))
        else:
            found = len(self.matching(context))
        return OPERATORS[self.op](found, self.count)  # type: ignore[no-any-return]

    def describe(self) -> str:
        among = f"items tagged {self.tag}" if self.tag else show(self.items)
        if self.test is None:
            return f"positive answers among {among} {WORDS[self.op]} {self.count}"
        return f"answers among {among} that {self.test.predicate()} {WORDS[self.op]} {self.count}"

    def to_dict(self) -> dict[str, Any]:
        among: Any = {"tag": self.tag} if self.tag else list(self.items)
        if self.test is None:
            return {"positive_among": among, self.op: self.count}
        inner = {"tag" if self.tag else "items": self.tag or list(self.items)}
        test = {k: v for k, v in self.test.to_dict().items() if k != "item"}
        return {"count": inner | test, self.op: self.count}

    def explain(self, context: Context) -> str:
        found = ", ".join(self.matching(context)) or "none"
        return f"{self.describe()} ({'positive' if self.test is None else 'matching'}: {found})"


@dataclass(frozen=True, slots=True)
class ResultTest(Condition):
    """Routing: true if any result (of `instrument`, if given) has this level, flag, action, tag
    or scale band; with `of: couple`, any combined couple or family result."""

    OPS = ("level_in", "flag", "action", "tag_positive", "band_in")
    instrument: str | None
    op: str
    operand: Any
    scale: str | None = None
    of: str = "person"

    def matches(self, result: Any) -> bool:
        if self.instrument is not None and result.instrument_id != self.instrument:
            return False
        if self.op == "level_in":
            return result.level in self.operand
        if self.op == "flag":
            return self.operand in result.flag_codes
        if self.op == "action":
            return self.operand in result.action_codes
        if self.op == "tag_positive":
            return bool(result.positive_tags.get(self.operand))
        return result.band_of(self.scale or "") in self.operand

    def candidates(self, context: Context) -> Sequence[Any]:
        return context.combined if self.of == "couple" else context.results

    def holds(self, context: Context) -> bool:
        return any(self.matches(result) for result in self.candidates(context))

    def describe(self) -> str:
        who = f"a {self.instrument} result" if self.instrument else "a result"
        who = f"a combined {who[2:]}" if self.of == "couple" else who
        what = {
            "band_in": f"scale {self.scale} in band {show(self.operand)}",
            "level_in": f"level {show(self.operand)}",
            "tag_positive": f"a positive answer on an item tagged {self.operand}",
        }
        return f"{who} has {what.get(self.op, f'{self.op} {self.operand}')}"

    def to_dict(self) -> dict[str, Any]:
        names = {"instrument": self.instrument, "scale": self.scale, "of": self.of}
        names = {k: v for k, v in names.items() if v and v != "person"}
        return {self.op: as_yaml(self.operand)} | names

    def explain(self, context: Context) -> str:
        found = [self.evidence(r) for r in self.candidates(context) if self.matches(r)]
        return f"{self.describe()} ({'; '.join(found) or 'no result'})"

    def evidence(self, result: Any) -> str:
        if self.op == "tag_positive":
            found = ", ".join(result.positive_tags.get(self.operand, ()))
        elif self.op == "band_in":
            found = f"{self.scale} band {result.band_of(self.scale or '')}"
        else:
            found = (
                f"level {result.level}" if self.op == "level_in" else f"{self.op} {self.operand}"
            )
        return f"{result.instrument_id} {result.instrument_version}: {found}"


@dataclass(frozen=True, slots=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def holds(self, context: Context) -> bool:
        return all(part.holds(context) for part in self.parts)

    def describe(self) -> str:
        return "(" + " and ".join(part.describe() for part in self.parts) + ")"

    def to_dict(self) -> dict[str, Any]:
        return {"all": [part.to_dict() for part in self.parts]}

    def explain(self, context: Context) -> str:
        return " and ".join(part.explain(context) for part in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def holds(self, context: Context) -> bool:
        return any(part.holds(context) for part in self.parts)

    def describe(self) -> str:
        return "(" + " or ".join(part.describe() for part in self.parts) + ")"

    def to_dict(self) -> dict[str, Any]:
        return {"any": [part.to_dict() for part in self.parts]}

    def explain(self, context: Context) -> str:
        held = [part.explain(context) for part in self.parts if part.holds(context)]
        return " or ".join(held) or self.describe()


@dataclass(frozen=True, slots=True)
class Not(Condition):
    part: Condition

    def holds(self, context: Context) -> bool:
        return not self.part.holds(context)

    def describe(self) -> str:
        return f"not {self.part.describe()}"

    def to_dict(self) -> dict[str, Any]:
        return {"not": self.part.to_dict()}
