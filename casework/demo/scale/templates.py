"""Scored assessments to reuse: the engine's real output for each risk profile and client facts.

A large centre has hundreds of thousands of completed questionnaires; scoring each would spend
the generator's time on the same few answer sets. Each (profile, facts) pair is scored and
routed once per process, exactly as `case_assessments` does for a case's first assessment, and
its answers, result and routing are kept as the JSON text `seal_json` would encrypt.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import assessments as engine
from assessments.vectors import vector_answers
from casework.catalogue.library import DEFAULT_DIRECTORY

INSTRUMENT_ID = "norr"
CLOSING_PROFILE = "all lowest-risk answers"


def json_bytes(value: Any) -> bytes:
    """The plaintext `seal_json` encrypts (compact, UTF-8, no NaN)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


@dataclass(frozen=True)
class Recommended:
    service: str
    kind: str
    rule_id: str | None
    priority: int
    reason: dict[str, str]


@dataclass(frozen=True)
class Scored:
    """One completed assessment's stored parts, as plaintext ready to seal."""

    answers: bytes
    result: bytes
    routing: bytes
    level: str | None
    recommendations: tuple[Recommended, ...]


@functools.cache
def _library() -> tuple[engine.Instrument, engine.RoutingRules]:
    instruments = engine.load_instruments(DEFAULT_DIRECTORY)
    rules = engine.load_routing(DEFAULT_DIRECTORY / "routing", instruments)
    versions = [i for (key, _), i in instruments.items() if key == INSTRUMENT_ID]
    newest = max(versions, key=lambda i: tuple(int(p) for p in i.version.split(".")))
    return newest, rules


def instrument() -> engine.Instrument:
    """The newest NORR version: what a new assessment is started with."""
    return _library()[0]


def profile_names() -> list[str]:
    return [vector.name for vector in instrument().vectors]


@functools.lru_cache(maxsize=4096)
def scored(profile: str, facts: tuple[tuple[str, Any], ...]) -> Scored:
    """Score `profile`'s answers for `facts` and route the case on that single result."""
    norr, rules = _library()
    vector = next(v for v in norr.vectors if v.name == profile)
    answers = vector_answers(norr, vector)
    fact_map = dict(facts)
    result = engine.score(norr, answers, fact_map)
    joint = engine.route_explained([result], fact_map, rules, combined=[])
    routing = joint.to_dict()
    routing["recommendations"] = [rec.to_dict() for rec in joint.recommendations]
    routing["combined"] = []
    return Scored(
        answers=json_bytes(answers),
        result=json_bytes(result.to_dict()),
        routing=json_bytes(routing),
        level=result.level,
        recommendations=tuple(
            Recommended(rec.service, rec.kind, rec.rule_id, rec.priority, dict(rec.reason))
            for rec in joint.recommendations
        ),
    )
