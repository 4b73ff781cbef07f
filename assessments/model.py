"""The validated instrument: what a file declares, as immutable dataclasses the web UI can render.

Every text is a `dict` language -> text in every language of the instrument. What scoring works
out from these declarations once is kept apart from them (`compiled.Compiled`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from .conditions import Condition, Context
from .numbers import Number, as_number, multiply
from .scale_model import Scale

Text = dict[str, str]


class ItemKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    TEXT = "text"


class HiddenAnswers(StrEnum):
    """What to do with an answer given to an item that its condition hides."""

    DISCARD = "discard"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    value: Number
    label: Text
    #: Counts as a positive answer for critical items and routing (see docs/instruments.md).
    positive: bool


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Item:
    id: str
    kind: ItemKind
    text: Text
    section: str | None = None
    options: tuple[Option, ...] = ()
    minimum: Number | None = None
    maximum: Number | None = None
    integer: bool = True
    reverse: bool = False
    #: Multiplies the scored value, e.g. a checklist item that counts double.
    weight: Number = 1
    tags: tuple[str, ...] = ()
    guidance: Text | None = None
    supporting_questions: tuple[Text, ...] = ()
    #: The item is asked only when this condition holds; None means always.
    visible_when: Condition | None = None
    #: The value a hidden item gives its scales; None means the item is then not applicable.
    hidden_value: Number | None = None
    hidden_answers: HiddenAnswers = HiddenAnswers.DISCARD
    #: Number items: the smallest value that counts as positive.
    positive_min: Number | None = None
    line: int = 0

    @property
    def is_choice(self) -> bool:
        return self.kind in (ItemKind.SINGLE_CHOICE, ItemKind.YES_NO)

    @cached_property
    def choices(self) -> dict[str, tuple[Number, Number, bool]]:
        """Option code -> (declared value, score, positive)."""
        return {o.code: (o.value, self.score_of(o.value), o.positive) for o in self.options}

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)

    def value_range(self) -> tuple[Number, Number] | None:
        """The lowest and highest value the answer can carry, before reverse scoring."""
        if self.options:
            values = [option.value for option in self.options]
            return min(values), max(values)
        if self.minimum is not None and self.maximum is not None:
            return self.minimum, self.maximum
        return None

    def read(self, answer: Any) -> tuple[Any, str | None]:
        """The answer as conditions read it (a number normalised), or why it is not valid."""
        if self.is_choice:
            if not isinstance(answer, str) or answer not in self.choices:
                expected = ", ".join(option.code for option in self.options)
                return None, f"unknown option code {answer!r}; expected one of: {expected}"
            return answer, None
        if self.kind == ItemKind.TEXT:
            valid = isinstance(answer, str)
            return (answer, None) if valid else (None, "expected free text (a string)")
        number = as_number(answer)
        if number is None:
            return None, f"expected a number, got {answer!r}"
        if self.integer and not isinstance(number, int):
            return None, f"expected a whole number, got {answer!r}"
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            return None, f"{number} is out of range {low}..{high}"
        return number, None

    def score_of(self, value: Number) -> Number:
        """What a declared value contributes to scales: reverse-scored, then weighted."""
        if self.reverse:
            low, high = self.value_range() or (0, 0)
            value = low + high - value
        return value if self.weight == 1 else multiply(value, self.weight)

    def valued(self, answer: Any) -> tuple[Number, Number, bool] | None:
        """(declared value, score, positive) of a valid answer; None unanswered or free text."""
        if answer is None:
            return None
        if isinstance(answer, str):
            return self.choices.get(answer)  # an option, or None for free text
        positive = self.positive_min is not None and answer >= self.positive_min
        return answer, self.score_of(answer), positive


@dataclass(frozen=True, slots=True)
class Level:
    code: str
    label: Text
    rank: int
    guidance: Text | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    label: Text
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A mandatory action that a rule can require (e.g. a safety plan)."""

    code: str
    label: Text
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """An override: when `when` holds, set or raise the level, raise flags, require actions."""

    id: str
    when: Condition
    reason: Text
    set_level: str | None = None
    raise_level: str | None = None
    flags: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    line: int = 0

    @property
    def effects(self) -> tuple[str, ...]:
        """What the rule does, in words, for the explanation."""
        effects = [f"sets level to {self.set_level}"] if self.set_level else []
        if self.raise_level:
            effects.append(f"raises level to at least {self.raise_level}")
        effects += [f"raises flag {flag}" for flag in self.flags]
        return (*effects, *(f"requires action {action}" for action in self.actions))


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A client fact an instrument reads: `kind` is enum (with `values`), boolean or number."""

    name: str
    kind: str
    values: tuple[str, ...] = ()
    #: How to name the fact in an "undetermined" reason; None: its name.
    label: Text | None = None

    def accepts(self, value: Any) -> bool:
        if self.kind == "boolean":
            return isinstance(value, bool)
        if self.kind == "number":
            return as_number(value) is not None
        return isinstance(value, str) and value in self.values


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Partners whose scores on `scale` differ by more than `more_than` raise `flag`."""

    scale: str
    more_than: Number
    flag: str


@dataclass(frozen=True, slots=True)
class Combination:
    """How partners' results combine into a couple or family result (see couples.py)."""

    level: str | None = "highest"
    flags: tuple[str, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()


@dataclass(frozen=True, slots=True)
class Vector:
    """An embedded test: answers, facts and the expected (partial) result or expected errors."""

    name: str
    answers: Mapping[str, Any]
    facts: Mapping[str, Any]
    expect: Mapping[str, Any]
    expect_errors: tuple[str, ...] = ()
    fill: str | None = None
    line: int = 0
    #: The earlier result of a change, or the other partner of a couple.
    other: Vector | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    items: tuple[Item, ...]
    #: In the order the file declares them; `scoring_order` puts components first.
    scales: tuple[Scale, ...]
    levels: tuple[Level, ...]
    description: Text | None = None
    licence: str = ""
    citation: str = ""
    sections: tuple[Section, ...] = ()
    level_scale: str | None = None
    #: The level when no band decides it and no rule sets or raises one.
    default_level: str | None = None
    flags: tuple[Flag, ...] = ()
    actions: tuple[Action, ...] = ()
    rules: tuple[Rule, ...] = ()
    facts: tuple[FactSpec, ...] = ()
    #: Refuse to score when more items than this are unanswered (None: no such limit).
    max_unanswered: int | None = None
    couple: Combination | None = None
    vectors: tuple[Vector, ...] = ()
    scoring_order: tuple[str, ...] = ()
    source: str = ""
    #: SHA-256 of the file the instrument was loaded from.
    source_sha256: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.id, self.version

    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def ranks(self) -> dict[str, int]:
        """Level code -> rank, 0 the least severe."""
        return {level.code: level.rank for level in self.levels}

    @cached_property
    def _declared(self) -> dict[str, dict[str, Any]]:
        """Kind of declaration -> its id or code -> the declaration."""
        return {
            "item": self.items_by_id,
            "scale": {scale.id: scale for scale in self.scales},
            "level": {level.code: level for level in self.levels},
            "flag": {flag.code: flag for flag in self.flags},
            "action": {action.code: action for action in self.actions},
        }

    def fact_label(self, name: str) -> Text:
        """How to name a fact in an "undetermined" reason: its declared label, or its name."""
        spec = next((spec for spec in self.facts if spec.name == name), None)
        return spec.label if spec and spec.label else dict.fromkeys(self.languages, name)

    def item(self, item_id: str) -> Item:
        return self._declared["item"][item_id]  # type: ignore[no-any-return]

    def scale(self, scale_id: str) -> Scale:
        return self._declared["scale"][scale_id]  # type: ignore[no-any-return]

    def level(self, code: str) -> Level:
        return self._declared["level"][code]  # type: ignore[no-any-return]

    def flag(self, code: str) -> Flag:
        return self._declared["flag"][code]  # type: ignore[no-any-return]

    def action(self, code: str) -> Action:
        return self._declared["action"][code]  # type: ignore[no-any-return]

    def has(self, kind: str, code: str | None) -> bool:
        return code in self._declared[kind]

    def items_in(self, section: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section)

    def tagged(self, tag: str) -> tuple[str, ...]:
        return tuple(item.id for item in self.items if tag in item.tags)

    def text(self, text: Text | None, language: str) -> str:
        """A text in `language`, falling back to the instrument's first language."""
        return "" if text is None else text.get(language) or text[self.languages[0]]

    def visible_items(
        self, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
    ) -> tuple[Item, ...]:
        """The items to ask now, given the answers so far (for a form that reveals follow-ups);
        invalid answers count as unanswered."""
        context = Context({}, facts or {}, self.items_by_id)
        visible = []
        for item in self.items:
            if item.visible_when is None or item.visible_when.holds(context):
                visible.append(item)
                answer = answers.get(item.id)
                if answer is not None and item.read(answer)[1] is None:
                    context.answers[item.id] = item.read(answer)[0]
        return tuple(visible)
