"""What the latest routing of a case rules out, for whom, and a supervisor's override of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, ExclusionOverride
from casework.case_assessments.services.routing import WITHHELD_REASON, latest_completed
from casework.cases.models import Case
from casework.catalogue.models import Service, ServiceKind
from casework.db import db
from casework.errors import N_, Conflict

#: Services delivered to several participants at once: an exclusion for one rules them out for all.
JOINT_SERVICES = (ServiceKind.COUPLES, ServiceKind.FAMILY)


@dataclass(frozen=True)
class Exclusion:
    service_code: str
    rule_id: str
    #: Language code -> why; a neutral text when it follows from another person's disclosure.
    reason: dict[str, str]
    #: The participant it is about; None for the whole case.
    client_id: uuid.UUID | None


class ServiceExcluded(Conflict):
    """Enrolment in a service the latest routing ruled out, without a supervisor's override."""

    def __init__(self, exclusion: Exclusion) -> None:
        super().__init__(
            N_(
                "the latest assessment rules this service out: %(reason)s "
                "A supervisor may override this with a written reason."
            ),
            fields={"service_code": ["excluded"]},
            reason=exclusion.reason,
        )
        self.exclusion = exclusion


def exclusions_in_force(case: Case, *, of: list[Assessment] | None = None) -> list[Exclusion]:
    """The exclusions of the newest completed routing of each participant and instrument (from
    `of`, every assessment of the case already read, if given).

    A joint routing's exclusion holds for the whole case; an individual one for its participant,
    and with a neutral reason for the joint services of everyone."""
    found: dict[tuple[str, uuid.UUID | None], Exclusion] = {}
    for assessment in latest_completed(case, of=of):
        routing = assessment.routing or {}
        for excluded in routing.get("exclusions", []):
            client_id = assessment.client_id if assessment.is_individual else None
            reason = dict(excluded.get("reason") or {})
            found.setdefault(
                (excluded["service"], client_id),
                Exclusion(excluded["service"], excluded.get("rule_id", ""), reason, client_id),
            )
    return list(found.values())


def exclusion_for(case: Case, client_id: uuid.UUID, service: Service) -> Exclusion | None:
    """The exclusion that rules `service` out for participant `client_id`, if any."""
    for exclusion in exclusions_in_force(case):
        if exclusion.service_code != service.code:
            continue
        if exclusion.client_id is None or exclusion.client_id == client_id:
            return exclusion
        if service.kind in JOINT_SERVICES:
            return Exclusion(service.code, "withheld", dict(WITHHELD_REASON), None)
    return None


def excluded_services(
    case: Case, *, of: list[Assessment] | None = None
) -> dict[str, dict[str, str]]:
    """Service code -> the reason to show before anyone enrols in it (never a disclosure: a
    participant's own exclusion is shown with the neutral reason); from `of`, every assessment
    of the case already read, if given."""
    return {
        exclusion.service_code: exclusion.reason
        if exclusion.client_id is None
        else dict(WITHHELD_REASON)
        for exclusion in exclusions_in_force(case, of=of)
    }


def record_override(
    user: User,
    case: Case,
    exclusion: Exclusion,
    *,
    client_id: uuid.UUID,
    reason: str,
    enrolment_id: uuid.UUID,
) -> ExclusionOverride:
    """Keep (and audit) a supervisor's written reason for enrolling despite `exclusion`; the
    caller has checked they may."""
    override = ExclusionOverride(
        case_id=case.id,
        enrolment_id=enrolment_id,
        client_id=client_id,
        service_code=exclusion.service_code,
        rule_id=exclusion.rule_id,
        supervisor_id=user.id,
    )
    override.reason = reason
    db.session.add(override)
    db.session.flush()
    audit.record_change(
        "exclusion.override", override, actor=user, fields=["service_code", "reason"]
    )
    return override


def overrides_of_case(
    user: User, case: Case, *, rows: list[ExclusionOverride] | None = None
) -> list[ExclusionOverride]:
    """The case's overrides, oldest first (their reasons' read is audited once); the caller has
    checked `user` may see the case. From `rows`, every override of the case already read, if
    given."""
    if rows is None:
        rows = list(
            db.session.scalars(
                select(ExclusionOverride)
                .where(ExclusionOverride.case_id == case.id)
                .order_by(ExclusionOverride.created_at)
            )
        )
    else:
        rows = sorted(rows, key=lambda row: row.created_at)
    audit.record_many(
        "exclusion_override.read",
        actor=user,
        object_type=ExclusionOverride.__audit_type__,
        objects=[audit.Read(row.id, row.client_id) for row in rows],
        fields=["reason"],
    )
    return rows
