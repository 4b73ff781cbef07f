"""Who takes part in a case: adding a participant to a couple or family case."""

from __future__ import annotations

import uuid

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.cases.models import Case, CaseKind, CaseParticipant
from casework.cases.services.cases import NewParticipant
from casework.clients.services.clients import require_client
from casework.clients.services.consents import require_processing_basis
from casework.db import db
from casework.errors import N_, Conflict, check_version


def add_participant(
    user: User, case_id: uuid.UUID, participant: NewParticipant, *, expected_version: int
) -> Case:
    """Add a client to a couple or family case (its case manager or a supervisor)."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    check_version(case, expected_version, N_("case"))
    if case.kind == CaseKind.INDIVIDUAL or (
        case.kind == CaseKind.COUPLE and len(case.participants) >= 2
    ):
        raise Conflict("a %(kind)s case cannot take another participant", kind=case.kind)
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
    # Filed under the new participant: it is their data the case now holds.
    audit.record(
        "case.add_participant",
        actor=user,
        object_type=audit.audit_type_of(case),
        object_id=case.id,
        client_id=participant.client_id,
        fields=["participants"],
    )
    return case
