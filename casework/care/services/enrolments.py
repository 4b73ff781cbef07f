"""Enrolling a case participant in a service (refused where the latest routing ruled it out,
unless a supervisor overrides with a written reason), ending an enrolment, and who may see which."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import Enrolment, EnrolmentStatus
from casework.case_assessments.services import exclusions
from casework.cases.models import Case, CaseState
from casework.cases.services import cases
from casework.catalogue.models import Service, ServiceKind
from casework.clients.services.consents import require_processing_basis
from casework.db import db, utcnow
from casework.errors import N_, Conflict, Forbidden, ValidationError, check_version

#: Services delivered by one named practitioner.
PRACTITIONER_SERVICES = (
    ServiceKind.INDIVIDUAL,
    ServiceKind.COUPLES,
    ServiceKind.FAMILY,
    ServiceKind.CONSULTATION,
)

#: An enrolment still running (a new one for the same service would be a duplicate).
OPEN_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED)


def enrol(
    user: User,
    case_id: uuid.UUID,
    *,
    client_id: uuid.UUID,
    service_code: str,
    practitioner_id: uuid.UUID | None = None,
    override_reason: str | None = None,
) -> Enrolment:
    """Enrol a participant of a case in a service; the case becomes active if it was routing.
    A service the latest routing ruled out for them is refused (`exclusions.ServiceExcluded`)
    unless a supervisor of the case's team gives an `override_reason`, which is kept and audited."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    if client_id not in case.client_ids:
        raise ValidationError(
            "only a participant of the case can be enrolled",
            fields={"client_id": ["not a participant"]},
        )
    service = _require_enrollable_service(service_code)
    _check_practitioner(service, practitioner_id)
    exclusion = exclusions.exclusion_for(case, client_id, service)
    override_reason = (override_reason or "").strip()
    if exclusion is not None:
        if not override_reason:
            raise exclusions.ServiceExcluded(exclusion)
        if not policy.may_override_exclusion(user, case):
            raise Forbidden("only a supervisor of this case's team may override an exclusion")
    require_processing_basis([client_id])
    duplicate = db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.case_id == case.id,
            Enrolment.client_id == client_id,
            Enrolment.service_code == service.code,
            Enrolment.status.in_(OPEN_STATUSES),
        )
    )
    if duplicate:
        raise Conflict("this client is already enrolled in this service on this case")
    enrolment = Enrolment(
        case_id=case.id,
        client_id=client_id,
        service_code=service.code,
        practitioner_id=practitioner_id,
        created_by_id=user.id,
    )
    db.session.add(enrolment)
    if case.state == CaseState.ROUTING:
        cases.advance_case(case, CaseState.ACTIVE, actor=user)
    audit.record_change(
        "enrolment.create", enrolment, actor=user, fields=["service_code", "practitioner_id"]
    )
    db.session.flush()
    if exclusion is not None:
        exclusions.record_override(
            user,
            case,
            exclusion,
            client_id=client_id,
            reason=override_reason,
            enrolment_id=enrolment.id,
        )
    return enrolment


def _require_enrollable_service(service_code: str) -> Service:
    service = db.session.get(Service, service_code)
    if service is None or not service.is_active:
        raise ValidationError(
            "no active service %(code)s", fields={"service_code": ["unknown"]}, code=service_code
        )
    if service.is_group:
        raise ValidationError(
            "people join a group service through one of its group runs",
            fields={"service_code": ["enrol in a group run instead"]},
        )
    return service


def _check_practitioner(service: Service, practitioner_id: uuid.UUID | None) -> None:
    """Individual, couple, family and consultation services need an active therapist; others
    take none."""
    if service.kind in PRACTITIONER_SERVICES:
        practitioner = db.session.get(User, practitioner_id) if practitioner_id else None
        if (
            practitioner is None
            or not practitioner.is_enabled
            or not policy.GIVE_THERAPY.allows(practitioner)
        ):
            raise ValidationError(
                "this service needs an active therapist or counsellor as practitioner",
                fields={"practitioner_id": ["a therapist is required"]},
            )
    elif practitioner_id is not None:
        raise ValidationError(
            "group services are run by facilitators of a group run, not a practitioner",
            fields={"practitioner_id": ["not allowed for this service"]},
        )


def require_enrolment(user: User, enrolment_id: uuid.UUID) -> tuple[Enrolment, Case | None]:
    """An enrolment `user` may see, with its case (None outside a case); else NotFound."""
    enrolment = policy.require_visible(user, Enrolment, enrolment_id, what="enrolment")
    return enrolment, case_of(enrolment)


def case_of(enrolment: Enrolment) -> Case | None:
    return db.session.get(Case, enrolment.case_id) if enrolment.case_id else None


def end_enrolment(
    user: User, enrolment_id: uuid.UUID, *, status: EnrolmentStatus, expected_version: int
) -> Enrolment:
    """End an enrolment as completed or withdrawn (the case manager or a supervisor)."""
    enrolment, case = require_enrolment(user, enrolment_id)
    if case is not None:
        policy.require_case_manager_of(user, case)
    check_version(enrolment, expected_version, N_("enrolment"))
    if status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN):
        raise ValidationError(
            "an enrolment ends as completed or withdrawn", fields={"status": ["invalid"]}
        )
    if enrolment.status not in OPEN_STATUSES:
        raise Conflict("this enrolment already ended (%(status)s)", status=enrolment.status)
    enrolment.status = status
    enrolment.ended_at = utcnow()
    audit.record_change("enrolment.end", enrolment, actor=user, fields=["status"])
    db.session.flush()
    return enrolment


def enrolments_of_case(user: User, case_id: uuid.UUID) -> list[Enrolment]:
    """Every enrolment of a case the user may see, oldest first."""
    case = policy.require_case(user, case_id)
    return list(
        db.session.scalars(
            select(Enrolment).where(Enrolment.case_id == case.id).order_by(Enrolment.started_at)
        )
    )
