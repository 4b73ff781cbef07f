"""Read the bands of a scale and check that they cover every score the scale can produce."""

from __future__ import annotations

from itertools import pairwise

from .bounds import Bounds
from .condition_parser import Scope, parse_condition
from .fields import Reader, Text, items_with_lines
from .model import Band, BandSet, FactSpec, Scale
from .numbers import Number, step

BAND_FIELDS = ("code", "min", "max", "label", "level", "guidance")


def read_band_sets(
    reader: Reader,
    facts: dict[str, FactSpec],
    band_labels: dict[str, Text],
    level_codes: set[str],
    decimals: int,
) -> tuple[BandSet, ...]:
    if reader.has("bands") and reader.has("conditional_bands"):
        reader.report("give either 'bands' or 'conditional_bands', not both")
        return ()
    if reader.has("bands"):
        return (BandSet(None, _read_bands(reader, "bands", band_labels, level_codes, decimals)),)
    sets: list[BandSet] = []
    raw_sets = reader.sequence("conditional_bands", required=False) or []
    for index, raw, line in items_with_lines(raw_sets):
        entry = Reader(
            reader.reporter,
            raw,
            f"{reader.path('conditional_bands')}[{index}]",
            item=reader.item,
            line=line,
        )
        entry.only(["when", "bands"])
        when = None
        if entry.has("when"):
            when = parse_condition(entry, "when", Scope(where="a band condition", facts=facts))
        elif index != len(raw_sets) - 1:
            entry.report("only the last entry may omit 'when' (it is the default)")
        bands = _read_bands(entry, "bands", band_labels, level_codes, decimals)
        sets.append(BandSet(when, bands))
    if raw_sets and (not isinstance(raw_sets[-1], dict) or "when" in raw_sets[-1]):
        reader.report(
            "the last entry of conditional_bands must have no 'when': it is the default "
            "for clients whose facts match no other entry",
            "conditional_bands",
        )
    return tuple(sets)


def _read_bands(
    parent: Reader, key: str, band_labels: dict[str, Text], level_codes: set[str], decimals: int
) -> tuple[Band, ...]:
    bands: list[Band] = []
    for index, raw, line in items_with_lines(parent.sequence(key) or []):
        reader = Reader(
            parent.reporter, raw, f"{parent.path(key)}[{index}]", item=parent.item, line=line
        )
        reader.only(BAND_FIELDS)
        code = reader.code("code")
        low, high = reader.number("min"), reader.number("max")
        label = reader.text("label", required=code not in band_labels)
        if label is None and code in band_labels:
            label = band_labels[code]
        level = reader.code("level", required=False)
        if level is not None and level not in level_codes:
            reader.report(f"unknown level {level!r}", "level")
        guidance = reader.text("guidance", required=False)
        for bound_key, bound in (("min", low), ("max", high)):
            if bound is not None and _places(bound) > decimals:
                reader.report(f"{bound} has more decimals than the scale's {decimals}", bound_key)
        if low is not None and high is not None and low > high:
            reader.report(f"min {low} is greater than max {high}", "min")
            continue
        if code and low is not None and high is not None:
            label = label or {}  # a broken label is reported above; keep the band for coverage
            if any(band.code == code for band in bands):
                reader.report(f"band {code!r} is declared twice", "code")
            bands.append(Band(code, low, high, label, level, guidance))
    return tuple(sorted(bands, key=lambda band: band.minimum))


def _places(value: Number) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_bands(reader: Reader, scale: Scale, bounds: Bounds | None) -> None:
    """Bands must not overlap, leave no gap, and cover every score the scale can produce."""
    if bounds is None:
        return
    where = f"scale {scale.id}"
    for band_set in scale.band_sets:
        bands = band_set.bands
        if not bands:
            continue
        unit = step(scale.decimals)
        for previous, current in pairwise(bands):
            if current.minimum <= previous.maximum:
                _report(
                    reader, where, f"bands {previous.code!r} and {current.code!r} overlap", scale
                )
            elif current.minimum != previous.maximum + unit:
                _report(
                    reader,
                    where,
                    f"no band covers scores between {previous.maximum} and "
                    f"{current.minimum} (bands {previous.code!r}, {current.code!r})",
                    scale,
                )
        if bands[0].minimum > bounds.low or bands[-1].maximum < bounds.high:
            _report(
                reader,
                where,
                f"bands cover {bands[0].minimum}..{bands[-1].maximum} but the "
                f"scale can score {bounds.low}..{bounds.high}",
                scale,
            )


def _report(reader: Reader, where: str, message: str, scale: Scale) -> None:
    reader.reporter.add(message, item=where, field="bands", line=scale.line or None)
