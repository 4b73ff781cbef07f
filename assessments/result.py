"""The outcome of scoring: scale scores, bands, level, flags, mandatory actions, and why.

The records are values: nothing changes them after scoring. `Result.to_dict()` is what the web
service stores; `Result.from_dict()` reads it back into an equal Result. Numbers are exact: a
score with 0 decimals is a JSON integer, any other a decimal string such as "1.33" (never a float).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from functools import cache, partial
from inspect import signature
from types import NoneType, UnionType
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

from .errors import Problem, ResultFormatError
from .numbers import Number, display, from_json, to_json

Text = dict[str, str]
R = TypeVar("R")

FORMAT = 1
COMPLETE, PRORATED, PARTIAL, IMPUTED = "complete", "prorated", "partial", "imputed"
MISSING, NOT_APPLICABLE, UNDETERMINED = "missing", "not_applicable", "undetermined"
STATUSES = (COMPLETE, PRORATED, PARTIAL, IMPUTED, MISSING, NOT_APPLICABLE, UNDETERMINED)


@dataclass(slots=True)
class ScaleResult:
    """One scale: `values[i]` is what `components[i]` contributed (after reverse scoring and
    weight), None if it was missing or not applicable."""

    id: str
    raw: Number | None
    score: Number | None
    status: str
    band: str | None
    band_label: Text | None
    band_range: tuple[Number, Number] | None
    components: tuple[str, ...]
    values: tuple[Number | None, ...]
    not_applicable: tuple[str, ...]
    method: str
    #: Why the scale is undetermined (translated), e.g. "sex not recorded".
    reason: Text | None = None

    @property
    def contributions(self) -> tuple[tuple[str, Number], ...]:
        pairs = zip(self.components, self.values, strict=True)
        return tuple((component, value) for component, value in pairs if value is not None)

    @property
    def missing(self) -> tuple[str, ...]:
        pairs = zip(self.components, self.values, strict=True)
        return tuple(c for c, v in pairs if v is None and c not in self.not_applicable)

    def to_dict(self) -> dict[str, Any]:
        # Only new kinds of result carry a reason, so results stored before it are unchanged.
        found = field_values(self)
        if self.reason is None:
            del found["reason"]
        return plain(found)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScaleResult:
        return read_record(cls, data)


@dataclass(slots=True)
class Outcome:
    """A flag or a mandatory action: its code, translated label, and the ids of the rules that
    raised it (their reasons and evidence are in `Result.rules`)."""

    code: str
    label: Text
    rules: tuple[str, ...]


class FiredRule:
    """A rule that fired: what it did, its translated reason, and the answers or scores that
    made it fire. The evidence may be given as a function that words it: it is then worded
    when first read, as most results are stored or shown without it."""

    __slots__ = ("_evidence", "effects", "reason", "rule")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self, rule: str, effects: tuple[str, ...], reason: Text, evidence: str | Callable[[], str]
    ) -> None:
        self.rule, self.effects, self.reason, self._evidence = rule, effects, reason, evidence

    @property
    def evidence(self) -> str:
        if callable(self._evidence):
            self._evidence = self._evidence()
        return self._evidence

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FiredRule) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"FiredRule({', '.join(f'{k}={v!r}' for k, v in self.to_dict().items())})"

    def __reduce__(self) -> tuple[type[FiredRule], tuple[Any, ...]]:
        return FiredRule, (self.rule, self.effects, self.reason, self.evidence)

    def to_dict(self) -> dict[str, Any]:
        fields = ("rule", "effects", "reason", "evidence")
        return {key: plain(getattr(self, key)) for key in fields}


@dataclass(slots=True)
class TraceEntry:
    """One step of the explanation: `step` is scale, band, hidden, rule or level."""

    step: str
    target: str
    message: str
    reason: Text | None = None


@dataclass(slots=True)
class Result:
    instrument_id: str
    instrument_version: str
    level: str | None
    level_label: Text | None
    #: The level the bands alone gave, before any rule.
    band_level: str | None
    scales: tuple[ScaleResult, ...]
    flags: tuple[Outcome, ...]
    mandatory_actions: tuple[Outcome, ...]
    rules: tuple[FiredRule, ...]
    #: Tag -> items answered positively (routing reads "any violence item positive" here).
    positive_tags: Mapping[str, tuple[str, ...]]
    hidden: tuple[str, ...]
    discarded: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.instrument_id, self.instrument_version

    def rule(self, rule_id: str) -> FiredRule:
        for fired in self.rules:
            if fired.rule == rule_id:
                return fired
        raise KeyError(f"rule {rule_id!r} did not fire")

    def scale(self, scale_id: str) -> ScaleResult:
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(f"result of {self.instrument_id} has no scale {scale_id!r}")

    def band_of(self, scale_id: str) -> str | None:
        return next((scale.band for scale in self.scales if scale.id == scale_id), None)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)

    @property
    def action_codes(self) -> tuple[str, ...]:
        return tuple(action.code for action in self.mandatory_actions)

    @property
    def trace(self) -> tuple[TraceEntry, ...]:
        """The explanation, step by step, built from what the result records."""
        entries: list[TraceEntry] = []
        for item_id in self.hidden:
            note = "; its answer was discarded" if item_id in self.discarded else ""
            message = f"item {item_id} was not asked (its condition did not hold){note}"
            entries.append(TraceEntry("hidden", item_id, message))
        for scale in self.scales:
            parts = [f"{component}={display(value)}" for component, value in scale.contributions]
            parts += [f"{component}=missing" for component in scale.missing]
            parts += [f"{component}=n/a" for component in scale.not_applicable]
            message = (
                f"{scale.method} of {', '.join(parts)}: raw {display(scale.raw)}, score "
                f"{display(scale.score)} ({scale.status})"
            )
            entries.append(TraceEntry("scale", scale.id, message, scale.reason))
            if scale.band is not None and scale.band_range is not None:
                low, high = scale.band_range
                message = f"score {scale.score} is in band {scale.band} ({low}..{high})"
                entries.append(TraceEntry("band", scale.id, message))
        band_level = self.band_level or "undetermined"
        entries.append(TraceEntry("level", "bands", f"level from bands: {band_level}"))
        for rule in self.rules:
            message = f"fired because {rule.evidence}; {', '.join(rule.effects)}"
            entries.append(TraceEntry("rule", rule.rule, message, rule.reason))
        entries.append(TraceEntry("level", "final", f"final level: {self.level or 'undetermined'}"))
        return tuple(entries)

    def to_dict(self) -> dict[str, Any]:
        """The stored form; `from_dict` rebuilds the trace rather than reading it."""
        found = plain(self)
        instrument = {"id": found.pop("instrument_id"), "version": found.pop("instrument_version")}
        found["positive_tags"] = dict(sorted(found["positive_tags"].items()))
        return {"format": FORMAT, "instrument": instrument, **found, "trace": plain(self.trace)}

    def to_json(self) -> str:
        """Canonical JSON: the same result always gives the same text."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Read a stored result back; the trace is rebuilt, not read."""
        try:
            if data.get("format") != FORMAT:
                problem = Problem(f"unknown result format {data.get('format')!r}", field="format")
                raise ResultFormatError([problem])
            instrument = data["instrument"]
            key = {"instrument_id": instrument["id"], "instrument_version": instrument["version"]}
            return read_record(cls, {**data, **key})
        except MALFORMED as e:
            raise ResultFormatError([Problem(f"malformed stored result: {e!r}")]) from e


def plain(value: Any) -> Any:
    """A record as JSON-safe data: exact numbers as int or decimal string, tuples as lists."""
    if isinstance(value, (ScaleResult, FiredRule)):  # each leaves out or words a field
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return plain(field_values(value))
    if isinstance(value, (list, tuple)):
        return [plain(part) for part in value]
    if isinstance(value, Mapping):
        return {key: plain(part) for key, part in value.items()}
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return to_json(value)
    return value


def field_values(record: Any) -> dict[str, Any]:
    return {field.name: getattr(record, field.name) for field in fields(record)}


#: What reading a malformed stored record raises (read as a ResultFormatError).
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, ArithmeticError)


def read_record(kind: type[R], data: Any) -> R:
    """A record read back from its `plain` form, each argument of its constructor by its
    declared type; an argument left out takes its default (a required one: KeyError)."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{kind.__name__}: expected a mapping, found {data!r}")
    arguments = _arguments(kind)  # type: ignore[arg-type]  # a record type is hashable
    found = {
        name: read(data[name])
        for name, (read, required) in arguments.items()
        if required or name in data
    }
    return kind(**found)


@cache
def _arguments(kind: Any) -> dict[str, tuple[Callable[[Any], Any], bool]]:
    """Each argument of a record's constructor: how to read it back, and whether it is required."""
    hints = get_type_hints(kind.__init__)
    parameters = signature(kind).parameters.values()
    return {p.name: (reader(hints[p.name]), p.default is p.empty) for p in parameters}


@cache
def reader(kind: Any) -> Callable[[Any], Any]:
    """How to read back a stored value of the declared type `kind`; a value of another shape
    raises ValueError. Worked out once per type, as results are read on many pages."""
    origin, args = get_origin(kind), get_args(kind)
    if origin is UnionType and NoneType in args:
        rest = [arg for arg in args if arg is not NoneType]
        read = reader(Number if len(rest) > 1 else rest[0])
        return lambda value: None if value is None else read(value)
    if kind == Number:
        return from_json
    if origin is UnionType:  # a rule's evidence, stored as its text
        return reader(args[0])
    if origin is tuple and args[-1] is Ellipsis:
        part = reader(args[0])
        return lambda value: tuple([part(item) for item in _shaped(list, value)])
    if origin is tuple:
        parts = [reader(arg) for arg in args]
        return lambda value: tuple(
            read(item) for read, item in zip(parts, _shaped(list, value), strict=True)
        )
    if origin in (dict, Mapping):
        key, part = reader(args[0]), reader(args[1])
        return lambda value: {key(k): part(v) for k, v in _shaped(Mapping, value).items()}
    if kind is FiredRule or (isinstance(kind, type) and is_dataclass(kind)):
        return partial(read_record, kind)
    return partial(_shaped, kind)


def _shaped(kind: Any, value: Any) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"expected {kind.__name__}, found {value!r}")
    return value
