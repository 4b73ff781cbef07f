"""What every score of an instrument needs, worked out once from its declarations.

The model (model.py, scale_model.py) knows nothing of this form; scoring reads it through
`compiled(instrument)`, which keeps the forms of the instruments scored last.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from .conditions import Condition
from .model import Instrument, Item, Rule
from .numbers import Number
from .scale_model import Band, Method, Scale

METHOD_WORDS = {Method.SUM: "sum", Method.MEAN: "mean", Method.WEIGHTED_SUM: "weighted sum"}
#: Bands covering more whole-number scores than this are searched rather than looked up.
MOST_SCORES_LOOKED_UP = 1000


@dataclass(frozen=True, slots=True)
class ScalePlan:
    """A scale with what every score of it needs."""

    scale: Scale
    components: tuple[str, ...]
    #: The weight of each component, in order (1 unless declared), and their sum.
    weights: tuple[Number, ...]
    total_weight: Number
    is_mean: bool
    #: The score is more than the sum or mean: multiplied, rounded, or read from norms or facts.
    adjusted: bool
    #: The band of each whole-number score, when the bands do not depend on the client.
    bands: dict[Number, Band]
    #: How the scale is scored, in words: "sum (reverse-scored: q2)".
    method: str


@dataclass(frozen=True, slots=True)
class Compiled:
    """What every score of an instrument needs, worked out once from its declarations."""

    instrument: Instrument
    #: Item id -> option code -> (score, positive).
    choices: dict[str, dict[str, tuple[Number, bool]]]
    #: The items asked only when a condition holds, in file order, consecutive items with the
    #: same condition together (it reads only items before them all).
    conditional: tuple[tuple[Condition, tuple[Item, ...]], ...]
    #: Components first.
    scales: tuple[ScalePlan, ...]
    #: Band code of the level scale -> the level it stands for (the last band set wins).
    band_levels: dict[str | None, str | None]
    #: Each rule with what it does, in words.
    rules: tuple[tuple[Rule, tuple[str, ...]], ...]
    #: Tag (in alphabetical order) -> the ids of the items carrying it, in file order.
    tags: dict[str, tuple[str, ...]]


def compile_instrument(instrument: Instrument) -> Compiled:
    """What every score of `instrument` needs, from its declarations."""
    choices = {
        item.id: {code: (score, positive) for code, (_, score, positive) in item.choices.items()}
        for item in instrument.items
    }
    conditional = [item for item in instrument.items if item.visible_when is not None]
    groups = groupby(conditional, attrgetter("visible_when"))
    level_scale = instrument.scale(instrument.level_scale) if instrument.level_scale else None
    bands = [band for s in level_scale.band_sets for band in s.bands] if level_scale else []
    tags = sorted({tag for item in instrument.items for tag in item.tags})
    return Compiled(
        instrument,
        choices,
        tuple((condition, tuple(items)) for condition, items in groups),
        tuple(_plan_scale(instrument, instrument.scale(s)) for s in instrument.scoring_order),
        {b.code: b.level or (b.code if instrument.has("level", b.code) else None) for b in bands},
        tuple((rule, rule.effects) for rule in instrument.rules),
        {tag: instrument.tagged(tag) for tag in tags},
    )


def _plan_scale(instrument: Instrument, scale: Scale) -> ScalePlan:
    reverse = [c for c in scale.items if instrument.item(c).reverse]
    listed = f" (reverse-scored: {', '.join(reverse)})" if reverse else ""
    method = METHOD_WORDS.get(scale.method, f"sum x {scale.factor}") + listed
    weights = tuple(scale.weight(component) for component in scale.components)
    mean = scale.method == Method.MEAN
    adjusted = scale.factor != 1 or scale.decimals > 0 or bool(scale.requires or scale.norms)
    return ScalePlan(
        scale, scale.components, weights, sum(weights), mean, adjusted, _bands(scale), method
    )


def _bands(scale: Scale) -> dict[Number, Band]:
    first = scale.band_sets[0] if scale.band_sets else None
    fixed = first.bands if first is not None and first.when is None else ()
    whole = all(isinstance(b.minimum, int) and isinstance(b.maximum, int) for b in fixed)
    if not whole or sum(b.maximum - b.minimum for b in fixed) > MOST_SCORES_LOOKED_UP:
        return {}
    # The first band that covers a score is its band. Scoring looks whole-number scores up here
    # rather than searching the band sets: NORR scores in 37 µs instead of 43 (bench_scoring).
    return {s: b for b in reversed(fixed) for s in range(int(b.minimum), int(b.maximum) + 1)}


#: The compiled forms of the instruments scored last, by identity; each keeps its instrument
#: alive, so an id is not reused while its entry is here.
COMPILED: dict[int, Compiled] = {}
#: More instruments than a centre uses at once (the shipped ones, each in a few versions).
MOST_COMPILED = 64


def compiled(instrument: Instrument) -> Compiled:
    """The compiled form of `instrument`, worked out on its first score."""
    found = COMPILED.get(id(instrument))
    if found is None or found.instrument is not instrument:
        if len(COMPILED) >= MOST_COMPILED:
            COMPILED.clear()
        found = COMPILED[id(instrument)] = compile_instrument(instrument)
    return found
