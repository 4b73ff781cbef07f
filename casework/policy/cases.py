"""Cases and the clients, assessments, enrolments, appointments and notes inside them.

Role and relationship based (DESIGN.md, "Access"):
- a case manager: their own cases and the unassigned intake queue;
- a therapist, counsellor or facilitator: the cases where they hold an enrolment;
- a supervisor: every case of the teams they supervise, notes included; may reassign;
- an administrator: users, teams, catalogue and instruments; no clinical content;
- anyone else (but an administrator) only by breaking the glass with a written reason.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true, union
from sqlalchemy.orm import InstrumentedAttribute, aliased

from casework.auth.models import Role, User
from casework.care.models import (
    Appointment,
    Enrolment,
    EnrolmentStatus,
    NoteKind,
    NoteState,
    SessionNote,
)
from casework.cases.models import BreakGlassAccess, Case, CaseParticipant, CaseState
from casework.clients.models import Client
from casework.db import db, utcnow
from casework.errors import Forbidden
from casework.policy.staff import CLINICAL_ROLES, memo, supervised_team_ids

#: How long a practitioner keeps access after their enrolment ended (to finish notes).
ENDED_ENROLMENT_GRACE = timedelta(days=30)


def _current_enrolment() -> ColumnElement[bool]:
    """An enrolment that still gives its practitioner access."""
    return or_(
        Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED]),
        Enrolment.ended_at > utcnow() - ENDED_ENROLMENT_GRACE,
    )


# The two below are uncorrelated `IN (subquery)`, not `EXISTS`: PostgreSQL evaluates them once
# per statement (a hashed subplan) instead of once per case row, so a page of cases costs the
# same whatever the table holds (docs/performance.md, "Lists and API collections").
def _holds_enrolment(user: User) -> ColumnElement[bool]:
    return Case.id.in_(
        select(Enrolment.case_id).where(Enrolment.practitioner_id == user.id, _current_enrolment())
    )


def _broke_glass(user: User) -> ColumnElement[bool]:
    return Case.id.in_(
        select(BreakGlassAccess.case_id).where(
            BreakGlassAccess.user_id == user.id, BreakGlassAccess.expires_at > utcnow()
        )
    )


def assigned_cases(user: User) -> ColumnElement[bool]:
    """The cases `user` may see through their roles and assignments (no break-the-glass)."""
    conditions = assigned_case_branches(user)
    return or_(*conditions) if conditions else false()


def assigned_case_branches(user: User) -> list[ColumnElement[bool]]:
    """`assigned_cases` as the terms of its `OR` (none: no case at all)."""
    conditions: list[ColumnElement[bool]] = []
    if user.has_role(Role.CASE_MANAGER):
        conditions.append(Case.case_manager_id == user.id)
        conditions.append((Case.case_manager_id.is_(None)) & (Case.state == CaseState.INTAKE))
    if user.has_role(Role.THERAPIST, Role.FACILITATOR):
        conditions.append(_holds_enrolment(user))
    teams = supervised_team_ids(user)
    if teams:
        conditions.append(Case.team_id.in_(teams))
    return conditions


def visible_cases(user: User) -> ColumnElement[bool]:
    """The cases `user` may see: assigned ones and those they broke the glass for."""
    branches = visible_case_branches(user)
    return or_(*branches) if branches else false()


def visible_case_branches(user: User) -> list[ColumnElement[bool]]:
    """`visible_cases` as the terms of its `OR`, each of which an index answers in the lists'
    order (`(case_manager_id, opened_at, id)`, `(team_id, opened_at, id)`, the practitioner's
    enrolments, break-the-glass); none: no case at all. A list pages through each on its own and
    takes its page from their union (`pagination.paginate(branches=...)`): the `OR` made
    PostgreSQL walk every case by date and test each one (docs/performance.md)."""
    if not user.has_role(*CLINICAL_ROLES, Role.CONSULTANT):
        return []
    branches: list[ColumnElement[bool]] = []
    if user.has_role(Role.CASE_MANAGER):
        branches.append(Case.case_manager_id == user.id)
        branches.append((Case.case_manager_id.is_(None)) & (Case.state == CaseState.INTAKE))
    if user.has_role(Role.THERAPIST, Role.FACILITATOR):
        branches.append(_holds_enrolment(user))
    branches.extend(Case.team_id == team_id for team_id in supervised_team_ids(user))
    branches.append(_broke_glass(user))
    return branches


def in_visible_case(user: User, case_id: InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """Rows that belong to a case `user` may see (assessments, appointments, notes...)."""
    return case_id.in_(select(Case.id).where(visible_cases(user)))


#: A client by who registered them (one alias for every query: a new one costs 0.8 ms).
#: Only the registrar branch below selects from it, so no query correlates to it by mistake.
_REGISTERED = aliased(Client)


def visible_client_id_sources(user: User, *, assigned_only: bool = False) -> list[Select[Any]]:
    """Queries whose union is the ids of the clients `visible_clients` lets through (callers
    widening the rule add theirs to the same flat UNION: SQLite takes no nested one). An `IN`
    over the union lets the database start from the few clients a member of staff works with,
    not test every client row (a sequential scan of the table at 100,000 clients). Each way of
    seeing a case is a member of its own: under one `OR` PostgreSQL scanned every case
    (docs/performance.md, "Work lists")."""
    branches = assigned_case_branches(user) if assigned_only else visible_case_branches(user)
    in_a_seen_case = [
        select(CaseParticipant.client_id).where(
            CaseParticipant.case_id.in_(select(Case.id).where(branch))
        )
        for branch in branches
    ]
    registered = _REGISTERED
    registrars: list[ColumnElement[bool]] = [registered.created_by_id == user.id]
    teams = supervised_team_ids(user)
    if teams:
        registrars.append(
            registered.created_by_id.in_(select(User.id).where(User.team_id.in_(teams)))
        )
    in_no_case = ~exists().where(CaseParticipant.client_id == registered.id)
    on_their_own = select(registered.id).where(or_(*registrars), in_no_case)
    return [*in_a_seen_case, on_their_own]


def visible_clients(user: User, *, assigned_only: bool = False) -> ColumnElement[bool]:
    """Clients in a case `user` may see; a client in no case yet: whoever registered them and
    that person's supervisors. `assigned_only` ignores break-the-glass access: it lets one read a
    client for a while, never attach them to other work."""
    return Client.id.in_(union(*visible_client_id_sources(user, assigned_only=assigned_only)))


def visible_enrolments(user: User) -> ColumnElement[bool]:
    """Enrolments in a case `user` may see, and their own enrolments outside any case."""
    return or_(
        and_(Enrolment.case_id.is_(None), Enrolment.practitioner_id == user.id),
        in_visible_case(user, Enrolment.case_id),
    )


def visible_appointments(user: User) -> ColumnElement[bool]:
    """Appointments of an enrolment `user` may see."""
    return Appointment.enrolment_id.in_(select(Enrolment.id).where(visible_enrolments(user)))


def visible_notes(user: User) -> ColumnElement[bool]:
    """Notes in a case `user` may see, and their own notes outside any case; whether they may
    read one of them is `can_see_note`."""
    return or_(
        and_(SessionNote.case_id.is_(None), SessionNote.author_id == user.id),
        in_visible_case(user, SessionNote.case_id),
    )


def may_schedule(user: User, enrolment: Enrolment, case: Case | None) -> bool:
    """Appointments are kept by the enrolment's practitioner or whoever manages the case."""
    if enrolment.practitioner_id == user.id:
        return True
    return case is not None and may_manage_case(user, case)


def may_write_notes(user: User, appointment: Appointment) -> bool:
    """Notes of an appointment: its practitioner writes them."""
    return appointment.practitioner_id == user.id


def may_change_note(user: User, note: SessionNote) -> bool:
    """Editing a draft, signing it, adding an addendum: the note's author only."""
    return note.author_id == user.id


def is_assigned(user: User, case: Case) -> bool:
    return bool(db.session.scalar(select(true()).where(Case.id == case.id, assigned_cases(user))))


def may_break_glass(user: User) -> bool:
    return user.has_role(*CLINICAL_ROLES, Role.CONSULTANT)


def breakable_cases(user: User) -> ColumnElement[bool]:
    """The cases `user` may break the glass for: any case, if they may break the glass at all."""
    return true() if may_break_glass(user) else false()


def in_assigned_case(user: User, case_id: InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """Rows of a case `user` is assigned to (break-the-glass access not counted)."""
    return case_id.in_(select(Case.id).where(assigned_cases(user)))


def may_manage_case(user: User, case: Case) -> bool:
    """Managing a case (states, routing decisions, enrolments, the case plan): its manager, a
    case manager taking it from the intake queue, or a supervisor of its team."""
    if case.case_manager_id == user.id and user.has_role(Role.CASE_MANAGER):
        return True
    if (
        case.case_manager_id is None
        and case.state == CaseState.INTAKE
        and user.has_role(Role.CASE_MANAGER)
    ):
        return True
    return supervises_case(user, case)


def require_case_manager_of(user: User, case: Case) -> None:
    if not may_manage_case(user, case):
        raise Forbidden(
            "only the case manager of this case or a supervisor of its team may do this"
        )


def may_assess_case(user: User, case: Case) -> bool:
    """Starting an assessment: a practitioner of one of the case's participants, or whoever
    manages the case."""
    if user.has_role(Role.THERAPIST) and practitioner_client_ids(user, case):
        return True
    return may_manage_case(user, case)


def may_override_exclusion(user: User, case: Case) -> bool:
    """Enrolling despite an exclusion of the latest routing: a supervisor of the case's team."""
    return supervises_case(user, case)


def may_work_on_task(user: User, owner_id: uuid.UUID | None, case: Case) -> bool:
    """Marking a task done or asking to decline it: its owner, or whoever manages the case."""
    return owner_id == user.id or may_manage_case(user, case)


def supervises_case(user: User, case: Case) -> bool:
    return case.team_id is not None and case.team_id in supervised_team_ids(user)


def require_supervisor_of(user: User, case: Case) -> None:
    if not supervises_case(user, case):
        raise Forbidden("only a supervisor of this case's team may do this")


def practitioner_client_ids(user: User, case: Case) -> set[uuid.UUID]:
    """The participants of `case` that `user` works with individually."""
    return memo(
        user,
        ("practitioner_of", case.id),
        lambda: set(
            db.session.scalars(
                select(Enrolment.client_id).where(
                    Enrolment.case_id == case.id,
                    Enrolment.practitioner_id == user.id,
                    _current_enrolment(),
                )
            )
        ),
    )


def remember_enrolments(user: User, case: Case, enrolments: list[Enrolment]) -> None:
    """Let `practitioner_client_ids` answer from the case's enrolments already read (every one
    of them, as `enrolments_of_case` gives) instead of reading them again."""
    cutoff = utcnow() - ENDED_ENROLMENT_GRACE
    memo(
        user,
        ("practitioner_of", case.id),
        lambda: {
            e.client_id
            for e in enrolments
            if e.case_id == case.id
            and e.practitioner_id == user.id
            and (
                e.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED)
                or (e.ended_at is not None and e.ended_at > cutoff)
            )
        },
    )


def may_see_individual_disclosure(
    user: User, case: Case, client_id: uuid.UUID, author_id: uuid.UUID | None, *, joint: bool
) -> bool:
    """One participant's individual disclosure: never in the joint context; otherwise its author,
    the case manager, the team's supervisor, and that participant's own practitioners."""
    if joint:
        return False
    if author_id == user.id or case.case_manager_id == user.id or supervises_case(user, case):
        return True
    return client_id in practitioner_client_ids(user, case)


def can_see_note(user: User, note: SessionNote, case: Case | None, *, joint: bool) -> bool:
    """Drafts: their author. Private process notes: their author and the author's supervisor.
    Individual disclosures: as `may_see_individual_disclosure`."""
    if (
        note.is_individual
        and case is not None
        and not may_see_individual_disclosure(
            user, case, note.client_id, note.author_id, joint=joint
        )
    ):
        return False
    if note.author_id == user.id:
        return True
    if note.state == NoteState.DRAFT:
        return False
    if note.kind == NoteKind.PRIVATE:
        return note.author_id in _supervised_staff(user)
    return True


def _supervised_staff(user: User) -> set[uuid.UUID]:
    """The staff of the teams `user` supervises (`supervises_user` for many notes' authors):
    one read per request however many authors a case's notes have."""
    teams = supervised_team_ids(user)
    if not teams:
        return set()
    return memo(
        user,
        "supervised_staff",
        lambda: set(db.session.scalars(select(User.id).where(User.team_id.in_(teams)))),
    )
