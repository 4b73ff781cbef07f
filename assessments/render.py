"""Plain-text rendering of results and routing decisions, in one language (for the CLI)."""

from __future__ import annotations

from functools import partial

from .messages import in_language
from .model import Instrument
from .numbers import display
from .result import Result
from .routing import RoutingDecision


def render_result(result: Result, instrument: Instrument, language: str) -> str:
    text = partial(in_language, language=language)
    lines = [f"{text(instrument.title)} ({result.instrument_id} {result.instrument_version})"]
    level = f"{text(result.level_label)} [{result.level}]" if result.level else "undetermined"
    band_level = result.band_level or "undetermined"
    note = "" if result.band_level == result.level else f"  (from bands alone: {band_level})"
    lines.append(f"Level: {level}{note}")
    for heading, mark, outcomes in (
        ("Mandatory actions:", "!", result.mandatory_actions),
        ("Flags:", "*", result.flags),
    ):
        lines += [heading] if outcomes else []
        for outcome in outcomes:
            lines.append(f"  {mark} {text(outcome.label)} [{outcome.code}]")
            for rule_id in outcome.rules:
                lines.append(f"      because ({rule_id}): {text(result.rule(rule_id).reason)}")
    lines.append("Scales:")
    titles = [text(instrument.scale(scale.id).title) for scale in result.scales]
    width = max(map(len, titles))
    for title, scale in zip(titles, result.scales, strict=True):
        band = f"{text(scale.band_label)} [{scale.band}]" if scale.band else ""
        row = f"  {title:<{width}}  {display(scale.score):>6}  {scale.status:<14} {band}"
        lines.append(row.rstrip())
    lines += ["Rules that fired:"] if result.rules else []
    for rule in result.rules:
        lines.append(f"  {rule.rule}: {text(rule.reason)}")
        lines.append(f"      evidence: {rule.evidence}")
    guidance = _guidance(result, instrument, language)
    if guidance:
        lines += ["Guidance:", *(f"  - {line}" for line in guidance)]
    lines.append("Explanation:")
    lines += [f"  [{entry.step}] {entry.target}: {entry.message}" for entry in result.trace]
    return "\n".join(lines)


def _guidance(result: Result, instrument: Instrument, language: str) -> list[str]:
    text = partial(in_language, language=language)
    texts = [text(instrument.level(result.level).guidance)] if result.level else []
    for found in result.scales:
        scale = instrument.scale(found.id)
        bands = [band for band_set in scale.band_sets for band in band_set.bands]
        band = next((b for b in bands if b.code == found.band and b.guidance), None)
        if band is not None and text(band.guidance) not in texts:
            texts.append(f"{text(scale.title)}: {text(band.guidance)}")
    return [line for line in texts if line]


def render_routing(decision: RoutingDecision, language: str) -> str:
    text = partial(in_language, language=language)
    lines = ["Recommended services:"] + ([] if decision.recommendations else ["  (none)"])
    for rec in decision.recommendations:
        marker = "MANDATORY" if rec.kind == "mandatory" else f"priority {rec.priority}"
        offered = rec.offered_in_client_language in (None, True)
        note = "" if offered else "  (not offered in the client's language)"
        lines.append(f"  [{marker}] {text(rec.service_name)} ({rec.service}){note}")
        lines.append(f"      {text(rec.reason)}  (rule {rec.rule_id})")
    lines += ["Not offered:"] if decision.exclusions else []
    for exclusion in decision.exclusions:
        removed = f"; removed {', '.join(exclusion.removed)}" if exclusion.removed else ""
        name, reason = text(exclusion.service_name), text(exclusion.reason)
        lines.append(
            f"  {name} ({exclusion.service}): {reason}  (rule {exclusion.rule_id}{removed})"
        )
    return "\n".join(lines)
