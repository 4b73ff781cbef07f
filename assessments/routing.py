"""Routing: map results and client facts to recommended services, exclusions and mandatory actions.

Rules are data (`instruments/routing/*.yaml`); this module holds the model and `route()`.
Precedence: an exclusion always wins (a service it names is never recommended, not even by a
mandatory rule); among rules recommending the same service, mandatory beats recommend, then the
lower priority number wins, then the earlier rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .condition_parser import InstrumentNames, Scope, parse_condition
from .conditions import Condition, Context
from .errors import AnswerError, Problem, RoutingError
from .fields import Reader, Reporter
from .loader import read_languages, read_version
from .model import FactSpec, Instrument
from .parse_items import read_facts
from .result import Result, plain
from .scoring import fact_problems
from .yamlio import load_yaml

Text = dict[str, str]


class ServiceKind(StrEnum):
    INDIVIDUAL = "individual"
    COUPLES = "couples"
    FAMILY = "family"
    GROUP = "group"
    WORKSHOP = "workshop"
    CONSULTATION = "consultation"
    PROCEDURE = "procedure"
    REFERRAL = "referral"


class RuleKind(StrEnum):
    RECOMMEND = "recommend"
    MANDATORY = "mandatory"
    EXCLUDE = "exclude"


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    kind: ServiceKind
    name: Text
    description: Text | None = None
    #: Languages the service is currently offered in.
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoutingRule:
    id: str
    kind: RuleKind
    when: Condition
    services: tuple[str, ...]
    reason: Text
    priority: int = 3
    line: int = 0


@dataclass(frozen=True, slots=True)
class Recommendation:
    service: str
    service_name: Text
    service_kind: str
    #: "recommend" or "mandatory".
    kind: str
    #: 1 is the most urgent.
    priority: int
    reason: Text
    rule_id: str
    #: Other rules that recommended the same service.
    also_by: tuple[str, ...] = ()
    #: Whether the service is offered in the client's language (None: language unknown).
    offered_in_client_language: bool | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A service that an exclusion rule kept out, and the recommendations it removed."""

    service: str
    service_name: Text
    rule_id: str
    reason: Text
    removed: tuple[str, ...]
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    recommendations: tuple[Recommendation, ...]
    exclusions: tuple[Exclusion, ...]

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RoutingRules:
    id: str
    version: str
    languages: tuple[str, ...]
    services: Mapping[str, Service]
    rules: tuple[RoutingRule, ...]
    facts: tuple[FactSpec, ...] = ()
    sources: tuple[str, ...] = ()


def route(
    results: Iterable[Result],
    facts: Mapping[str, Any] | None,
    rules: RoutingRules,
    *,
    combined: Iterable[Any] = (),
) -> list[Recommendation]:
    """Recommended services for a case, most urgent first (mandatory before recommended).

    `combined`: the case's couple or family results (`assessments.combine`), which rules read
    with `of: couple`.
    """
    return list(route_explained(results, facts, rules, combined=combined).recommendations)


def route_explained(
    results: Iterable[Result],
    facts: Mapping[str, Any] | None,
    rules: RoutingRules,
    *,
    combined: Iterable[Any] = (),
) -> RoutingDecision:
    """Like `route`, and also list the exclusions that fired, with what they removed."""
    facts = facts or {}
    if not isinstance(facts, Mapping):
        raise AnswerError([Problem("facts must be a mapping of fact name to value", field="facts")])
    if problems := fact_problems(rules.facts, facts):
        raise AnswerError(problems)
    context = Context({}, facts, results=tuple(results), combined=tuple(combined))
    # Service code -> the rules that fired for it, in the file's order, with their evidence.
    recommending: dict[str, list[tuple[RoutingRule, str]]] = {}
    excluding: dict[str, list[tuple[RoutingRule, str]]] = {}
    for rule in rules.rules:
        if not rule.when.holds(context):
            continue
        fired = excluding if rule.kind == RuleKind.EXCLUDE else recommending
        evidence = rule.when.explain(context)
        for code in rule.services:
            fired.setdefault(code, []).append((rule, evidence))
    language = facts.get("language")
    recommendations = []
    for code in recommending.keys() - excluding.keys():
        (rule, evidence), *others = sorted(recommending[code], key=lambda pair: _urgency(pair[0]))
        service = rules.services[code]
        offered = None if language is None else language in service.languages
        also_by = tuple(other.id for other, _ in others)
        chosen = (rule.kind.value, rule.priority, rule.reason, rule.id, also_by, offered, evidence)
        recommendations.append(Recommendation(code, service.name, service.kind.value, *chosen))
    recommendations.sort(key=lambda found: (*_urgency(found), found.service))
    exclusions = []
    for code, firing in sorted(excluding.items()):
        name = rules.services[code].name
        removed = tuple(rule.id for rule, _ in recommending.get(code, ()))
        for rule, evidence in firing:
            exclusions.append(Exclusion(code, name, rule.id, rule.reason, removed, evidence))
    return RoutingDecision(tuple(recommendations), tuple(exclusions))


def _urgency(rule: RoutingRule | Recommendation) -> tuple[bool, int]:
    """Mandatory before recommended, then the lower priority number first."""
    return rule.kind != RuleKind.MANDATORY, rule.priority


CATALOGUE_FIELDS = ("format", "kind", "id", "version", "languages", "services")
RULES_FIELDS = ("format", "kind", "id", "version", "languages", "catalogue", "facts", "rules")
SERVICE_FIELDS = ("code", "kind", "name", "description", "languages")
RULE_FIELDS = ("id", "kind", "when", "services", "priority", "reason")


def load_routing(
    path: str | Path, instruments: Mapping[Any, Instrument] | Iterable[Instrument] | None = None
) -> RoutingRules:
    """Load routing rules and their service catalogue from a rules file or a directory.

    A directory must hold one `kind: routing_rules` file and the `kind: service_catalogue`
    file(s); a rules file names its catalogue with `catalogue:` (relative to itself).
    With `instruments`, every instrument, level, scale, band, flag, action and tag that a rule
    names is checked against them. Raises RoutingError listing every problem.
    """
    path = Path(path)
    problems: list[Problem] = []
    kinds: dict[str, list[tuple[str, Any]]] = {"routing_rules": [], "service_catalogue": []}
    for file, data in _documents(path, problems):
        if data.get("kind") in kinds:
            kinds[data["kind"]].append((file, data))
        else:
            text, line = "'kind' must be routing_rules or service_catalogue", data.line_of("kind")
            problems.append(Problem(text, file=file, field="kind", line=line))
    rules_docs, catalogue_docs = kinds["routing_rules"], kinds["service_catalogue"]
    if len(rules_docs) != 1:
        text = f"expected one routing_rules file, found {len(rules_docs)}"
        raise RoutingError([*problems, Problem(text, file=str(path))])
    rules_file, rules_data = rules_docs[0]
    if rules_data.get("catalogue") and not path.is_dir():
        catalogue = Path(rules_file).parent / str(rules_data["catalogue"])
        catalogue_docs += _documents(catalogue, problems)
    if not catalogue_docs:
        problems.append(Problem("no service catalogue found", file=rules_file, field="catalogue"))
    services: dict[str, Service] = {}
    for file, data in catalogue_docs:
        root, _, _ = _header(file, data, CATALOGUE_FIELDS)
        _read_services(root, services)
        problems += root.reporter.problems
    root, rules_id, version = _header(rules_file, rules_data, RULES_FIELDS)
    facts = read_facts(root)
    scope = Scope(where="a routing rule", facts=facts, instruments=_names(instruments))
    rules = _read_rules(root, scope, services)
    problems += root.reporter.problems
    if problems:
        raise RoutingError(problems)
    found = (rules_id or "", version or "", root.reporter.languages, services, rules)
    return RoutingRules(*found, tuple(facts.values()), (rules_file,))


def _documents(path: Path, problems: list[Problem]) -> list[tuple[str, Any]]:
    paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    documents = []
    for file in paths:
        data, found = load_yaml(file)
        problems.extend(found)
        if isinstance(data, dict):
            documents.append((str(file), data))
        elif data is not None:
            problems.append(Problem("expected a mapping at the top of the file", file=str(file)))
    return documents


def _header(file: str, data: Any, fields: tuple[str, ...]) -> tuple[Reader, str | None, str | None]:
    """A reader of a routing file, its fields and languages checked; and its id and version."""
    root = Reader(Reporter(file), data, "")
    root.only(fields)
    root.reporter.languages = read_languages(root)
    return root, root.code("id"), read_version(root)


def _read_services(root: Reader, services: dict[str, Service]) -> None:
    """Add a catalogue's services to `services` (which may hold other catalogues' already)."""
    for reader in root.each("services", required=True, name="code", prefix="service "):
        reader.only(SERVICE_FIELDS)
        code = reader.code("code")
        kind = reader.choice("kind", [kind.value for kind in ServiceKind])
        name, description = reader.text("name"), reader.text("description", required=False)
        languages = tuple(reader.codes("languages", required=False) or ())
        if code in services:
            reader.report(f"service {code!r} is declared twice", "code")
        elif code and kind:
            services[code] = Service(code, ServiceKind(kind), name or {}, description, languages)


def _read_rules(
    root: Reader, scope: Scope, services: dict[str, Service]
) -> tuple[RoutingRule, ...]:
    rules: list[RoutingRule] = []
    for reader in root.each("rules", required=True, name="id", prefix="rule "):
        if not reader.valid:
            continue
        reader.only(RULE_FIELDS)
        rule_id = reader.code("id")
        kind = reader.choice("kind", [kind.value for kind in RuleKind])
        when = parse_condition(reader, "when", scope) if reader.has("when") else None
        if not reader.has("when"):
            reader.missing("when")
        codes = reader.codes("services") or []
        for code in codes:
            if services and code not in services:
                known = ", ".join(sorted(services))
                reader.report(f"unknown service {code!r}; the catalogue has: {known}", "services")
        priority = reader.integer("priority", minimum=1, default=3) or 3
        if kind == RuleKind.EXCLUDE and reader.has("priority"):
            reader.report("an exclusion has no priority", "priority")
        reason = reader.text("reason")
        if any(rule.id == rule_id for rule in rules):
            reader.report(f"rule id {rule_id!r} is used twice", "id")
        elif rule_id and kind and when is not None and codes and reason:
            found = (RuleKind(kind), when, tuple(codes), reason, priority, reader.line)
            rules.append(RoutingRule(rule_id, *found))
    return tuple(rules)


def _names(
    instruments: Mapping[Any, Instrument] | Iterable[Instrument] | None,
) -> dict[str, InstrumentNames]:
    if instruments is None:
        return {}
    values = instruments.values() if isinstance(instruments, Mapping) else instruments
    names: dict[str, InstrumentNames] = {}
    for instrument in values:
        entry = names.setdefault(instrument.id, InstrumentNames(set(), set(), set(), set(), {}))
        entry.levels |= {level.code for level in instrument.levels}
        entry.flags |= {flag.code for flag in instrument.flags}
        entry.actions |= {action.code for action in instrument.actions}
        entry.tags |= {tag for item in instrument.items for tag in item.tags}
        for scale in instrument.scales:
            bands = entry.scale_bands.setdefault(scale.id, set())
            bands |= {band.code for band_set in scale.band_sets for band in band_set.bands}
        if instrument.couple is not None:
            combined = instrument.couple
            flags = {*combined.flags, *(d.flag for d in combined.discrepancies)}
            levels, known = entry.couple or (set(), set())
            entry.couple = (levels | entry.levels, known | flags)
    return names
