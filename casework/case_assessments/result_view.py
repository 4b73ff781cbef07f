"""What the result page draws and says: each scale on one common track with its bands and
cut-offs, severities from 0 to 3 (shown by colour and by label), and why each rule fired in
the page's language, from the instrument's own texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import assessments as engine
from assessments.conditions import AllOf, AnyOf, Condition, Context, CountTest, ItemTest, ScaleTest
from casework.case_assessments.models import Assessment

Text = dict[str, str]

#: The width of every scale's track, in SVG user units (the SVG scales to the column's width).
TRACK_WIDTH = 400


@dataclass(frozen=True)
class BandSegment:
    """A band's share of a scale's track, with its severity (0 mildest .. 3 most serious)."""

    label: Text
    severity: int
    x: float
    width: float


@dataclass(frozen=True)
class Tick:
    """A cut-off (or an end) of a scale's range, at `x` on the track."""

    value: float
    x: float
    anchor: str


@dataclass(frozen=True)
class ScaleBar:
    """One scale on the common track: 0..the scale's maximum, its bands, cut-offs and score."""

    title: Text
    score: Any
    band_label: Text | None
    #: The severity of the score's band (None: not scored); shown by colour and by its label.
    severity: int | None
    fill: float
    bands: list[BandSegment]
    ticks: list[Tick]
    #: Why the scale has no score (translated), when it has none.
    reason: Text | None = None


@dataclass(frozen=True)
class Reason:
    """Why a rule fired, in the page's language: its reason and the answers and scales it read."""

    text: Text
    items: list[Text]
    scales: list[tuple[Text, Text | None]]


def _number(value: Any) -> float:
    return float(value)


def _band_set(
    spec: engine.Scale, scale: Mapping[str, Any], facts: Mapping[str, Any]
) -> tuple[engine.Band, ...]:
    """The bands the score was placed in: the set holding its band, else the set whose condition
    the client's facts meet, else the first."""
    band_range = scale.get("band_range")
    for band_set in spec.band_sets:
        for band in band_set.bands:
            if (
                band.code == scale.get("band")
                and band_range is not None
                and (_number(band.minimum), _number(band.maximum))
                == (_number(band_range[0]), _number(band_range[1]))
            ):
                return band_set.bands
    context = Context(answers={}, facts=facts)
    for band_set in spec.band_sets:
        if band_set.when is None or band_set.when.holds(context):
            return band_set.bands
    return spec.band_sets[0].bands if spec.band_sets else ()


def _severity(index: int, count: int, higher_is: str) -> int:
    """A band's place among `count` bands as a severity from 0 (mildest) to 3."""
    if count <= 1:
        return 0
    rank = index if higher_is != "better" else count - 1 - index
    return round(3 * rank / (count - 1))


def scale_bar(
    instrument: engine.Instrument,
    scale: Mapping[str, Any],
    facts: Mapping[str, Any],
    ranges: Mapping[str, Any],
) -> ScaleBar:
    """The scale's score on a track from 0 (or its lowest score) to its highest score, with each
    band drawn as its share of the track and a tick at every cut-off."""
    spec = instrument.scale(scale["id"])
    bands = sorted(_band_set(spec, scale, facts), key=lambda band: _number(band.minimum))
    found = ranges.get(spec.id)
    low = min([0.0] + [_number(band.minimum) for band in bands])
    high = max(
        [_number(found.high)] if found is not None else [_number(b.maximum) for b in bands] or [1]
    )
    low = min(low, _number(found.low)) if found is not None else low
    span = (high - low) or 1.0

    def x_of(value: float) -> float:
        return round(TRACK_WIDTH * (min(max(value, low), high) - low) / span, 1)

    segments = []
    for index, band in enumerate(bands):
        end = _number(bands[index + 1].minimum) if index + 1 < len(bands) else high
        start = x_of(_number(band.minimum))
        segments.append(
            BandSegment(
                band.label,
                _severity(index, len(bands), spec.higher_is),
                start,
                round(x_of(end) - start, 1),
            )
        )
    cuts = sorted({low, high, *(_number(band.minimum) for band in bands[1:])})
    ticks = [
        Tick(value, x_of(value), "start" if value == low else "end" if value == high else "middle")
        for value in cuts
    ]
    score = scale.get("score")
    severity = next(
        (s.severity for s, b in zip(segments, bands, strict=True) if b.code == scale.get("band")),
        None,
    )
    return ScaleBar(
        title=spec.title,
        score=score,
        band_label=scale.get("band_label"),
        severity=severity if score is not None else None,
        fill=x_of(_number(score)) if score is not None else 0.0,
        bands=segments,
        ticks=ticks,
        reason=scale.get("reason"),
    )


def _triggers(condition: Condition, context: Context) -> tuple[list[str], list[str]]:
    """The items and scales that made `condition` hold (none from under a negation)."""
    if isinstance(condition, AllOf | AnyOf):
        items: list[str] = []
        scales: list[str] = []
        for part in condition.parts:
            if isinstance(condition, AnyOf) and not part.holds(context):
                continue
            found_items, found_scales = _triggers(part, context)
            items += [item for item in found_items if item not in items]
            scales += [scale for scale in found_scales if scale not in scales]
        return items, scales
    if isinstance(condition, CountTest):
        return condition.matching(context), []
    if isinstance(condition, ItemTest):
        return ([condition.item] if condition.holds(context) else []), []
    if isinstance(condition, ScaleTest):
        return [], [condition.scale]
    return [], []


def reasons(
    instrument: engine.Instrument, assessment: Assessment, outcome: Mapping[str, Any]
) -> list[Reason]:
    """Each fired rule's reason, with the texts of the items and the scales that made it fire:
    never the engine's English evidence, item ids or codes."""
    left_out = set(outcome.get("hidden", [])) | set(outcome.get("discarded", []))
    scales = {
        scale["id"]: engine.ScaleResult.from_dict(scale) for scale in outcome.get("scales", [])
    }
    context = Context(
        answers={k: v for k, v in (assessment.answers or {}).items() if k not in left_out},
        facts=assessment.facts,
        items=instrument.items_by_id,
        scales=scales,
    )
    rules = {rule.id: rule for rule in instrument.rules}
    found = []
    for fired in outcome.get("rules", []):
        rule = rules.get(fired["rule"])
        items, scale_ids = _triggers(rule.when, context) if rule is not None else ([], [])
        found.append(
            Reason(
                text=fired["reason"],
                items=[
                    instrument.item(item).text for item in items if instrument.has("item", item)
                ],
                scales=[
                    (instrument.scale(scale_id).title, scales[scale_id].band_label)
                    for scale_id in scale_ids
                    if scale_id in scales
                ],
            )
        )
    return found


def level_severity(instrument: engine.Instrument, level: str | None) -> int:
    """The level's place among the instrument's levels as a severity from 0 to 3."""
    ranked = sorted(instrument.levels, key=lambda found: found.rank)
    codes = [found.code for found in ranked]
    return _severity(codes.index(level), len(codes), "worse") if level in codes else 0
