"""Use cases for cases: open, move between states, assign, close, reopen, break the glass."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.care.models import Enrolment
from casework.case_assessments.models import Assessment
from casework.cases.models import (
    BreakGlassAccess,
    Case,
    CaseKind,
    CaseParticipant,
    CaseState,
    CaseStateChange,
    ClosureOutcome,
    ParticipantRole,
    ReferenceCounter,
    ReferralSource,
)
from casework.clients.models import Client
from casework.clients.services import require_client, require_processing_basis
from casework.db import db, utcnow
from casework.errors import Conflict, NotFound, ValidationError, check_version, require_text
from casework.pagination import Page, paginate

BREAK_GLASS_HOURS = 8

#: The moves a case may make; closing and putting on hold have their own use cases.
ALLOWED_MOVES: dict[CaseState, tuple[CaseState, ...]] = {
    CaseState.INTAKE: (CaseState.ASSESSMENT, CaseState.ON_HOLD, CaseState.CLOSED),
    CaseState.ASSESSMENT: (CaseState.ROUTING, CaseState.ON_HOLD, CaseState.CLOSED),
    CaseState.ROUTING: (
        CaseState.ACTIVE,
        CaseState.ASSESSMENT,
        CaseState.ON_HOLD,
        CaseState.CLOSED,
    ),
    CaseState.ACTIVE: (CaseState.ON_HOLD, CaseState.CLOSED),
    CaseState.ON_HOLD: (
        CaseState.INTAKE,
        CaseState.ASSESSMENT,
        CaseState.ROUTING,
        CaseState.ACTIVE,
        CaseState.CLOSED,
    ),
    CaseState.CLOSED: (),
}


class CaseStateError(Conflict):
    """An illegal move; the message says which moves are allowed."""


@dataclass(frozen=True)
class NewParticipant:
    client_id: uuid.UUID
    role: ParticipantRole


def _next_reference(year: int) -> str:
    """CR/<year>/<number>: unique; concurrent openings queue on the counter row."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(ReferenceCounter).values(year=year, last_number=0).on_conflict_do_nothing()
    )
    number = db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    ).scalar_one()
    return f"CR/{year}/{number:05d}"


def _record_move(case: Case, to_state: CaseState, actor: User, reason: str | None) -> None:
    change = CaseStateChange(
        case_id=case.id,
        client_id=case.primary_client_id,
        from_state=case.state if case.state is not None else None,
        to_state=to_state,
        changed_by_id=actor.id,
    )
    change.reason = reason.strip() if reason and reason.strip() else None
    db.session.add(change)
    case.state = to_state


def open_case(
    actor: User,
    *,
    kind: CaseKind,
    participants: Sequence[NewParticipant],
    referral_source: ReferralSource,
    children_in_household: bool = False,
    case_manager_id: uuid.UUID | None = None,
) -> Case:
    """Open a case in the intake state for one client, a couple or a family."""
    policy.require_role(actor, Role.CASE_MANAGER, Role.SUPERVISOR)
    if not participants:
        raise ValidationError(
            "a case needs at least one participant", fields={"participants": ["required"]}
        )
    if kind == CaseKind.INDIVIDUAL and len(participants) != 1:
        raise ValidationError(
            "an individual case has exactly one participant", fields={"participants": ["one"]}
        )
    if kind == CaseKind.COUPLE and len(participants) != 2:
        raise ValidationError(
            "a couple case has exactly two participants", fields={"participants": ["two"]}
        )
    client_ids = [p.client_id for p in participants]
    if len(set(client_ids)) != len(client_ids):
        raise ValidationError(
            "a client appears twice among the participants", fields={"participants": ["duplicate"]}
        )
    for client_id in client_ids:
        if require_client(actor, client_id, assigned_only=True).is_erased:
            raise Conflict("an erased client cannot take part in a new case")
    require_processing_basis(client_ids)
    manager = db.session.get(User, case_manager_id) if case_manager_id else None
    if case_manager_id and manager is None:
        raise ValidationError("no such case manager", fields={"case_manager_id": ["unknown"]})
    manager = manager or (actor if actor.has_role(Role.CASE_MANAGER) else None)
    if manager is not None and not manager.has_role(Role.CASE_MANAGER):
        raise ValidationError(
            "the case manager must have the case manager role",
            fields={"case_manager_id": ["not a case manager"]},
        )
    now = utcnow()
    case = Case(
        reference=_next_reference(now.year),
        kind=kind,
        case_manager_id=manager.id if manager else None,
        team_id=(manager or actor).team_id,
        referral_source=referral_source,
        primary_client_id=client_ids[0],
        children_in_household=children_in_household,
        opened_at=now,
        opened_by_id=actor.id,
        participants=[
            CaseParticipant(client_id=p.client_id, role=p.role, position=i)
            for i, p in enumerate(participants)
        ],
    )
    db.session.add(case)
    _record_move(case, CaseState.INTAKE, actor, None)
    audit.record(
        "case.open",
        actor=actor,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["participants", "referral_source"],
    )
    db.session.flush()
    return case


def get_case(user: User, case_id: uuid.UUID) -> Case:
    return policy.require_case(user, case_id)


def move_case(
    user: User,
    case_id: uuid.UUID,
    to_state: CaseState,
    *,
    expected_version: int | None,
    reason: str | None = None,
) -> Case:
    """Move a case to another state, if the state machine allows it."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    check_version(case, expected_version, "case")
    if to_state == CaseState.CLOSED:
        raise CaseStateError("close a case with its own action, which records the outcome")
    _check_move(case, to_state)
    if to_state == CaseState.ON_HOLD and not (reason and reason.strip()):
        raise ValidationError("say why the case is put on hold", fields={"reason": ["required"]})
    if case.case_manager_id is None and user.has_role(Role.CASE_MANAGER):
        case.case_manager_id = user.id  # taking it from the intake queue
        case.team_id = case.team_id or user.team_id
    advance_case(case, to_state, actor=user, reason=reason)
    return case


def advance_case(
    case: Case, to_state: CaseState, *, actor: User, reason: str | None = None
) -> None:
    """The move a piece of work implies (an assessment starts, care begins), made by whoever
    did that work; the caller has checked their right to do it."""
    _check_move(case, to_state)
    _record_move(case, to_state, actor, reason)
    audit.record(
        "case.move",
        actor=actor,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["state"],
    )
    db.session.flush()


def _check_move(case: Case, to_state: CaseState) -> None:
    allowed = ALLOWED_MOVES[case.state]
    if to_state not in allowed:
        if not allowed:
            raise CaseStateError(f"a {case.state.value} case cannot move; reopen it first")
        names = ", ".join(state.value for state in allowed)
        raise CaseStateError(
            f"a case cannot move from {case.state.value} to {to_state.value}; allowed: {names}"
        )


def close_case(
    user: User,
    case_id: uuid.UUID,
    *,
    outcome: ClosureOutcome,
    reason: str,
    expected_version: int | None,
) -> Case:
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    check_version(case, expected_version, "case")
    _check_move(case, CaseState.CLOSED)
    require_text(reason, field="reason", message="a closing reason is required")
    case.closed_at = utcnow()
    case.closure_outcome = outcome
    case.closure_reason = reason.strip()
    _record_move(case, CaseState.CLOSED, user, None)
    audit.record(
        "case.close",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["closure_outcome", "closure_reason"],
    )
    db.session.flush()
    return case


def reopen_case(
    user: User, case_id: uuid.UUID, *, reason: str, expected_version: int | None
) -> Case:
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    check_version(case, expected_version, "case")
    if case.state != CaseState.CLOSED:
        raise CaseStateError(f"only a closed case can be reopened; this one is {case.state.value}")
    require_text(reason, field="reason", message="say why the case is reopened")
    case.closed_at = None
    case.closure_outcome = None
    case.closure_reason = None
    _record_move(case, CaseState.ASSESSMENT, user, reason)
    audit.record(
        "case.reopen",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["state"],
    )
    db.session.flush()
    return case


def assign_case(
    user: User, case_id: uuid.UUID, *, case_manager_id: uuid.UUID, expected_version: int | None
) -> Case:
    """Reassign a case to another case manager (a supervisor of its team)."""
    case = policy.require_case(user, case_id)
    policy.require_supervisor_of(user, case)
    check_version(case, expected_version, "case")
    if case.state == CaseState.CLOSED:
        raise CaseStateError("a closed case cannot be assigned; reopen it first")
    manager = db.session.get(User, case_manager_id)
    if manager is None or not manager.is_enabled or not manager.has_role(Role.CASE_MANAGER):
        raise ValidationError(
            "that user is not an active case manager", fields={"case_manager_id": ["invalid"]}
        )
    case.case_manager_id = manager.id
    case.team_id = manager.team_id or case.team_id
    audit.record(
        "case.assign",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["case_manager_id"],
    )
    db.session.flush()
    return case


def add_participant(
    user: User, case_id: uuid.UUID, participant: NewParticipant, *, expected_version: int | None
) -> Case:
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    check_version(case, expected_version, "case")
    if case.kind == CaseKind.INDIVIDUAL or (
        case.kind == CaseKind.COUPLE and len(case.participants) >= 2
    ):
        raise Conflict(f"a {case.kind.value} case cannot take another participant")
    if participant.client_id in case.client_ids:
        raise Conflict("this client already takes part in the case")
    if require_client(user, participant.client_id, assigned_only=True).is_erased:
        raise Conflict("an erased client cannot join a case")
    require_processing_basis([participant.client_id])
    case.participants.append(
        CaseParticipant(
            client_id=participant.client_id, role=participant.role, position=len(case.participants)
        )
    )
    db.session.flush()
    audit.record(
        "case.add_participant",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=participant.client_id,
        fields=["participants"],
    )
    return case


def break_glass(user: User, case_id: uuid.UUID, *, reason: str) -> Case:
    """Open a case outside one's assignment for a while, with a reason the supervisor sees."""
    if not policy.may_break_glass(user):
        raise NotFound("no such case")
    if len(reason.strip()) < 10:
        raise ValidationError(
            "write why you need this case (at least 10 characters)",
            fields={"reason": ["too short"]},
        )
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("no such case")
    if policy.is_assigned(user, case):
        raise Conflict("you already have access to this case")
    access = BreakGlassAccess(
        user_id=user.id,
        case_id=case.id,
        team_id=case.team_id,
        expires_at=utcnow() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    access.reason = reason.strip()
    db.session.add(access)
    audit.record(
        "case.break_glass",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=[],
        reason=reason.strip(),
    )
    db.session.flush()
    return case


def _break_glass_query(user: User) -> Select[Any]:
    policy.require_role(user, Role.SUPERVISOR)
    teams = policy.supervised_team_ids(user)
    return select(BreakGlassAccess).where(BreakGlassAccess.team_id.in_(teams))


def _audit_break_glass_read(user: User, accesses: list[BreakGlassAccess]) -> None:
    audit.record_many(
        "break_glass.read",
        actor=user,
        object_type="break_glass_access",
        objects=[audit.Read(access.id) for access in accesses],
        fields=["reason"],
    )


def break_glass_log(user: User) -> list[BreakGlassAccess]:
    """Break-the-glass accesses to the cases of the teams `user` supervises, newest first."""
    query = _break_glass_query(user).order_by(BreakGlassAccess.created_at.desc())
    accesses = list(db.session.scalars(query))
    _audit_break_glass_read(user, accesses)
    return accesses


def break_glass_page(user: User, *, cursor: str | None, limit: int) -> Page[BreakGlassAccess]:
    page = paginate(
        _break_glass_query(user),
        [BreakGlassAccess.created_at, BreakGlassAccess.id],
        cursor=cursor,
        limit=limit,
    )
    _audit_break_glass_read(user, page.items)
    return page


@dataclass(frozen=True)
class CaseFilters:
    state: CaseState | None = None
    case_manager_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None
    level: str | None = None
    service_code: str | None = None
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    client_id: uuid.UUID | None = None


def _filtered(user: User, filters: CaseFilters) -> Select[Any]:
    query = select(Case).where(policy.visible_cases(user))
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.case_manager_id:
        query = query.where(Case.case_manager_id == filters.case_manager_id)
    if filters.practitioner_id or filters.service_code:
        enrolled = exists().where(Enrolment.case_id == Case.id)
        if filters.practitioner_id:
            enrolled = enrolled.where(Enrolment.practitioner_id == filters.practitioner_id)
        if filters.service_code:
            enrolled = enrolled.where(Enrolment.service_code == filters.service_code)
        query = query.where(enrolled)
    if filters.level:
        query = query.where(
            # Individual disclosures never show through a case-level filter.
            exists().where(
                Assessment.case_id == Case.id,
                Assessment.level == filters.level,
                Assessment.is_individual.is_(False),
            )
        )
    if filters.opened_from:
        query = query.where(Case.opened_at >= filters.opened_from)
    if filters.opened_to:
        query = query.where(Case.opened_at < filters.opened_to)
    if filters.client_id:
        query = query.where(
            exists().where(
                CaseParticipant.case_id == Case.id, CaseParticipant.client_id == filters.client_id
            )
        )
    return query


def list_cases(user: User, filters: CaseFilters, *, cursor: str | None, limit: int) -> Page[Case]:
    query = _filtered(user, filters).options(selectinload(Case.participants))
    return paginate(query, [Case.opened_at, Case.id], cursor=cursor, limit=limit)


def read_case(user: User, case_id: uuid.UUID) -> Case:
    """A case with its closing reason (the read is audited)."""
    case = policy.require_case(user, case_id)
    audit.record(
        "case.read",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["closure_reason"],
    )
    return case


def state_history(user: User, case_id: uuid.UUID) -> list[CaseStateChange]:
    """The case's moves with their reasons (the read is audited)."""
    case = policy.require_case(user, case_id)
    changes = list(
        db.session.scalars(
            select(CaseStateChange)
            .where(CaseStateChange.case_id == case.id)
            .order_by(CaseStateChange.changed_at)
        )
    )
    audit.record(
        "case.history_read",
        actor=user,
        object_type="case",
        object_id=case.id,
        client_id=case.primary_client_id,
        fields=["reason"],
    )
    return changes


def require_not_closed(case: Case) -> None:
    if case.state == CaseState.CLOSED:
        raise CaseStateError("this case is closed; reopen it first")


def clients_of(case: Case) -> list[Client]:
    return [participant.client for participant in case.participants]


def open_cases_by_state(user: User, *, limit: int = 200) -> dict[CaseState, list[Case]]:
    """The not-closed cases the user works on (their own, or assigned to them), by state."""
    query = (
        select(Case)
        .where(policy.assigned_cases(user), Case.state != CaseState.CLOSED)
        .order_by(Case.opened_at)
        .limit(limit)
    )
    grouped: dict[CaseState, list[Case]] = {}
    for case in db.session.scalars(query):
        grouped.setdefault(case.state, []).append(case)
    return {state: grouped[state] for state in CaseState if state in grouped}


def intake_queue(user: User, *, limit: int = 50) -> list[Case]:
    """Cases waiting in intake with no case manager, for case managers and supervisors."""
    if not user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR):
        return []
    return list(
        db.session.scalars(
            select(Case)
            .where(policy.visible_cases(user), Case.case_manager_id.is_(None))
            .where(Case.state != CaseState.CLOSED)
            .order_by(Case.opened_at)
            .limit(limit)
        )
    )
