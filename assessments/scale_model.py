"""A scale as an instrument file declares it: components, method, missing data, bands, norms,
and what measuring change needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .conditions import Condition, Context
from .numbers import Number

Text = dict[str, str]


class Method(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    WEIGHTED_SUM = "weighted_sum"
    SCALED_SUM = "scaled_sum"


class MissingAction(StrEnum):
    """What a scale does when some items are missing but no more than `max_missing`."""

    PRORATE = "prorate"
    SCORE_ANSWERED = "score_answered"
    #: Each missing item counts as the declared `value` (e.g. the scale midpoint).
    IMPUTE = "impute"


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


@dataclass(frozen=True, slots=True)
class BandSet:
    """Bands that apply when `when` holds for the client facts (None: the default set)."""

    when: Condition | None
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class NormTable:
    """A norm table: raw score ranges -> standard score, for clients whose facts match `when`."""

    when: Condition | None
    #: (lowest raw, highest raw, standard score), inclusive, covering every possible raw score.
    rows: tuple[tuple[Number, Number, Number], ...]

    def lookup(self, raw: Number) -> Number | None:
        return next((score for low, high, score in self.rows if low <= raw <= high), None)


@dataclass(frozen=True, slots=True)
class MissingRule:
    """Up to `max_missing` items may be missing; with more, the scale is marked missing."""

    max_missing: int = 0
    action: MissingAction = MissingAction.PRORATE
    #: The value each missing item counts as, with action `impute`.
    value: Number = 0


@dataclass(frozen=True, slots=True)
class ChangeSpec:
    """What reliable change and clinical significance need: the standard error of measurement
    (given, or from the reference group's standard deviation and the reliability), and a cut-off:
    the first clinical score (the last one on a scale where higher is better)."""

    standard_error: Number | None = None
    reliability: Number | None = None
    sd: Number | None = None
    cutoff: Number | None = None


@dataclass(frozen=True)
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
    #: Client facts without which the scale is undetermined (its bands or norms depend on them).
    requires: tuple[str, ...] = ()
    norms: tuple[NormTable, ...] = ()
    change: ChangeSpec | None = None
    line: int = 0

    @property
    def components(self) -> tuple[str, ...]:
        return self.items or self.scales

    def weight(self, component: str) -> Number:
        return self.weights.get(component, 1)

    def band(self, score: Number, context: Context) -> Band | None:
        """The band of `score` in the first band set whose condition holds for the client."""
        for band_set in self.band_sets:
            if band_set.when is None or band_set.when.holds(context):
                for band in band_set.bands:
                    if band.minimum <= score <= band.maximum:
                        return band
                return None
        return None
