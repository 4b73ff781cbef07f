"""A case's life: open it, move it between states, close and reopen it, reassign it, read it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.cases.models import (
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
from casework.clients.services.clients import require_client
from casework.clients.services.consents import require_processing_basis
from casework.db import db, utcnow
from casework.errors import N_, Conflict, ValidationError, check_version, require_text

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


def _check_participants(kind: CaseKind, client_ids: list[uuid.UUID]) -> None:
    if not client_ids:
        raise ValidationError(
            "a case needs at least one participant", fields={"participants": ["required"]}
        )
    if kind == CaseKind.INDIVIDUAL and len(client_ids) != 1:
        raise ValidationError(
            "an individual case has exactly one participant", fields={"participants": ["one"]}
        )
    if kind == CaseKind.COUPLE and len(client_ids) != 2:
        raise ValidationError(
            "a couple case has exactly two participants", fields={"participants": ["two"]}
        )
    if len(set(client_ids)) != len(client_ids):
        raise ValidationError(
            "a client appears twice among the participants", fields={"participants": ["duplicate"]}
        )


def _case_manager(actor: User, case_manager_id: uuid.UUID | None) -> User | None:
    """The manager a new case gets: the one named, else the actor if they manage cases."""
    manager = db.session.get(User, case_manager_id) if case_manager_id else None
    if case_manager_id and manager is None:
        raise ValidationError("no such case manager", fields={"case_manager_id": ["unknown"]})
    manager = manager or (actor if policy.HOLD_CASES.allows(actor) else None)
    if manager is not None and not policy.HOLD_CASES.allows(manager):
        raise ValidationError(
            "the case manager must have the case manager role",
            fields={"case_manager_id": ["not a case manager"]},
        )
    return manager


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
    policy.CASE_MANAGEMENT.require(actor)
    client_ids = [p.client_id for p in participants]
    _check_participants(kind, client_ids)
    for client_id in client_ids:
        if require_client(actor, client_id, assigned_only=True).is_erased:
            raise Conflict("an erased client cannot take part in a new case")
    require_processing_basis(client_ids)
    manager = _case_manager(actor, case_manager_id)
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
    audit.record_change("case.open", case, actor=actor, fields=["participants", "referral_source"])
    db.session.flush()
    return case


def get_case(user: User, case_id: uuid.UUID) -> Case:
    """The case, if `user` may see it; otherwise NotFound, the same as a missing case."""
    return policy.require_case(user, case_id)


def _managed_case(user: User, case_id: uuid.UUID, expected_version: int) -> Case:
    """A case `user` manages, at the version they saw."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    check_version(case, expected_version, N_("case"))
    return case


def move_case(
    user: User,
    case_id: uuid.UUID,
    to_state: CaseState,
    *,
    expected_version: int,
    reason: str | None = None,
) -> Case:
    """Move a case to another state, if the state machine allows it."""
    case = _managed_case(user, case_id, expected_version)
    if to_state == CaseState.CLOSED:
        raise CaseStateError("close a case with its own action, which records the outcome")
    _check_move(case, to_state)
    if to_state == CaseState.ON_HOLD and not (reason and reason.strip()):
        raise ValidationError("say why the case is put on hold", fields={"reason": ["required"]})
    if case.case_manager_id is None and policy.HOLD_CASES.allows(user):
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
    audit.record_change("case.move", case, actor=actor, fields=["state"])
    db.session.flush()


def _check_move(case: Case, to_state: CaseState) -> None:
    allowed = ALLOWED_MOVES[case.state]
    if to_state not in allowed:
        if not allowed:
            raise CaseStateError("a %(state)s case cannot move; reopen it first", state=case.state)
        raise CaseStateError(
            "a case cannot move from %(state)s to %(to_state)s; allowed: %(allowed)s",
            state=case.state,
            to_state=to_state,
            allowed=list(allowed),
        )


def close_case(
    user: User,
    case_id: uuid.UUID,
    *,
    outcome: ClosureOutcome,
    reason: str,
    expected_version: int,
) -> Case:
    """Close a case with its outcome and a closing summary."""
    case = _managed_case(user, case_id, expected_version)
    _check_move(case, CaseState.CLOSED)
    require_text(reason, field="reason", message=N_("a closing reason is required"))
    case.closed_at = utcnow()
    case.closure_outcome = outcome
    case.closure_reason = reason.strip()
    _record_move(case, CaseState.CLOSED, user, None)
    audit.record_change(
        "case.close", case, actor=user, fields=["closure_outcome", "closure_reason"]
    )
    db.session.flush()
    return case


def reopen_case(user: User, case_id: uuid.UUID, *, reason: str, expected_version: int) -> Case:
    """Reopen a closed case; it goes back to assessment."""
    case = _managed_case(user, case_id, expected_version)
    if case.state != CaseState.CLOSED:
        raise CaseStateError(
            "only a closed case can be reopened; this one is %(state)s", state=case.state
        )
    require_text(reason, field="reason", message=N_("say why the case is reopened"))
    case.closed_at = None
    case.closure_outcome = None
    case.closure_reason = None
    _record_move(case, CaseState.ASSESSMENT, user, reason)
    audit.record_change("case.reopen", case, actor=user, fields=["state"])
    db.session.flush()
    return case


def assign_case(
    user: User, case_id: uuid.UUID, *, case_manager_id: uuid.UUID, expected_version: int
) -> Case:
    """Reassign a case to another case manager (a supervisor of its team)."""
    case = policy.require_case(user, case_id)
    policy.require_supervisor_of(user, case)
    check_version(case, expected_version, N_("case"))
    if case.state == CaseState.CLOSED:
        raise CaseStateError("a closed case cannot be assigned; reopen it first")
    manager = db.session.get(User, case_manager_id)
    if manager is None or not manager.is_enabled or not policy.HOLD_CASES.allows(manager):
        raise ValidationError(
            "that user is not an active case manager", fields={"case_manager_id": ["invalid"]}
        )
    case.case_manager_id = manager.id
    case.team_id = manager.team_id or case.team_id
    audit.record_change("case.assign", case, actor=user, fields=["case_manager_id"])
    db.session.flush()
    return case


def read_case(user: User, case_id: uuid.UUID) -> Case:
    """A case with its closing reason (the read is audited)."""
    case = policy.require_case(user, case_id)
    audit.record_change("case.read", case, actor=user, fields=["closure_reason"])
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
    audit.record_change("case.history_read", case, actor=user, fields=["reason"])
    return changes


def require_not_closed(case: Case) -> None:
    """Refuse work on a closed case."""
    if case.state == CaseState.CLOSED:
        raise CaseStateError("this case is closed; reopen it first")
