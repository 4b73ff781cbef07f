"""Reading one row by its id through the rules: a hidden row answers exactly like a missing one,
both when an id is asked for (NotFound) and when it is given as input (the same ValidationError
as an unknown id, on the same field)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, has_request_context
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import joinedload

from casework.auth.models import User
from casework.care.models import Appointment, Enrolment, SessionNote
from casework.cases.models import Case, CaseParticipant
from casework.clients.models import Client
from casework.consultations.models import InformationConsultation
from casework.db import db
from casework.errors import NotFound, ValidationError
from casework.groups.models import (
    GroupEnrolment,
    GroupMeeting,
    GroupRun,
    MentoringSession,
    PeerLeader,
)
from casework.imports.models import ImportRun, ImportUpload
from casework.jobs.models import Job
from casework.partners.models import PartnerInstitution, PublicEvent, Training
from casework.policy.cases import (
    in_assigned_case,
    in_visible_case,
    visible_appointments,
    visible_cases,
    visible_clients,
    visible_enrolments,
    visible_notes,
)
from casework.policy.gates import KEEP_LEADERS
from casework.policy.jobs import visible_jobs
from casework.policy.programmes import (
    in_managed_run,
    may_do_partner_work,
    may_see_group_runs,
    visible_consultations,
    visible_group_runs,
    visible_supervision_records,
)
from casework.policy.reporting import visible_projects
from casework.projects.models import Project
from casework.supervision.models import AgreedAction, SupervisionRecord

ModelT = TypeVar("ModelT")


def _once_per_request(user: User, key: object, read: Callable[[], ModelT]) -> ModelT:
    """`read()` the first time this request asks for `key` on behalf of `user`, the same row
    after that. Only a granted read is kept (a refusal raises and is asked again); outside a
    request (the CLI, a test calling services) every ask reads. The request's session and
    `g` live and end together, so the row kept is the session's own."""
    if not has_request_context():
        return read()
    granted: dict[tuple[object, ...], Any] = g.setdefault("policy_granted_rows", {})
    slot = (user.id, key)
    if slot not in granted:
        granted[slot] = read()
    return granted[slot]  # type: ignore[no-any-return]


def _find(model: type[ModelT], object_id: object, visible: ColumnElement[bool]) -> ModelT | None:
    query = select(model).where(model.id == object_id, visible)  # type: ignore[attr-defined]
    return db.session.scalar(query)  # type: ignore[no-any-return]


def require_visible(
    user: User,
    model: type[ModelT],
    object_id: object,
    *,
    what: str,
    visible: ColumnElement[bool] | None = None,
) -> ModelT:
    """The row of `model` with id `object_id` if `user` may see it, else NotFound("no such
    `what`"), the same as a missing row. Visibility is `visible` if given, else the model's rule
    (`visibility_rule`)."""
    row = _find(model, object_id, visibility_rule(user, model) if visible is None else visible)
    if row is None:
        raise NotFound("no such %(what)s", what=what)
    return row


def require_chosen_client(
    user: User, client_id: uuid.UUID, *, field: str = "client_id", visible: ColumnElement[bool]
) -> Client:
    """A client named in a form or request body: one `visible` to `user` and not erased, else
    the same ValidationError as for an id nobody has, so the answer tells nothing."""
    client = _find(Client, client_id, visible)
    if client is None or client.is_erased:
        raise ValidationError("no such client", fields={field: ["unknown"]})
    return client


def require_case(user: User, case_id: uuid.UUID) -> Case:
    """The case, if `user` may see it; otherwise NotFound, the same as a missing case.

    Decided once per request: a page composed of sections that each ask for the case again gets
    the case loaded (participants and their client rows with it) by the first ask. Only a
    granted read is remembered, so access gained in the request (breaking the glass) is seen at
    once (`_once_per_request`)."""

    def load() -> Case:
        case = (
            db.session.scalars(
                select(Case)
                .where(Case.id == case_id, visible_cases(user))
                .options(joinedload(Case.participants).joinedload(CaseParticipant.client))
            )
            .unique()
            .one_or_none()
        )
        if case is None:
            raise NotFound("no such %(what)s", what="case")
        return case

    return _once_per_request(user, ("case", case_id), load)


def require_group_run(user: User, run_id: uuid.UUID) -> GroupRun:
    """The group run, if `user` may see it; decided once per request, as `require_case`."""
    return _once_per_request(
        user,
        ("group run", run_id),
        lambda: require_visible(user, GroupRun, run_id, what="group run"),
    )


def visibility_rule(user: User, model: type[Any]) -> ColumnElement[bool]:
    """Which rows of `model` `user` may see: its own predicate, or that of the case it is in."""
    if model is Case:
        return visible_cases(user)
    if model is Client:
        return visible_clients(user)
    if model is InformationConsultation:
        return visible_consultations(user)
    if model is SupervisionRecord:
        return visible_supervision_records(user)
    if model is AgreedAction:
        records = select(SupervisionRecord.id).where(visible_supervision_records(user))
        return AgreedAction.record_id.in_(records)
    if model is Enrolment:
        return visible_enrolments(user)
    if model is Appointment:
        return visible_appointments(user)
    if model is SessionNote:
        return visible_notes(user)
    if model is GroupRun:
        return visible_group_runs(user)
    if model is GroupEnrolment:
        if not may_see_group_runs(user):
            return visible_group_runs(user)
        return or_(
            in_managed_run(user, GroupEnrolment.run_id),
            in_assigned_case(user, GroupEnrolment.case_id),
        )
    if model is GroupMeeting:
        return in_managed_run(user, GroupMeeting.run_id)
    if model is MentoringSession:
        if not may_see_group_runs(user):
            return visible_group_runs(user)
        return or_(
            MentoringSession.mentor_id == user.id, in_managed_run(user, MentoringSession.run_id)
        )
    if model is PeerLeader:
        return true() if KEEP_LEADERS.allows(user) else false()
    if model in (Training, PartnerInstitution, PublicEvent):
        return true() if may_do_partner_work(user) else false()
    if model is Project:
        return visible_projects(user)
    if model is ImportUpload or model is ImportRun:
        return model.created_by_id == user.id
    if model is Job:
        return visible_jobs(user)
    if hasattr(model, "case_id"):
        return in_visible_case(user, model.case_id)
    raise TypeError(f"no visibility rule for {model.__name__}")
