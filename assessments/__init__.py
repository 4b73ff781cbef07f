"""The assessment engine: instruments as data files, scored, explained and routed to services.

Pure Python: no Flask, SQLAlchemy or `casework` imports (tests/assessments enforce it).

    instrument = load_instrument("instruments/norr.yaml")
    result = score(instrument, answers, facts)          # Result; result.to_dict() is storable
    rules = load_routing("instruments/routing", load_instruments("instruments"))
    recommendations = route([result], facts, rules)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import (
    AnswerError,
    AssessmentError,
    InstrumentError,
    Problem,
    ResultFormatError,
    RoutingError,
)
from .loader import load_instrument, load_instruments, parse_instrument
from .model import (
    Action,
    Band,
    BandSet,
    FactSpec,
    Flag,
    HiddenAnswers,
    Instrument,
    Item,
    ItemKind,
    Level,
    Method,
    MissingAction,
    MissingRule,
    Option,
    Rule,
    Scale,
    Section,
    Vector,
)
from .result import FiredRule, Outcome, Result, ScaleResult, TraceEntry
from .routing import (
    Exclusion,
    Recommendation,
    RoutingDecision,
    RoutingRule,
    RoutingRules,
    RuleKind,
    Service,
    ServiceKind,
    route,
    route_explained,
)
from .routing_loader import load_routing
from .scoring import score_plan
from .vectors import run_vectors


def score(
    instrument: Instrument, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
) -> Result:
    """Score `answers` (item id -> option code, number, text or None) for a client with `facts`.

    Raises AnswerError listing every invalid answer or fact. Deterministic: the same instrument
    version, answers and facts always give an equal Result.
    """
    return score_plan(instrument.compiled, answers, facts or {})


__all__ = [
    "Action",
    "AnswerError",
    "AssessmentError",
    "Band",
    "BandSet",
    "Exclusion",
    "FactSpec",
    "FiredRule",
    "Flag",
    "HiddenAnswers",
    "Instrument",
    "InstrumentError",
    "Item",
    "ItemKind",
    "Level",
    "Method",
    "MissingAction",
    "MissingRule",
    "Option",
    "Outcome",
    "Problem",
    "Recommendation",
    "Result",
    "ResultFormatError",
    "RoutingDecision",
    "RoutingError",
    "RoutingRule",
    "RoutingRules",
    "Rule",
    "RuleKind",
    "Scale",
    "ScaleResult",
    "Section",
    "Service",
    "ServiceKind",
    "TraceEntry",
    "Vector",
    "load_instrument",
    "load_instruments",
    "load_routing",
    "parse_instrument",
    "route",
    "route_explained",
    "run_vectors",
    "score",
]
