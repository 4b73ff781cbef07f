"""Change between two results of one instrument version (e.g. the first and the closing
assessment): the difference, the reliable change index of Jacobson and Truax (1991), and whether
the score crossed the clinical cut-off.

RCI = (after - before) / S_diff, with S_diff = sqrt(2) x SEm and SEm = SD x sqrt(1 - reliability)
(or the declared standard error). A change is reliable when |RCI| > 1.96, the 95% band of the
difference two measurements of an unchanged person would show.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import AssessmentError, Problem
from .messages import message
from .model import Instrument
from .numbers import CONTEXT, Number, divide, round_to
from .result import Result, Text, plain
from .scale_model import ChangeSpec, Scale

RELIABLE = Decimal("1.96")
IMPROVED = "reliably_improved"
UNCHANGED = "no_reliable_change"
DETERIORATED = "reliably_deteriorated"
NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True, slots=True)
class ScaleChange:
    scale: str
    before: Number | None
    after: Number | None
    #: after - before; None when either has no score.
    difference: Number | None
    #: The reliable change index, to 2 decimals (negative: the score went down).
    rci: Decimal | None
    #: reliably_improved, no_reliable_change, reliably_deteriorated or not_comparable,
    #: read in the scale's direction (on a higher_is: better scale a rise is an improvement).
    status: str
    #: Whether each score is in the clinical range; None without a declared cut-off.
    clinical_before: bool | None
    clinical_after: bool | None
    explanation: Text

    @property
    def crossed_cutoff(self) -> bool | None:
        if self.clinical_before is None or self.clinical_after is None:
            return None
        return self.clinical_before != self.clinical_after


@dataclass(frozen=True, slots=True)
class Change:
    instrument_id: str
    instrument_version: str
    scales: tuple[ScaleChange, ...]

    def scale(self, scale_id: str) -> ScaleChange:
        return next(change for change in self.scales if change.scale == scale_id)

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


def measure_change(instrument: Instrument, before: Result, after: Result) -> Change:
    """The change on every scale that declares `change:`, from `before` to `after`.

    Both results must come from `instrument` (same id and version): a new version may score
    differently, so its results are not compared.
    """
    for result in (before, after):
        if result.key != instrument.key:
            found, expected = " ".join(result.key), " ".join(instrument.key)
            text = f"a result of {found} cannot be compared with {expected}"
            raise AssessmentError([Problem(text, field="instrument")])
    changes = [
        _scale_change(instrument, scale, scale.change, before, after)
        for scale in instrument.scales
        if scale.change is not None
    ]
    return Change(instrument.id, instrument.version, tuple(changes))


def standard_error(spec: ChangeSpec) -> Decimal:
    if spec.standard_error is not None:
        return Decimal(spec.standard_error)
    assert spec.sd is not None and spec.reliability is not None  # the loader checks it
    return CONTEXT.multiply(Decimal(spec.sd), CONTEXT.sqrt(1 - Decimal(spec.reliability)))


def _scale_change(
    instrument: Instrument, scale: Scale, spec: ChangeSpec, before: Result, after: Result
) -> ScaleChange:
    first, second = before.scale(scale.id).score, after.scale(scale.id).score
    languages = instrument.languages
    if first is None or second is None:
        explanation = message(NOT_COMPARABLE, languages, scale=scale.title)
        return ScaleChange(
            scale.id, first, second, None, None, NOT_COMPARABLE, None, None, explanation
        )
    difference = second - first
    spread = CONTEXT.multiply(CONTEXT.sqrt(Decimal(2)), standard_error(spec))
    rci = Decimal(round_to(divide(difference, spread), 2, "half_up"))
    better = scale.higher_is == "better"
    status = UNCHANGED
    if abs(rci) > RELIABLE:
        status = IMPROVED if (rci > 0) == better else DETERIORATED
    explanation = message(status, languages, scale=scale.title, before=first, after=second, rci=rci)
    clinical: list[bool | None] = [None, None]
    if spec.cutoff is not None:
        # The cut-off is the first clinical score (the last one where higher is better).
        clinical = [s <= spec.cutoff if better else s >= spec.cutoff for s in (first, second)]
        crossed = "left_clinical" if clinical[0] else "entered_clinical"
        crossed = "stayed" if clinical[0] == clinical[1] else crossed
        note = message(crossed, languages, cutoff=spec.cutoff)
        explanation = {lang: f"{text}; {note[lang]}" for lang, text in explanation.items()}
    found = (scale.id, first, second, difference, rci, status)
    return ScaleChange(*found, clinical[0], clinical[1], explanation)
