"""The assessment engine: instruments as data files, scored, explained and routed to services.

Pure Python: no Flask, SQLAlchemy or `casework` imports (tests/assessments enforce it).

    instrument = load_instrument("instruments/norr.yaml")
    result = score(instrument, answers, facts)          # Result; result.to_dict() is storable
    rules = load_routing("instruments/routing", load_instruments("instruments"))
    recommendations = route([result], facts, rules)
"""

from .change import Change, ScaleChange, measure_change
from .couples import CombinedResult, combine
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
    FactSpec,
    Flag,
    HiddenAnswers,
    Instrument,
    Item,
    ItemKind,
    Level,
    Option,
    Rule,
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
    load_routing,
    route,
    route_explained,
)  # fmt: skip
from .scale_model import Band, BandSet, Method, MissingAction, MissingRule, Scale
from .scoring import score
from .vectors import run_vectors

__all__ = [
    "Action", "AnswerError", "AssessmentError", "Band", "BandSet", "Change", "CombinedResult",
    "Exclusion", "FactSpec", "FiredRule", "Flag", "HiddenAnswers", "Instrument", "InstrumentError",
    "Item", "ItemKind", "Level", "Method", "MissingAction", "MissingRule", "Option", "Outcome",
    "Problem", "Recommendation", "Result", "ResultFormatError", "RoutingDecision", "RoutingError",
    "RoutingRule", "RoutingRules", "Rule", "RuleKind", "Scale", "ScaleChange", "ScaleResult",
    "Section", "Service", "ServiceKind", "TraceEntry", "Vector", "combine", "load_instrument",
    "load_instruments", "load_routing", "measure_change", "parse_instrument", "route",
    "route_explained", "run_vectors", "score"
]  # fmt: skip
