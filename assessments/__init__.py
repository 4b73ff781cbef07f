"""The assessment engine: instruments as data files, scored, explained and routed to services.

Pure Python: no Flask, SQLAlchemy or `casework` imports (tests/assessments enforce it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import AnswerError, AssessmentError, InstrumentError, Problem, ResultFormatError, RoutingError
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
from .result import Because, FiredRule, Outcome, Result, ScaleResult, TraceEntry


def score(instrument: Instrument, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None) -> Result:
    """Score `answers` (item id -> option code, number, text or None) for a client with `facts`.

    Raises AnswerError listing every invalid answer or fact. Deterministic: the same instrument
    version, answers and facts always give an equal Result.
    """
    return instrument.compiled.score(answers, facts)
