"""Routing on completion: the recommendations a case's newest results lead to (with the partners'
combined result in a couple or family case), and keeping an individual disclosure out of the joint
routing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from blinker import Namespace
from sqlalchemy import select

import assessments as engine
from casework.auth.models import User
from casework.case_assessments.models import (
    Assessment,
    AssessmentState,
    Decision,
    Recommendation,
    RecommendationKind,
)
from casework.cases.models import Case, CaseKind
from casework.catalogue.library import library
from casework.db import db, utcnow

#: Shown in the joint context for a service an individual disclosure rules out, saying no more.
WITHHELD_REASON = {
    "pl": "Nie proponujemy teraz tej formy pomocy – najpierw omówienie z koordynatorem przypadku.",
    "en": "Not offered for now – to be discussed with the case manager first.",
    "uk": "Наразі не пропонуємо – спершу потрібно обговорити з координатором випадку.",
}

#: Sent (sender: the case; `actor`: who completed the assessment) once a completed assessment
#: routed its case, so features above this one act on the new recommendations (the tasks
#: feature opens a task for each mandatory action).
routed = Namespace().signal("case-routed")


def route(case: Case, assessment: Assessment, user: User) -> None:
    """Recommendations from the case's newest results, stored on the completed `assessment`.

    An individual disclosure routes on its own (its recommendations and explanation are
    individual too). Joint routing never reads individual results; a service they rule out is
    withheld from the joint recommendations with a neutral reason, and pending joint
    recommendations of such a service are declined with that reason.
    """
    completed = latest_completed(case)
    joint_rows = [row for row in completed if not row.is_individual]
    facts = dict(assessment.facts)
    rules = library().routing
    combined_all = combined_results(case, completed)
    everything = engine.route_explained(_results(completed), facts, rules, combined=combined_all)
    if assessment.is_individual:
        assessment.routing = everything.to_dict() | {
            "combined": [result.to_dict() for result in combined_all]
        }
        _recommend(case, assessment, everything.recommendations, individual=True)
        _withhold_pending(case, everything, user)
        routed.send(case, actor=user)
        return
    combined = combined_results(case, joint_rows)
    joint = engine.route_explained(_results(joint_rows), facts, rules, combined=combined)
    withheld = {e.service for e in everything.exclusions} - {e.service for e in joint.exclusions}
    offered = [rec for rec in joint.recommendations if rec.service not in withheld]
    routing = joint.to_dict()
    routing["recommendations"] = [rec.to_dict() for rec in offered]
    routing["exclusions"] += [
        {
            "service": service,
            "service_name": rules.services[service].name if service in rules.services else {},
            "rule_id": "withheld",
            "reason": WITHHELD_REASON,
            "removed": [],
            "evidence": "",
        }
        for service in sorted(withheld)
    ]
    routing["combined"] = [result.to_dict() for result in combined]
    assessment.routing = routing
    _recommend(case, assessment, offered, individual=False)
    routed.send(case, actor=user)


def latest_completed(case: Case, *, of: list[Assessment] | None = None) -> list[Assessment]:
    """The newest completed, non-closing assessment per (instrument, client) on the case; from
    `of`, every assessment of the case already read, if given (the case page has them)."""
    if of is None:
        rows: list[Assessment] = list(
            db.session.scalars(
                select(Assessment)
                .where(
                    Assessment.case_id == case.id,
                    Assessment.state == AssessmentState.COMPLETED,
                    Assessment.is_closing.is_(False),
                )
                .order_by(Assessment.completed_at)
            )
        )
    else:
        rows = sorted(
            (
                row
                for row in of
                if row.case_id == case.id
                and row.state == AssessmentState.COMPLETED
                and not row.is_closing
                and row.completed_at is not None
            ),
            key=lambda row: row.completed_at or row.started_at,
        )
    latest: dict[tuple[str, uuid.UUID], Assessment] = {}
    for row in rows:
        latest[(row.instrument_id, row.client_id)] = row
    return list(latest.values())


def combined_results(case: Case, rows: list[Assessment]) -> list[engine.CombinedResult]:
    """The participants' results of `rows` combined, for each instrument version that declares
    `couple:` and has results of at least two participants of a couple or family case.

    Only what the rows hold goes in: given joint rows, no individual disclosure does.
    """
    if case.kind == CaseKind.INDIVIDUAL:
        return []
    groups: dict[tuple[str, str], dict[uuid.UUID, engine.Result]] = {}
    for row in rows:
        if row.result:
            key = (row.instrument_id, row.instrument_version)
            groups.setdefault(key, {})[row.client_id] = engine.Result.from_dict(row.result)
    combined = []
    for (instrument_id, version), results in sorted(groups.items()):
        instrument = library().instrument(instrument_id, version)
        if instrument.couple is not None and len(results) > 1:
            combined.append(engine.combine(instrument, list(results.values())))
    return combined


def _results(rows: list[Assessment]) -> list[engine.Result]:
    return [engine.Result.from_dict(row.result) for row in rows if row.result]


def _recommend(
    case: Case,
    assessment: Assessment,
    recommendations: Iterable[engine.Recommendation],
    *,
    individual: bool,
) -> None:
    """A recommendation for each service not already recommended and still open in this context."""
    open_services = set(
        db.session.scalars(
            select(Recommendation.service_code).where(
                Recommendation.case_id == case.id,
                Recommendation.is_individual.is_(individual),
                Recommendation.decision.in_(
                    [Decision.PENDING, Decision.ACCEPTED, Decision.DECLINE_REQUESTED]
                ),
            )
        )
    )
    for rec in recommendations:
        if rec.service in open_services:
            continue
        db.session.add(
            Recommendation(
                case_id=case.id,
                assessment_id=assessment.id,
                client_id=assessment.client_id if individual else case.primary_client_id,
                is_individual=individual,
                service_code=rec.service,
                kind=RecommendationKind(rec.kind),
                rule_id=rec.rule_id,
                priority=rec.priority,
                rule_reason=dict(rec.reason),
            )
        )


def _withhold_pending(case: Case, decision: engine.RoutingDecision, user: User) -> None:
    """Pending joint recommendations of services an individual disclosure rules out are declined."""
    excluded = {exclusion.service for exclusion in decision.exclusions}
    pending = db.session.scalars(
        select(Recommendation).where(
            Recommendation.case_id == case.id,
            Recommendation.is_individual.is_(False),
            Recommendation.decision == Decision.PENDING,
            Recommendation.service_code.in_(excluded),
        )
    )
    for recommendation in pending:
        recommendation.decision = Decision.DECLINED
        recommendation.decision_reason = WITHHELD_REASON["en"]
        recommendation.decided_at = utcnow()
        recommendation.decided_by_id = user.id
