"""Who may see and do what: the one place access to clinical data is decided.

Role and relationship based (DESIGN.md, "Access"):
- a case manager: their own cases and the unassigned intake queue;
- a therapist, counsellor or facilitator: the cases where they hold an enrolment;
- a supervisor: every case of the teams they supervise, notes included; may reassign;
- an administrator: users, teams, catalogue and instruments; no clinical content;
- anyone else (but an administrator) only by breaking the glass with a written reason.
Programmes around the case (group runs, consultations, supervision records, partner work and
the caseload review) have their rules at the end of this module.
An object one may not see is reported exactly like one that does not exist (NotFound).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from casework.auth.models import Role, User, team_supervisors
from casework.care.models import Enrolment, EnrolmentStatus, NoteKind, NoteState, SessionNote
from casework.cases.models import BreakGlassAccess, Case, CaseParticipant, CaseState
from casework.clients.models import Client
from casework.consultations.models import InformationConsultation
from casework.db import db, utcnow
from casework.errors import Forbidden, NotFound
from casework.groups.models import GroupFacilitator, GroupRun
from casework.supervision.models import SupervisionRecord

T = TypeVar("T")
ModelT = TypeVar("ModelT")

CLINICAL_ROLES = (Role.CASE_MANAGER, Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR)


def _memo(user: User, key: object, compute: Callable[[], T]) -> T:
    """Remember a fact about `user` for as long as this loaded User object lives (a request)."""
    memo = user.__dict__.setdefault("_policy_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def supervised_team_ids(user: User) -> list[uuid.UUID]:
    if not user.has_role(Role.SUPERVISOR):
        return []
    return _memo(
        user,
        "supervised_teams",
        lambda: list(
            db.session.scalars(
                select(team_supervisors.c.team_id).where(team_supervisors.c.user_id == user.id)
            )
        ),
    )


#: How long a practitioner keeps access after their enrolment ended (to finish notes).
ENDED_ENROLMENT_GRACE = timedelta(days=30)


def _current_enrolment() -> ColumnElement[bool]:
    """An enrolment that still gives its practitioner access."""
    return or_(
        Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED]),
        Enrolment.ended_at > utcnow() - ENDED_ENROLMENT_GRACE,
    )


def _holds_enrolment(user: User) -> ColumnElement[bool]:
    return exists().where(
        Enrolment.case_id == Case.id, Enrolment.practitioner_id == user.id, _current_enrolment()
    )


def _broke_glass(user: User) -> ColumnElement[bool]:
    return exists().where(
        BreakGlassAccess.case_id == Case.id,
        BreakGlassAccess.user_id == user.id,
        BreakGlassAccess.expires_at > utcnow(),
    )


def assigned_cases(user: User) -> ColumnElement[bool]:
    """The cases `user` may see through their roles and assignments (no break-the-glass)."""
    conditions: list[ColumnElement[bool]] = []
    if user.has_role(Role.CASE_MANAGER):
        conditions.append(Case.case_manager_id == user.id)
        conditions.append((Case.case_manager_id.is_(None)) & (Case.state == CaseState.INTAKE))
    if user.has_role(Role.THERAPIST, Role.FACILITATOR):
        conditions.append(_holds_enrolment(user))
    teams = supervised_team_ids(user)
    if teams:
        conditions.append(Case.team_id.in_(teams))
    return or_(*conditions) if conditions else false()


def visible_cases(user: User) -> ColumnElement[bool]:
    """The cases `user` may see: assigned ones and those they broke the glass for."""
    if not user.has_role(*CLINICAL_ROLES, Role.CONSULTANT):
        return false()
    return or_(assigned_cases(user), _broke_glass(user))


def in_visible_case(user: User, case_id: InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """Rows that belong to a case `user` may see (assessments, appointments, notes...)."""
    return case_id.in_(select(Case.id).where(visible_cases(user)))


def visible_clients(user: User, *, assigned_only: bool = False) -> ColumnElement[bool]:
    """Clients in a case `user` may see; a client in no case yet: whoever registered them and
    that person's supervisors. `assigned_only` ignores break-the-glass access: it lets one read a
    client for a while, never attach them to other work."""
    cases_seen = assigned_cases(user) if assigned_only else visible_cases(user)
    in_a_case = exists().where(CaseParticipant.client_id == Client.id)
    in_a_seen_case = in_a_case.where(CaseParticipant.case_id.in_(select(Case.id).where(cases_seen)))
    registrars: list[ColumnElement[bool]] = [Client.created_by_id == user.id]
    teams = supervised_team_ids(user)
    if teams:
        registrars.append(Client.created_by_id.in_(select(User.id).where(User.team_id.in_(teams))))
    return or_(in_a_seen_case, and_(~in_a_case, or_(*registrars)))


def require_visible(
    user: User,
    model: type[ModelT],
    object_id: object,
    *,
    what: str,
    visible: ColumnElement[bool] | None = None,
) -> ModelT:
    """The row of `model` with id `object_id` if `user` may see it, else NotFound("no such
    `what`"), the same as a missing row. Visibility is `visible` if given, else the model's rule:
    its own predicate, or that of the case it belongs to."""
    if visible is None:
        visible = _visibility_rule(user, model)
    query = select(model).where(model.id == object_id, visible)  # type: ignore[attr-defined]
    row: ModelT | None = db.session.scalar(query)  # type: ignore[arg-type]
    if row is None:
        raise NotFound("no such %(what)s", what=what)
    return row


def _visibility_rule(user: User, model: type[Any]) -> ColumnElement[bool]:
    if model is Case:
        return visible_cases(user)
    if model is Client:
        return visible_clients(user)
    if model is InformationConsultation:
        return visible_consultations(user)
    if model is SupervisionRecord:
        return visible_supervision_records(user)
    if hasattr(model, "case_id"):
        return in_visible_case(user, model.case_id)
    raise TypeError(f"no visibility rule for {model.__name__}")


def is_assigned(user: User, case: Case) -> bool:
    return bool(db.session.scalar(select(true()).where(Case.id == case.id, assigned_cases(user))))


def require_case(user: User, case_id: uuid.UUID) -> Case:
    """The case, if `user` may see it; otherwise NotFound, the same as a missing case."""
    return require_visible(user, Case, case_id, what="case")


def may_break_glass(user: User) -> bool:
    return user.has_role(*CLINICAL_ROLES, Role.CONSULTANT)


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


def supervises_user(supervisor: User, staff: User) -> bool:
    return staff.team_id is not None and staff.team_id in supervised_team_ids(supervisor)


def require_supervisor_of(user: User, case: Case) -> None:
    if not supervises_case(user, case):
        raise Forbidden("only a supervisor of this case's team may do this")


def require_role(user: User, *roles: Role) -> None:
    if not user.has_role(*roles):
        raise Forbidden("this needs one of the roles: %(roles)s", roles=list(roles))


def practitioner_client_ids(user: User, case: Case) -> set[uuid.UUID]:
    """The participants of `case` that `user` works with individually."""
    return _memo(
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
        author = db.session.get(User, note.author_id)
        return author is not None and supervises_user(user, author)
    return True


# --- programmes around the case -----------------------------------------------------------


def facilitates(user: User, run: GroupRun) -> bool:
    return _memo(
        user,
        ("facilitates", run.id),
        lambda: bool(
            db.session.scalar(
                select(true()).where(
                    GroupFacilitator.run_id == run.id, GroupFacilitator.user_id == user.id
                )
            )
        ),
    )


def may_manage_group_run(user: User, run: GroupRun) -> bool:
    """Roster, waitlist, meetings and attendance: its facilitators and its team's supervisors."""
    if facilitates(user, run):
        return True
    return run.team_id is not None and run.team_id in supervised_team_ids(user)


def require_group_run_manager(user: User, run: GroupRun) -> None:
    if not may_manage_group_run(user, run):
        raise Forbidden(
            "only a facilitator of this group run or a supervisor of its team may do this"
        )


def may_see_group_runs(user: User) -> bool:
    """Names, seats and schedules are not clinical: clinical staff see them to enrol clients."""
    return user.has_role(*CLINICAL_ROLES)


def require_group_run(user: User, run_id: uuid.UUID) -> GroupRun:
    run = db.session.get(GroupRun, run_id) if may_see_group_runs(user) else None
    if run is None:
        raise NotFound("no such group run")
    return run


def visible_consultations(user: User) -> ColumnElement[bool]:
    """Consultants: the consultations they logged; supervisors: those of their teams."""
    conditions: list[ColumnElement[bool]] = []
    if user.has_role(Role.CONSULTANT):
        conditions.append(InformationConsultation.consultant_id == user.id)
    teams = supervised_team_ids(user)
    if teams:
        conditions.append(InformationConsultation.team_id.in_(teams))
    return or_(*conditions) if conditions else false()


def visible_supervision_records(user: User) -> ColumnElement[bool]:
    """Its author, the practitioner it is about, and supervisors of the practitioner's team."""
    if user.has_role(Role.ADMIN) and not user.has_role(*CLINICAL_ROLES, Role.CONSULTANT):
        return false()
    conditions: list[ColumnElement[bool]] = [
        SupervisionRecord.supervisor_id == user.id,
        SupervisionRecord.practitioner_id == user.id,
    ]
    teams = supervised_team_ids(user)
    if teams:
        conditions.append(SupervisionRecord.team_id.in_(teams))
    return or_(*conditions)


def require_partner_work(user: User) -> None:
    """Partner institutions, trainings and events: not clinical, kept by supervisors and admins."""
    require_role(user, Role.SUPERVISOR, Role.ADMIN)


def may_record_survey(user: User) -> bool:
    """Anyone who delivers services may enter an anonymous survey; administrators do not."""
    return user.has_role(*CLINICAL_ROLES, Role.CONSULTANT)


def require_reviewed_teams(user: User, team_id: uuid.UUID | None) -> list[uuid.UUID]:
    """The teams a caseload review covers: the supervisor's own (one of them, if named)."""
    teams = supervised_team_ids(user)
    if not teams:
        raise Forbidden("the caseload review is for supervisors of a team")
    if team_id is None:
        return teams
    if team_id not in teams:
        raise NotFound("no such team")
    return [team_id]


# --- projects and reports ----------------------------------------------------------------


def require_project_manager(user: User) -> None:
    """Projects, their targets and what is attributed to them: administrators and coordinators."""
    require_role(user, Role.ADMIN, Role.COORDINATOR)


def may_see_projects(user: User) -> bool:
    """Project names, funders, periods and targets are not clinical: reporting staff see them."""
    return user.has_role(Role.ADMIN, Role.COORDINATOR, Role.SUPERVISOR)


def report_scope(user: User) -> list[uuid.UUID] | None:
    """The teams whose aggregate figures `user` may see: None for the whole centre (a
    coordinator), a supervisor's own teams; anyone else is refused.

    Figures only: a coordinator sees no case, client, answer or note (`visible_cases` is false).
    """
    if user.has_role(Role.COORDINATOR):
        return None
    teams = supervised_team_ids(user)
    if teams:
        return teams
    raise Forbidden("reports are for coordinators and for supervisors of a team")
