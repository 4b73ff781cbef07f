"""Couple and family results: the partners' results combined as the instrument declares.

The combined result carries only what the declaration names as combinable (the level, listed
flags, and discrepancy flags) and the difference between the partners' scores on the scales
compared; never answers, scores of one person, rules, evidence or the items behind a flag, so
what one partner disclosed cannot be read from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from .errors import AssessmentError, Problem, ResultFormatError
from .model import Combination, Instrument
from .numbers import Number
from .result import MALFORMED, Result, Text, plain, read_record


@dataclass(frozen=True, slots=True)
class CombinedFlag:
    code: str
    label: Text
    #: "partner" (some partner's result raised it) or "discrepancy" (the partners differ).
    source: str


@dataclass(frozen=True, slots=True)
class ScaleDiscrepancy:
    scale: str
    #: The largest difference between two partners' scores.
    difference: Number
    #: The flag it raised, or None when within the declared threshold.
    flag: str | None


@dataclass(frozen=True, slots=True)
class CombinedResult:
    instrument_id: str
    instrument_version: str
    partners: int
    #: The highest of the partners' levels (None: undetermined, or the file combines no level).
    level: str | None
    level_label: Text | None
    flags: tuple[CombinedFlag, ...]
    discrepancies: tuple[ScaleDiscrepancy, ...]

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)

    # What routing conditions read besides levels and flags: nothing of one person's answers.
    action_codes: ClassVar[tuple[str, ...]] = ()
    positive_tags: ClassVar[Mapping[str, tuple[str, ...]]] = MappingProxyType({})

    def band_of(self, scale_id: str) -> None:
        return None

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CombinedResult:
        try:
            return read_record(cls, data)
        except MALFORMED as error:
            raise ResultFormatError([Problem(f"malformed combined result: {error!r}")]) from error


def combine(instrument: Instrument, results: Sequence[Result]) -> CombinedResult:
    """Combine two or more partners' results of `instrument` as its `couple:` declares."""
    spec: Combination | None = instrument.couple
    problems = []
    if spec is None:
        problems.append(Problem(f"{instrument.id} declares no couple combination", field="couple"))
    if len(results) < 2:
        problems.append(Problem("a couple or family result needs at least two results"))
    if any(result.key != instrument.key for result in results):
        problems.append(Problem(f"every result must be of {instrument.id} {instrument.version}"))
    if problems or spec is None:
        raise AssessmentError(problems)
    levels = [result.level for result in results if result.level is not None]
    # When one partner's level is undetermined, the highest is unknown.
    highest = spec.level == "highest" and len(levels) == len(results)
    level = max(levels, key=instrument.ranks.__getitem__) if highest else None
    flags = [
        CombinedFlag(code, instrument.flag(code).label, "partner")
        for code in spec.flags
        if any(code in result.flag_codes for result in results)
    ]
    discrepancies = []
    for rule in spec.discrepancies:
        scores = [result.scale(rule.scale).score for result in results]
        if None in scores:
            continue
        difference = max(scores) - min(scores)  # type: ignore[type-var, operator]
        raised = rule.flag if difference > rule.more_than else None
        discrepancies.append(ScaleDiscrepancy(rule.scale, difference, raised))
        if raised and raised not in [flag.code for flag in flags]:
            flags.append(CombinedFlag(raised, instrument.flag(raised).label, "discrepancy"))
    label = instrument.level(level).label if level is not None else None
    combined = (level, label, tuple(flags), tuple(discrepancies))
    return CombinedResult(instrument.id, instrument.version, len(results), *combined)
