"""Programmes around the case: group runs, consultations, supervision, partner work, surveys
and the caseload review."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, exists, false, or_, select, true, union
from sqlalchemy.orm import InstrumentedAttribute

from casework.auth.models import Role, User
from casework.clients.models import Client
from casework.consultations.models import InformationConsultation
from casework.db import db
from casework.errors import Forbidden, NotFound
from casework.groups.models import GroupEnrolment, GroupFacilitator, GroupRun, PeerLeader
from casework.policy.cases import visible_client_id_sources
from casework.policy.gates import (
    CLINICAL_WORK,
    KEEP_LEADERS,
    LOG_CONSULTATIONS,
    PARTNER_WORK,
    SUPERVISE,
)
from casework.policy.staff import CLINICAL_ROLES, memo, supervised_team_ids
from casework.supervision.models import SupervisionRecord


def managed_group_runs(user: User) -> ColumnElement[bool]:
    """The runs `user` manages: those they facilitate and those of the teams they supervise."""
    facilitated = exists().where(
        GroupFacilitator.run_id == GroupRun.id, GroupFacilitator.user_id == user.id
    )
    teams = supervised_team_ids(user)
    return or_(facilitated, GroupRun.team_id.in_(teams)) if teams else facilitated


def in_managed_run(user: User, run_id: InstrumentedAttribute[uuid.UUID]) -> ColumnElement[bool]:
    return run_id.in_(select(GroupRun.id).where(managed_group_runs(user)))


def group_enrollable_clients(user: User) -> ColumnElement[bool]:
    """Clients a run's manager may enrol directly (no case): those they may see through their own
    assignments or registered, and people already enrolled in a run they manage."""
    in_my_runs = select(GroupEnrolment.client_id).where(in_managed_run(user, GroupEnrolment.run_id))
    return Client.id.in_(union(*visible_client_id_sources(user, assigned_only=True), in_my_runs))


def facilitates(user: User, run: GroupRun) -> bool:
    return memo(
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
    return CLINICAL_WORK.allows(user)


def visible_group_runs(user: User) -> ColumnElement[bool]:
    return true() if may_see_group_runs(user) else false()


def visible_consultations(user: User) -> ColumnElement[bool]:
    """Consultants: the consultations they logged; supervisors: those of their teams."""
    conditions: list[ColumnElement[bool]] = []
    if user.has_role(Role.CONSULTANT):
        conditions.append(InformationConsultation.consultant_id == user.id)
    teams = supervised_team_ids(user)
    if teams:
        conditions.append(InformationConsultation.team_id.in_(teams))
    return or_(*conditions) if conditions else false()


def consultation_clients(user: User) -> ColumnElement[bool]:
    """Clients a consultation may be linked to: those `user` may see through their own
    assignments or registered, and those of consultations they may see."""
    linked = select(InformationConsultation.client_id).where(
        InformationConsultation.client_id.is_not(None), visible_consultations(user)
    )
    return Client.id.in_(union(*visible_client_id_sources(user, assigned_only=True), linked))


def consultation_statistics_scope(user: User) -> ColumnElement[bool]:
    """The consultations counted in `user`'s statistics (figures only): a coordinator's cover
    the centre, everyone else counts the consultations they may see."""
    if user.has_role(Role.COORDINATOR):
        return true()
    return visible_consultations(user)


def may_link_consultation(user: User, consultation: InformationConsultation) -> bool:
    """Linking a logged consultation to a client afterwards: the consultant who logged it."""
    return LOG_CONSULTATIONS.allows(user) and consultation.consultant_id == user.id


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


def may_change_supervision_record(user: User, record: SupervisionRecord) -> bool:
    """Adding actions to a record: its author and the supervisors of the practitioner's team."""
    if record.supervisor_id == user.id:
        return True
    return record.team_id is not None and record.team_id in supervised_team_ids(user)


def may_complete_agreed_action(user: User, record: SupervisionRecord) -> bool:
    """Marking an action of `record` done: the practitioner it was agreed with, or whoever may
    change the record."""
    return record.practitioner_id == user.id or may_change_supervision_record(user, record)


def may_record_supervision(user: User) -> bool:
    """Writing a supervision record: supervisors (of the practitioner's team, checked on save)."""
    return SUPERVISE.allows(user)


def may_do_partner_work(user: User) -> bool:
    """Partner institutions, trainings and events: not clinical, kept by supervisors, admins and
    coordinators (who report them to funders)."""
    return PARTNER_WORK.allows(user)


def require_partner_work(user: User) -> None:
    PARTNER_WORK.require(user)


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


def choosable_leaders(user: User) -> ColumnElement[bool]:
    """Peer leaders a run's manager may name as leading it: the active ones (their names only;
    the register itself is `KEEP_LEADERS`' work). The run's own check is the caller's."""
    if not may_see_group_runs(user) and not KEEP_LEADERS.allows(user):
        return false()
    return PeerLeader.is_active.is_(True)


def academy_runs(user: User) -> ColumnElement[bool]:
    """Cohort runs (the Leaders' Academy, courses) a leader's record may name as their training:
    the register's keepers see their names, which hold no client data."""
    return GroupRun.is_cohort.is_(True) if KEEP_LEADERS.allows(user) else false()
