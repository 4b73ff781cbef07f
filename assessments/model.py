"""The validated instrument: what a file declares, as immutable dataclasses the web UI can render.

Every human-readable text is a `dict` language -> text holding every language of the instrument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .conditions import Condition
from .numbers import Number

if TYPE_CHECKING:
    from .plan import Plan
    from .result import Result

Text = dict[str, str]


class ItemKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    TEXT = "text"


class Method(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    WEIGHTED_SUM = "weighted_sum"
    SCALED_SUM = "scaled_sum"


class MissingAction(StrEnum):
    """What a scale does when some items are missing but no more than `max_missing`."""

    PRORATE = "prorate"
    SCORE_ANSWERED = "score_answered"


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


@dataclass(frozen=True, slots=True)
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

    def option(self, code: str) -> Option | None:
        for option in self.options:
            if option.code == code:
                return option
        return None

    def value_range(self) -> tuple[Number, Number] | None:
        """The lowest and highest value the answer can carry, before reverse scoring."""
        if self.options:
            values = [option.value for option in self.options]
            return min(values), max(values)
        if self.minimum is not None and self.maximum is not None:
            return self.minimum, self.maximum
        return None


@dataclass(frozen=True, slots=True)
class Band:
    code: str
    minimum: Number
    maximum: Number
    label: Text
    #: The instrument level this band stands for, when the scale decides the level.
    level: str | None = None
    #: How to tailor help for people in this band (the "auxiliary scenario").
    guidance: Text | None = None

    def contains(self, score: Number) -> bool:
        return self.minimum <= score <= self.maximum

    @property
    def bounds(self) -> tuple[Number, Number]:
        return self.minimum, self.maximum


@dataclass(frozen=True, slots=True)
class BandSet:
    """Bands that apply when `when` holds for the client facts (None: the default set)."""

    when: Condition | None
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class MissingRule:
    """Up to `max_missing` items may be missing; with more, the scale is marked missing."""

    max_missing: int = 0
    action: MissingAction = MissingAction.PRORATE


@dataclass(frozen=True, slots=True)
class Scale:
    id: str
    title: Text
    method: Method
    items: tuple[str, ...] = ()
    scales: tuple[str, ...] = ()
    weights: Mapping[str, Number] = field(default_factory=dict)
    factor: Number = 1
    decimals: int = 0
    rounding: str = "half_up"
    missing: MissingRule = MissingRule()
    band_sets: tuple[BandSet, ...] = ()
    higher_is: str = "worse"
    description: Text | None = None
    line: int = 0

    @property
    def components(self) -> tuple[str, ...]:
        return self.items or self.scales

    def weight(self, component: str) -> Number:
        return self.weights.get(component, 1)


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


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A client fact an instrument reads: `kind` is enum (with `values`), boolean or number."""

    name: str
    kind: str
    values: tuple[str, ...] = ()


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


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    levels: tuple[Level, ...]
    description: Text | None = None
    licence: str = ""
    citation: str = ""
    sections: tuple[Section, ...] = ()
    level_scale: str | None = None
    flags: tuple[Flag, ...] = ()
    actions: tuple[Action, ...] = ()
    rules: tuple[Rule, ...] = ()
    facts: tuple[FactSpec, ...] = ()
    vectors: tuple[Vector, ...] = ()
    source: str = ""
    #: SHA-256 of the file the instrument was loaded from.
    source_sha256: str = ""
    plan: Plan | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.id, self.version

    def item(self, item_id: str) -> Item:
        return self.compiled.items_by_id[item_id].item

    def scale(self, scale_id: str) -> Scale:
        return self.compiled.scales_by_id[scale_id]

    def level(self, code: str) -> Level:
        return self.compiled.levels_by_code[code]

    def flag(self, code: str) -> Flag:
        return self.compiled.flags_by_code[code]

    def action(self, code: str) -> Action:
        return self.compiled.actions_by_code[code]

    def items_in(self, section: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section)

    def visible_items(
        self, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
    ) -> tuple[Item, ...]:
        """The items to ask now, given the answers so far (for a form that reveals follow-ups)."""
        return self.compiled.visible_items(answers, facts or {})

    def text(self, text: Text | None, language: str) -> str:
        """A text in `language`, falling back to the instrument's first language."""
        if text is None:
            return ""
        return text.get(language) or text[self.languages[0]]

    def score(self, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None) -> Result:
        return self.compiled.score(answers, facts)

    @property
    def compiled(self) -> Plan:
        if self.plan is None:
            raise RuntimeError("instrument was not compiled; load it with load_instrument()")
        return self.plan
