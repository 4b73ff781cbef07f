"""The case manager's decisions on recommendations: accept (which leads on to the enrolment),
decline (a mandatory action's decline waits for a supervisor), add a service by hand; and what
waits for a decision."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Decision, Recommendation, RecommendationKind
from casework.cases.models import Case, CaseState
from casework.cases.services import cases
from casework.catalogue.models import Service, ServiceKind
from casework.db import db, utcnow
from casework.errors import N_, Conflict, NotFound, ValidationError, check_version, require_text

#: What a decision changes; its audit event is filed under the recommendation's client, whose
#: key holds the reason (a participant's, for an individual recommendation).
DECISION_FIELDS = ("decision", "decision_reason")

#: Services an accepted recommendation is followed up as tasks, not by an enrolment.
FOLLOWED_UP_AS_TASKS = (ServiceKind.PROCEDURE, ServiceKind.REFERRAL)


def _may_see(user: User, case: Case, recommendation: Recommendation, *, joint: bool) -> bool:
    return not recommendation.is_individual or policy.may_see_individual_disclosure(
        user, case, recommendation.client_id, None, joint=joint
    )


def recommendations_of(
    user: User,
    case_id: uuid.UUID,
    *,
    joint: bool,
    rows: list[Recommendation] | None = None,
) -> list[Recommendation]:
    """The case's recommendations the user may see in this context (the reasons' read is
    audited); individual ones never in the joint context. From `rows`, every recommendation of
    the case already read, if given (the case page reads them with other sections)."""
    case = policy.require_case(user, case_id)
    if rows is None:
        rows = list(
            db.session.scalars(
                select(Recommendation)
                .where(Recommendation.case_id == case.id)
                .order_by(Recommendation.priority, Recommendation.created_at)
            )
        )
    else:
        rows = sorted(rows, key=lambda row: (row.priority, row.created_at))
    recommendations = [row for row in rows if _may_see(user, case, row, joint=joint)]
    audit.record_many(
        "recommendation.read",
        actor=user,
        object_type=Recommendation.__audit_type__,
        objects=[
            audit.Read(r.id, r.client_id) for r in recommendations if r.decision_reason_ciphertext
        ],
        fields=["decision_reason"],
    )
    return recommendations


def _visible_recommendation(
    user: User, recommendation_id: uuid.UUID
) -> tuple[Recommendation, Case]:
    """The recommendation and its case, if `user` may see it outside the joint context."""
    recommendation = policy.require_visible(
        user, Recommendation, recommendation_id, what="recommendation"
    )
    case = db.session.get(Case, recommendation.case_id)
    assert case is not None
    if not _may_see(user, case, recommendation, joint=False):
        raise NotFound("no such recommendation")
    return recommendation, case


def decide(
    user: User,
    recommendation_id: uuid.UUID,
    *,
    accept: bool,
    reason: str,
    expected_version: int,
) -> Recommendation:
    """Accept or decline a recommendation with a reason. Declining a mandatory action needs a
    supervisor: a case manager's decline waits for one."""
    recommendation, case = _visible_recommendation(user, recommendation_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    check_version(recommendation, expected_version, N_("recommendation"))
    reason = require_text(reason, field="reason", message=N_("a reason is required"))
    if recommendation.decision not in (Decision.PENDING, Decision.DECLINE_REQUESTED):
        raise Conflict(
            "this recommendation is already %(decision)s", decision=recommendation.decision
        )
    recommendation.decision_reason = reason
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
    audit.record_change("recommendation.decide", recommendation, actor=user, fields=DECISION_FIELDS)
    db.session.flush()
    return recommendation


def confirm_decline(
    user: User,
    recommendation_id: uuid.UUID,
    *,
    confirm: bool,
    reason: str,
    expected_version: int,
) -> Recommendation:
    """A supervisor confirms (or refuses) declining a mandatory safety action."""
    recommendation, case = _visible_recommendation(user, recommendation_id)
    policy.require_supervisor_of(user, case)
    check_version(recommendation, expected_version, N_("recommendation"))
    if recommendation.decision != Decision.DECLINE_REQUESTED:
        raise Conflict("no decline of this recommendation awaits confirmation")
    reason = require_text(reason, field="reason", message=N_("a reason is required"))
    recommendation.decision = Decision.DECLINED if confirm else Decision.PENDING
    recommendation.confirmed_by_id = user.id if confirm else None
    recommendation.decision_reason = reason
    audit.record_change(
        "recommendation.confirm_decline", recommendation, actor=user, fields=DECISION_FIELDS
    )
    db.session.flush()
    return recommendation


def add_recommendation(
    user: User, case_id: uuid.UUID, *, service_code: str, reason: str
) -> Recommendation:
    """The case manager adds a service the rules did not recommend, with a reason."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    reason = require_text(reason, field="reason", message=N_("a reason is required"))
    service = db.session.get(Service, service_code)
    if service is None or not service.is_active:
        raise ValidationError(
            "no active service %(code)s", fields={"service_code": ["unknown"]}, code=service_code
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
    recommendation.decision_reason = reason
    db.session.add(recommendation)
    audit.record_change(
        "recommendation.add", recommendation, actor=user, fields=("service_code", "decision_reason")
    )
    db.session.flush()
    return recommendation


#: The decisions still to be taken (the partial index `ix_recommendations_undecided`).
UNDECIDED = (Decision.PENDING, Decision.DECLINE_REQUESTED)


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
    # Repeats the decisions of `mine` so the partial index of undecided recommendations serves
    # the query: decided ones, nearly all of them, are never read.
    undecided = Recommendation.decision.in_(UNDECIDED)
    query = (
        waiting.where(undecided, mine, Case.state != CaseState.CLOSED)
        .order_by(Recommendation.priority, Recommendation.created_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def enrolment_step(recommendation: Recommendation) -> str | None:
    """Where accepting `recommendation` leads: "enrol" (a service one is enrolled in directly),
    "group" (joined through a group run), or None (a procedure or referral: its tasks follow it)."""
    service = db.session.get(Service, recommendation.service_code)
    if service is None or not service.is_active or service.kind in FOLLOWED_UP_AS_TASKS:
        return None
    return "group" if service.is_group else "enrol"


def accepted_recommendation(user: User, recommendation_id: uuid.UUID) -> Recommendation:
    """An accepted recommendation `user` may see outside the joint context (to prefill the
    enrolment it leads to); else NotFound."""
    recommendation, _case = _visible_recommendation(user, recommendation_id)
    if recommendation.decision != Decision.ACCEPTED:
        raise NotFound("no such accepted recommendation")
    return recommendation
