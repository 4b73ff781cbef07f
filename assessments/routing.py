"""Routing: map results and client facts to recommended services, exclusions and mandatory actions.

Rules are data (`instruments/routing/*.yaml`); this module holds the model and `route()`.
Precedence: an exclusion always wins (a service it names is never recommended, not even by a
mandatory rule); among rules recommending the same service, mandatory beats recommend, then the
lower priority number wins, then the earlier rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .conditions import Condition
from .errors import AnswerError, Problem
from .evaluation import Context, Explainer, Test, compile_condition, compile_explainer
from .facts import fact_problems
from .model import FactSpec
from .result import Result

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
        return {
            "service": self.service,
            "service_name": self.service_name,
            "service_kind": self.service_kind,
            "kind": self.kind,
            "priority": self.priority,
            "reason": self.reason,
            "rule_id": self.rule_id,
            "also_by": list(self.also_by),
            "offered_in_client_language": self.offered_in_client_language,
            "evidence": self.evidence,
        }


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
        return {
            "service": self.service,
            "service_name": self.service_name,
            "rule_id": self.rule_id,
            "reason": self.reason,
            "removed": list(self.removed),
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    recommendations: tuple[Recommendation, ...]
    exclusions: tuple[Exclusion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendations": [r.to_dict() for r in self.recommendations],
            "exclusions": [e.to_dict() for e in self.exclusions],
        }


@dataclass(frozen=True)
class RoutingRules:
    id: str
    version: str
    languages: tuple[str, ...]
    services: Mapping[str, Service]
    rules: tuple[RoutingRule, ...]
    facts: tuple[FactSpec, ...] = ()
    sources: tuple[str, ...] = ()
    tests: tuple[Test, ...] = field(default=(), compare=False, repr=False)
    explainers: tuple[Explainer, ...] = field(default=(), compare=False, repr=False)


def route(
    results: Iterable[Result], facts: Mapping[str, Any] | None, rules: RoutingRules
) -> list[Recommendation]:
    """Recommended services for a case, most urgent first (mandatory before recommended)."""
    return list(route_explained(results, facts, rules).recommendations)


def route_explained(
    results: Iterable[Result], facts: Mapping[str, Any] | None, rules: RoutingRules
) -> RoutingDecision:
    """Like `route`, and also list the exclusions that fired, with what they removed."""
    facts = facts or {}
    _check_facts(rules.facts, facts)
    context = Context({}, facts, results=tuple(results))
    candidates: dict[str, list[tuple[RoutingRule, str]]] = {}
    excluded: dict[str, list[tuple[RoutingRule, str]]] = {}
    for rule, test, explain in zip(rules.rules, rules.tests, rules.explainers, strict=True):
        if not test(context):
            continue
        evidence = explain(context)
        target = excluded if rule.kind == RuleKind.EXCLUDE else candidates
        for code in rule.services:
            target.setdefault(code, []).append((rule, evidence))
    language = facts.get("language")
    recommendations = []
    for service_code, firing in candidates.items():
        if service_code in excluded:
            continue
        ranked = sorted(
            firing, key=lambda pair: (pair[0].kind != RuleKind.MANDATORY, pair[0].priority)
        )
        best, evidence = ranked[0]
        service = rules.services[service_code]
        recommendations.append(
            Recommendation(
                service=service_code,
                service_name=service.name,
                service_kind=service.kind.value,
                kind=best.kind.value,
                priority=best.priority,
                reason=best.reason,
                rule_id=best.id,
                also_by=tuple(rule.id for rule, _ in ranked[1:]),
                offered_in_client_language=None
                if language is None
                else language in service.languages,
                evidence=evidence,
            )
        )
    recommendations.sort(key=lambda r: (r.kind != RuleKind.MANDATORY, r.priority, r.service))
    exclusions = [
        Exclusion(
            service=service_code,
            service_name=rules.services[service_code].name,
            rule_id=rule.id,
            reason=rule.reason,
            removed=tuple(r.id for r, _ in candidates.get(service_code, ())),
            evidence=evidence,
        )
        for service_code, firing in sorted(excluded.items())
        for rule, evidence in firing
    ]
    return RoutingDecision(tuple(recommendations), tuple(exclusions))


def _check_facts(specs: Sequence[FactSpec], facts: Mapping[str, Any]) -> None:
    if not isinstance(facts, Mapping):
        raise AnswerError([Problem("facts must be a mapping of fact name to value", field="facts")])
    problems = fact_problems(specs, facts)
    if problems:
        raise AnswerError(problems)


def compile_rules(rules: tuple[RoutingRule, ...]) -> tuple[Test, ...]:
    return tuple(compile_condition(rule.when) for rule in rules)


def compile_explainers(rules: tuple[RoutingRule, ...]) -> tuple[Explainer, ...]:
    return tuple(compile_explainer(rule.when) for rule in rules)
