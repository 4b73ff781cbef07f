"""Use cases for assessments: start, save answers, complete (score and route), decide."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import assessments as engine
from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.case_assessments.models import (
    Assessment,
    AssessmentState,
    Decision,
    Recommendation,
    RecommendationKind,
)
from casework.cases import services as cases
from casework.cases.models import Case, CaseState
from casework.catalogue.library import library
from casework.catalogue.models import Service
from casework.clients.models import Client, Gender
from casework.clients.services import require_processing_basis
from casework.db import db, utcnow
from casework.errors import (
    Conflict,
    NotFound,
    ValidationError,
    check_version,
    missing_as,
    require_text,
)

ROUTING_LANGUAGES = ("pl", "en", "uk", "ru")


def client_facts(client: Client, case: Case) -> dict[str, Any]:
    """The facts instruments and routing rules read, derived from the client and the case."""
    facts: dict[str, Any] = {
        "children_in_household": case.children_in_household,
        "case_kind": case.kind.value,
    }
    if client.gender in (Gender.FEMALE, Gender.MALE):
        facts["sex"] = client.gender.value
    elif client.gender == Gender.NON_BINARY:
        facts["sex"] = "other"
    if client.birth_year:
        age = utcnow().year - client.birth_year
        facts["age_group"] = "adolescent" if age < 18 else "older_adult" if age >= 65 else "adult"
    if client.languages:
        first = client.languages[0]
        facts["language"] = first if first in ROUTING_LANGUAGES else "other"
    return facts


def _may_assess(user: User, case: Case) -> None:
    if user.has_role(Role.THERAPIST) and policy.practitioner_client_ids(user, case):
        return
    policy.require_case_manager_of(user, case)


def start_assessment(
    user: User,
    case_id: uuid.UUID,
    *,
    instrument_id: str,
    client_id: uuid.UUID,
    participant_ids: tuple[uuid.UUID, ...] = (),
    is_individual: bool = False,
    is_closing: bool = False,
) -> Assessment:
    """Start a draft assessment of a participant with the newest version of an instrument."""
    case = policy.require_case(user, case_id)
    _may_assess(user, case)
    cases.require_not_closed(case)
    members = set(case.client_ids)
    if client_id not in members or not set(participant_ids) <= members:
        raise ValidationError(
            "only participants of the case can be assessed",
            fields={"client_id": ["not a participant"]},
        )
    require_processing_basis([client_id, *participant_ids])
    instrument = library().instrument(instrument_id)
    client = db.session.get(Client, client_id)
    assert client is not None
    assessment = Assessment(
        case_id=case.id,
        client_id=client_id,
        participant_ids=[str(p) for p in participant_ids if p != client_id],
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_sha256=instrument.source_sha256,
        is_individual=is_individual,
        is_closing=is_closing,
        facts=client_facts(client, case),
        started_by_id=user.id,
    )
    assessment.answers = {}
    db.session.add(assessment)
    if case.state == CaseState.INTAKE:
        cases.advance_case(case, CaseState.ASSESSMENT, actor=user)
    audit.record(
        "assessment.start",
        actor=user,
        object_type="assessment",
        object_id=assessment.id,
        client_id=client_id,
        fields=["instrument_id"],
    )
    db.session.flush()
    return assessment


def _instrument_of(assessment: Assessment) -> engine.Instrument:
    instrument = library().instrument(assessment.instrument_id, assessment.instrument_version)
    if instrument.source_sha256 != assessment.instrument_sha256:
        raise Conflict(
            f"the file of {assessment.instrument_id} {assessment.instrument_version} changed since "
            "this assessment began; a changed instrument needs a new version number"
        )
    return instrument


def _answer_problems(error: engine.AnswerError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in error.problems:
        fields.setdefault(f"answers.{problem.item}" if problem.item else "answers", []).append(
            problem.message
        )
    return fields


def _score(
    instrument: engine.Instrument, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> engine.Result:
    try:
        return engine.score(instrument, answers, facts)
    except engine.AnswerError as error:
        raise ValidationError("some answers are invalid", fields=_answer_problems(error)) from None


def _require_visible(
    user: User, assessment_id: uuid.UUID, *, joint: bool
) -> tuple[Assessment, Case]:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("no such assessment")
    with missing_as("no such assessment"):
        case = policy.require_case(user, assessment.case_id)
    if assessment.is_individual and not policy.may_see_individual_disclosure(
        user, case, assessment.client_id, assessment.started_by_id, joint=joint
    ):
        raise NotFound("no such assessment")
    return assessment, case


def read_assessment(user: User, assessment_id: uuid.UUID, *, joint: bool = False) -> Assessment:
    assessment, _ = _require_visible(user, assessment_id, joint=joint)
    audit.record(
        "assessment.read",
        actor=user,
        object_type="assessment",
        object_id=assessment.id,
        client_id=assessment.client_id,
        fields=["answers", "result"],
    )
    return assessment


def save_answers(
    user: User,
    assessment_id: uuid.UUID,
    answers: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> Assessment:
    """Merge answers into a draft (None clears one); invalid answers are refused, all at once."""
    assessment, case = _require_visible(user, assessment_id, joint=False)
    _may_assess(user, case)
    check_version(assessment, expected_version, "assessment")
    if assessment.state != AssessmentState.DRAFT:
        raise Conflict("a completed assessment cannot change")
    merged = dict(assessment.answers or {})
    for item_id, value in answers.items():
        if value is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    _score(_instrument_of(assessment), merged, assessment.facts)  # validates every answer
    assessment.answers = merged
    audit.record(
        "assessment.update",
        actor=user,
        object_type="assessment",
        object_id=assessment.id,
        client_id=assessment.client_id,
        fields=["answers"],
    )
    db.session.flush()
    return assessment


def _latest_completed(case: Case) -> list[Assessment]:
    """The newest completed, non-closing assessment per (instrument, client) on the case."""
    rows = db.session.scalars(
        select(Assessment)
        .where(
            Assessment.case_id == case.id,
            Assessment.state == AssessmentState.COMPLETED,
            Assessment.is_closing.is_(False),
        )
        .order_by(Assessment.completed_at)
    )
    latest: dict[tuple[str, uuid.UUID], Assessment] = {}
    for row in rows:
        latest[(row.instrument_id, row.client_id)] = row
    return list(latest.values())


def complete_assessment(
    user: User, assessment_id: uuid.UUID, *, expected_version: int | None
) -> Assessment:
    """Score the answers, freeze the assessment and route: recommendations follow the rules."""
    assessment, case = _require_visible(user, assessment_id, joint=False)
    _may_assess(user, case)
    check_version(assessment, expected_version, "assessment")
    if assessment.state != AssessmentState.DRAFT:
        raise Conflict("this assessment is already completed")
    result = _score(_instrument_of(assessment), assessment.answers or {}, assessment.facts)
    assessment.result = result.to_dict()
    assessment.level = result.level
    assessment.state = AssessmentState.COMPLETED
    assessment.completed_at = utcnow()
    assessment.completed_by_id = user.id
    db.session.flush()
    if not assessment.is_closing:
        _route(case, assessment, user)
        if case.state == CaseState.ASSESSMENT:
            cases.advance_case(case, CaseState.ROUTING, actor=user)
    audit.record(
        "assessment.complete",
        actor=user,
        object_type="assessment",
        object_id=assessment.id,
        client_id=assessment.client_id,
        fields=["answers", "result"],
    )
    db.session.flush()
    return assessment


#: Shown in the joint context for a service an individual disclosure rules out, saying no more.
WITHHELD_REASON = {
    "pl": "Nie proponujemy teraz tej formy pomocy – najpierw omówienie z koordynatorem przypadku.",
    "en": "Not offered for now – to be discussed with the case manager first.",
    "uk": "Наразі не пропонуємо – спершу потрібно обговорити з координатором випадку.",
}


def _results(rows: list[Assessment]) -> list[engine.Result]:
    return [engine.Result.from_dict(row.result) for row in rows if row.result]


def _route(case: Case, assessment: Assessment, user: User) -> None:
    """Recommendations from the case's newest results.

    An individual disclosure routes on its own (its recommendations and explanation are
    individual too). Joint routing never reads individual results; a service they rule out is
    withheld from the joint recommendations with a neutral reason, and pending joint
    recommendations of such a service are declined with that reason.
    """
    completed = _latest_completed(case)
    joint_rows = [row for row in completed if not row.is_individual]
    facts = dict(assessment.facts)
    rules = library().routing
    everything = engine.route_explained(_results(completed), facts, rules)
    if assessment.is_individual:
        assessment.routing = everything.to_dict()
        _recommend(case, assessment, everything.recommendations, individual=True)
        _withhold_pending(case, everything, user)
        return
    joint = engine.route_explained(_results(joint_rows), facts, rules)
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
    assessment.routing = routing
    _recommend(case, assessment, offered, individual=False)


def _recommend(
    case: Case, assessment: Assessment, recommendations: Any, *, individual: bool
) -> None:
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


@dataclass(frozen=True)
class Rescore:
    stored: dict[str, Any]
    recomputed: dict[str, Any]

    @property
    def is_same(self) -> bool:
        return self.stored == self.recomputed


def rescore(user: User, assessment_id: uuid.UUID) -> Rescore:
    """Score a completed assessment again with its exact instrument version."""
    assessment, _ = _require_visible(user, assessment_id, joint=False)
    if assessment.state != AssessmentState.COMPLETED or assessment.result is None:
        raise Conflict("only a completed assessment can be rescored")
    result = _score(_instrument_of(assessment), assessment.answers or {}, assessment.facts)
    audit.record(
        "assessment.rescore",
        actor=user,
        object_type="assessment",
        object_id=assessment.id,
        client_id=assessment.client_id,
        fields=["answers", "result"],
    )
    return Rescore(assessment.result, result.to_dict())


@dataclass(frozen=True)
class ScaleChange:
    scale_id: str
    first: Any
    closing: Any
    first_band: str | None
    closing_band: str | None


@dataclass(frozen=True)
class Comparison:
    first: Assessment
    closing: Assessment
    level_first: str | None
    level_closing: str | None
    scales: list[ScaleChange]


def compare_closing(
    user: User, case_id: uuid.UUID, *, instrument_id: str, client_id: uuid.UUID
) -> Comparison:
    """The closing reassessment beside the first assessment, scale by scale."""
    case = policy.require_case(user, case_id)
    rows = list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.case_id == case.id,
                Assessment.client_id == client_id,
                Assessment.instrument_id == instrument_id,
                Assessment.state == AssessmentState.COMPLETED,
            )
            .order_by(Assessment.completed_at)
        )
    )
    first = next((row for row in rows if not row.is_closing), None)
    closing = next((row for row in reversed(rows) if row.is_closing), None)
    if first is None or closing is None:
        raise NotFound("this case has no completed first and closing assessment of that instrument")
    for row in (first, closing):
        if row.is_individual and not policy.may_see_individual_disclosure(
            user, case, row.client_id, row.started_by_id, joint=False
        ):
            raise NotFound(
                "this case has no completed first and closing assessment of that instrument"
            )
    before = {s["id"]: s for s in (first.result or {}).get("scales", [])}
    after = {s["id"]: s for s in (closing.result or {}).get("scales", [])}
    changes = [
        ScaleChange(
            scale_id,
            before[scale_id].get("score"),
            after[scale_id].get("score"),
            before[scale_id].get("band"),
            after[scale_id].get("band"),
        )
        for scale_id in before
        if scale_id in after
    ]
    for row in (first, closing):
        audit.record(
            "assessment.read",
            actor=user,
            object_type="assessment",
            object_id=row.id,
            client_id=row.client_id,
            fields=["result"],
        )
    return Comparison(first, closing, first.level, closing.level, changes)


# --- recommendations --------------------------------------------------------------------


def _audit_decision(
    action: str,
    user: User,
    recommendation: Recommendation,
    *,
    fields: tuple[str, ...] = ("decision", "decision_reason"),
) -> None:
    """Audited under the client whose key holds the reason (a participant's, if individual)."""
    audit.record(
        action,
        actor=user,
        object_type="recommendation",
        object_id=recommendation.id,
        client_id=recommendation.client_id,
        fields=fields,
    )


def recommendations_of(user: User, case_id: uuid.UUID, *, joint: bool) -> list[Recommendation]:
    """The case's recommendations the user may see in this context (the reasons' read is
    audited); individual ones never in the joint context."""
    case = policy.require_case(user, case_id)
    rows = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.case_id == case.id)
        .order_by(Recommendation.priority, Recommendation.created_at)
    )
    recommendations = [row for row in rows if _may_see_recommendation(user, case, row, joint=joint)]
    audit.record_many(
        "recommendation.read",
        actor=user,
        object_type="recommendation",
        objects=[
            audit.Read(r.id, r.client_id) for r in recommendations if r.decision_reason_ciphertext
        ],
        fields=["decision_reason"],
    )
    return recommendations


def _may_see_recommendation(
    user: User, case: Case, recommendation: Recommendation, *, joint: bool
) -> bool:
    return not recommendation.is_individual or policy.may_see_individual_disclosure(
        user, case, recommendation.client_id, None, joint=joint
    )


def _require_recommendation(
    user: User, recommendation_id: uuid.UUID
) -> tuple[Recommendation, Case]:
    recommendation = db.session.get(Recommendation, recommendation_id)
    with missing_as("no such recommendation"):
        if recommendation is None:
            raise NotFound("no such recommendation")
        case = policy.require_case(user, recommendation.case_id)
        if not _may_see_recommendation(user, case, recommendation, joint=False):
            raise NotFound("no such recommendation")
    return recommendation, case


def decide(
    user: User,
    recommendation_id: uuid.UUID,
    *,
    accept: bool,
    reason: str,
    expected_version: int | None,
) -> Recommendation:
    """Accept or decline a recommendation with a reason. Declining a mandatory action needs a
    supervisor: a case manager's decline waits for one."""
    recommendation, case = _require_recommendation(user, recommendation_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    check_version(recommendation, expected_version, "recommendation")
    require_text(reason, field="reason", message="a reason is required")
    if recommendation.decision not in (Decision.PENDING, Decision.DECLINE_REQUESTED):
        raise Conflict(f"this recommendation is already {recommendation.decision.value}")
    recommendation.decision_reason = reason.strip()
    recommendation.decided_at = utcnow()
    recommendation.decided_by_id = user.id
    if accept:
        recommendation.decision = Decision.ACCEPTED
    elif recommendation.kind == RecommendationKind.MANDATORY and not policy.supervises_case(
        user, case
    ):
        recommendation.decision = Decision.DECLINE_REQUESTED
    else:
        recommendation.decision = Decision.DECLINED
        if recommendation.kind == RecommendationKind.MANDATORY:
            recommendation.confirmed_by_id = user.id
    _audit_decision("recommendation.decide", user, recommendation)
    db.session.flush()
    return recommendation


def confirm_decline(
    user: User,
    recommendation_id: uuid.UUID,
    *,
    confirm: bool,
    reason: str,
    expected_version: int | None,
) -> Recommendation:
    """A supervisor confirms (or refuses) declining a mandatory safety action."""
    recommendation, case = _require_recommendation(user, recommendation_id)
    policy.require_supervisor_of(user, case)
    check_version(recommendation, expected_version, "recommendation")
    if recommendation.decision != Decision.DECLINE_REQUESTED:
        raise Conflict("no decline of this recommendation awaits confirmation")
    require_text(reason, field="reason", message="a reason is required")
    recommendation.decision = Decision.DECLINED if confirm else Decision.PENDING
    recommendation.confirmed_by_id = user.id if confirm else None
    recommendation.decision_reason = reason.strip()
    _audit_decision("recommendation.confirm_decline", user, recommendation)
    db.session.flush()
    return recommendation


def add_recommendation(
    user: User, case_id: uuid.UUID, *, service_code: str, reason: str
) -> Recommendation:
    """The case manager adds a service the rules did not recommend, with a reason."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    require_text(reason, field="reason", message="a reason is required")
    service = db.session.get(Service, service_code)
    if service is None or not service.is_active:
        raise ValidationError(
            f"no active service {service_code!r}", fields={"service_code": ["unknown"]}
        )
    recommendation = Recommendation(
        case_id=case.id,
        client_id=case.primary_client_id,
        service_code=service.code,
        kind=RecommendationKind.ADDED,
        priority=3,
        decision=Decision.ACCEPTED,
        decided_at=utcnow(),
        decided_by_id=user.id,
    )
    recommendation.decision_reason = reason.strip()
    db.session.add(recommendation)
    _audit_decision(
        "recommendation.add", user, recommendation, fields=("service_code", "decision_reason")
    )
    db.session.flush()
    return recommendation


def assessments_of(user: User, case_id: uuid.UUID, *, joint: bool) -> list[Assessment]:
    """The case's assessments the user may see in this context (metadata; answers not read)."""
    case = policy.require_case(user, case_id)
    rows = db.session.scalars(
        select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.started_at)
    )
    return [
        row
        for row in rows
        if not row.is_individual
        or policy.may_see_individual_disclosure(
            user, case, row.client_id, row.started_by_id, joint=joint
        )
    ]


# --- for the web interface ----------------------------------------------------------------


def pending_decisions(user: User, *, limit: int = 50) -> list[Recommendation]:
    """Recommendations waiting for the user: undecided ones on the cases they manage, and (for
    supervisors) declines of mandatory actions awaiting their confirmation."""
    waiting = select(Recommendation).join(Case, Case.id == Recommendation.case_id)
    mine = (Case.case_manager_id == user.id) & (Recommendation.decision == Decision.PENDING)
    teams = policy.supervised_team_ids(user)
    if teams:
        mine = mine | (
            Case.team_id.in_(teams) & (Recommendation.decision == Decision.DECLINE_REQUESTED)
        )
    query = (
        waiting.where(mine, Case.state != CaseState.CLOSED)
        .order_by(Recommendation.priority, Recommendation.created_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def instruments_available() -> list[engine.Instrument]:
    """The newest version of each instrument, for starting an assessment."""
    return library().newest()


@dataclass(frozen=True)
class AssessmentPage:
    assessment: Assessment
    instrument: engine.Instrument
    recommendations: list[Recommendation]


def assessment_page(user: User, assessment_id: uuid.UUID) -> AssessmentPage:
    """An assessment (read audited), its instrument, and the case's recommendations."""
    assessment = read_assessment(user, assessment_id)
    return AssessmentPage(
        assessment,
        _instrument_of(assessment),
        recommendations_of(user, assessment.case_id, joint=not assessment.is_individual),
    )
