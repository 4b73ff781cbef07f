"""Plain-text rendering of results and routing decisions, in one language (for the CLI)."""

from __future__ import annotations

from .model import Instrument
from .numbers import display
from .result import Result
from .routing import RoutingDecision

Text = dict[str, str]


def _in(text: Text | None, language: str) -> str:
    if not text:
        return ""
    return text.get(language) or next(iter(text.values()))


def render_result(result: Result, instrument: Instrument, language: str) -> str:
    lines = [
        f"{_in(instrument.title, language)} ({result.instrument_id} {result.instrument_version})"
    ]
    level = (
        f"{_in(result.level_label, language)} [{result.level}]" if result.level else "undetermined"
    )
    band_level = result.band_level or "undetermined"
    note = "" if result.band_level == result.level else f"  (from bands alone: {band_level})"
    lines.append(f"Level: {level}{note}")
    for heading, mark, outcomes in (
        ("Mandatory actions:", "!", result.mandatory_actions),
        ("Flags:", "*", result.flags),
    ):
        lines += [heading] if outcomes else []
        for outcome in outcomes:
            lines.append(f"  {mark} {_in(outcome.label, language)} [{outcome.code}]")
            for rule_id in outcome.rules:
                reason = _in(result.rule(rule_id).reason, language)
                lines.append(f"      because ({rule_id}): {reason}")
    lines.append("Scales:")
    width = max(len(_in(instrument.scale(s.id).title, language)) for s in result.scales)
    for scale in result.scales:
        title = _in(instrument.scale(scale.id).title, language)
        band = f"{_in(scale.band_label, language)} [{scale.band}]" if scale.band else ""
        lines.append(
            f"  {title:<{width}}  {display(scale.score):>6}  {scale.status:<14} {band}".rstrip()
        )
    if result.rules:
        lines.append("Rules that fired:")
        for rule in result.rules:
            lines.append(f"  {rule.rule}: {_in(rule.reason, language)}")
            lines.append(f"      evidence: {rule.evidence}")
    guidance = _guidance(result, instrument, language)
    if guidance:
        lines.append("Guidance:")
        lines += [f"  - {text}" for text in guidance]
    lines.append("Explanation:")
    lines += [f"  [{entry.step}] {entry.target}: {entry.message}" for entry in result.trace]
    return "\n".join(lines)


def _guidance(result: Result, instrument: Instrument, language: str) -> list[str]:
    texts = [_in(instrument.level(result.level).guidance, language)] if result.level else []
    for found in result.scales:
        scale = instrument.scale(found.id)
        bands = [band for band_set in scale.band_sets for band in band_set.bands]
        band = next((b for b in bands if b.code == found.band and b.guidance), None)
        if band is not None and _in(band.guidance, language) not in texts:
            texts.append(f"{_in(scale.title, language)}: {_in(band.guidance, language)}")
    return [text for text in texts if text]


def render_routing(decision: RoutingDecision, language: str) -> str:
    lines = ["Recommended services:"]
    if not decision.recommendations:
        lines.append("  (none)")
    for rec in decision.recommendations:
        marker = "MANDATORY" if rec.kind == "mandatory" else f"priority {rec.priority}"
        note = "  (not offered in the client's language)"
        note = "" if rec.offered_in_client_language in (None, True) else note
        lines.append(f"  [{marker}] {_in(rec.service_name, language)} ({rec.service}){note}")
        lines.append(f"      {_in(rec.reason, language)}  (rule {rec.rule_id})")
    if decision.exclusions:
        lines.append("Not offered:")
        for exclusion in decision.exclusions:
            removed = f"; removed {', '.join(exclusion.removed)}" if exclusion.removed else ""
            lines.append(
                f"  {_in(exclusion.service_name, language)} ({exclusion.service}): "
                f"{_in(exclusion.reason, language)}  (rule {exclusion.rule_id}{removed})"
            )
    return "\n".join(lines)
