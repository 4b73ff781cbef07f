"""Command line: validate instrument and routing files, score answers, route results.

Exit status: 0 on success, 2 on invalid input (one line per problem on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import fhir
from .errors import AssessmentError, Problem
from .loader import load_instrument
from .model import Instrument
from .render import render_result, render_routing
from .result import Result
from .routing import load_routing, route_explained
from .scoring import score
from .vectors import run_vectors
from .yamlio import load_yaml

INVALID = 2


class InputError(AssessmentError):
    """A JSON input file of the command line (answers, facts, results) cannot be used."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assessments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    text = "validate files or directories and run their test vectors"
    commands.add_parser("validate", help=text).add_argument("paths", nargs="+", type=Path)
    score = commands.add_parser("score", help="score an answers file with an instrument")
    score.add_argument("instrument", type=Path)
    score.add_argument("answers", type=Path)
    _common(score)
    route = commands.add_parser(
        "route", help="recommend services for stored results (score --json)"
    )
    route.add_argument("rules", type=Path, help="routing directory or rules file")
    route.add_argument("results", type=Path, nargs="+")
    _common(route)
    fhir = commands.add_parser("fhir", help="FHIR R4 Questionnaire export and import")
    fhir_commands = fhir.add_subparsers(dest="direction", required=True)
    text = "an instrument as a Questionnaire, or answers as a QuestionnaireResponse"
    export = fhir_commands.add_parser("export", help=text)
    export.add_argument("instrument", type=Path)
    export.add_argument("--answers", type=Path, help="JSON answers: write a QuestionnaireResponse")
    _common(export)
    imported = fhir_commands.add_parser("import", help="a Questionnaire as an instrument's start")
    imported.add_argument("questionnaire", type=Path)
    args = parser.parse_args(argv)
    run = {"validate": _validate, "score": _score, "fhir": _fhir, "route": _route}
    try:
        return run[args.command](args)
    except AssessmentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return INVALID
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; that is not an error of ours.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--facts", type=Path, help="JSON file with client facts")
    parser.add_argument("--lang", choices=("pl", "en", "uk"), default=None)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problem = Problem("file not found", file=str(path), field=what)
    except json.JSONDecodeError as error:
        problem = Problem(f"invalid JSON: {error.msg}", str(path), field=what, line=error.lineno)
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(f"cannot read file: {error}", file=str(path), field=what)
    raise InputError([problem])


def _mapping(path: Path | None, what: str) -> dict[str, Any]:
    if path is None:
        return {}
    data = _read_json(path, what)
    if not isinstance(data, dict):
        raise InputError([Problem(f"{what} must be a JSON object", file=str(path), field=what)])
    return data


def _validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    instruments: list[Instrument] = []
    routing: list[Path] = []
    for path in args.paths:
        if not path.exists():
            problems.append(Problem("no such file or directory", file=str(path)))
            continue
        inside = sorted(path.iterdir()) if path.is_dir() else []
        routing += [sub for sub in inside if sub.is_dir() and any(sub.glob("*.yaml"))]
        for file in sorted(path.glob("*.yaml")) if path.is_dir() else [path]:
            data, _ = load_yaml(file)
            kind = data.get("kind") if isinstance(data, dict) else None
            if kind == "routing_rules":
                routing.append(file)
            elif kind != "service_catalogue":  # a catalogue is checked with the rules using it
                instrument = _check_instrument(file, problems)
                if instrument is not None:
                    instruments.append(instrument)
    for rules_path in routing:
        try:
            rules = load_routing(rules_path, instruments or None)
        except AssessmentError as error:
            problems += error.problems
            continue
        sizes = f"{len(rules.rules)} rules, {len(rules.services)} services"
        print(f"ok: {rules_path} ({rules.id} {rules.version}: {sizes})")
    for problem in problems:
        print(problem, file=sys.stderr)
    return INVALID if problems else 0


def _check_instrument(file: Path, problems: list[Problem]) -> Instrument | None:
    try:
        instrument = load_instrument(file)
    except AssessmentError as error:
        problems += error.problems
        return None
    failures = run_vectors(instrument)
    problems += failures
    sizes = f"{len(instrument.items)} items, {len(instrument.vectors)} vectors passed"
    if not failures:
        print(f"ok: {file} ({instrument.id} {instrument.version}: {sizes})")
    return instrument


def _score(args: argparse.Namespace) -> int:
    instrument = load_instrument(args.instrument)
    answers, facts = _mapping(args.answers, "answers"), _mapping(args.facts, "facts")
    result = score(instrument, answers, facts)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(render_result(result, instrument, args.lang or "en"))
    return 0


def _route(args: argparse.Namespace) -> int:
    rules = load_routing(args.rules)
    results = []
    for path in args.results:
        data = _read_json(path, "result")
        for entry in data if isinstance(data, list) else [data]:
            try:
                results.append(Result.from_dict(entry))
            except AssessmentError as error:
                problems = [Problem(p.message, str(path), field="result") for p in error.problems]
                raise InputError(problems) from None
    decision = route_explained(results, _mapping(args.facts, "facts"), rules)
    if args.json:
        print(json.dumps(decision.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(render_routing(decision, args.lang or "en"))
    return 0


def _fhir(args: argparse.Namespace) -> int:
    if args.direction == "import":
        questionnaire = _mapping(args.questionnaire, "questionnaire")
        if questionnaire.get("resourceType") != "Questionnaire":
            raise InputError([Problem("expected a FHIR Questionnaire", str(args.questionnaire))])
        print(fhir.import_questionnaire(questionnaire), end="")
        return 0
    instrument = load_instrument(args.instrument)
    if args.answers is None:
        resource = fhir.export_questionnaire(instrument, args.lang)
    else:
        answers, facts = _mapping(args.answers, "answers"), _mapping(args.facts, "facts")
        resource = fhir.export_response(instrument, answers, facts, args.lang)
    print(json.dumps(resource, ensure_ascii=False, indent=2))
    return 0
