"""GDPR requests about one client: export everything held about them, or erase them by
crypto-shredding. Both read or end the work of every feature that holds the client's data."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import Appointment, Enrolment, NoteKind, NoteState, SessionNote
from casework.case_assessments.models import Assessment
from casework.cases.models import Case, CaseParticipant
from casework.clients.models import Client
from casework.clients.services.clients import (
    IDENTIFYING_FIELDS,
    STATISTICAL_FIELDS,
)
from casework.clients.services.consents import consents_of
from casework.crypto import services as crypto
from casework.db import db, utcnow
from casework.errors import N_, Conflict, require_text
from casework.groups.services import enrolments as group_enrolments
from casework.imports.services import forget_client_rows
from casework.privacy.models import PrivacyRequest, PrivacyRequestKind


def gdpr_client(user: User, client_id: uuid.UUID) -> tuple[Client, policy.GdprScope]:
    """The client a GDPR request is about, and what the request may reach (`policy.gdpr`)."""
    scope = policy.gdpr_scope(user)
    return policy.require_visible(
        user, Client, client_id, what="client", visible=scope.clients
    ), scope


def export_client(user: User, client_id: uuid.UUID, *, reason: str) -> dict[str, Any]:
    """Everything held about a client that `user` may export, as JSON-ready data (GDPR access
    request): clinical content only from the cases the policy lets them export it from."""
    return export_for_request(user, record_export_request(user, client_id, reason=reason))


def record_export_request(user: User, client_id: uuid.UUID, *, reason: str) -> PrivacyRequest:
    """The first half of an export: who asks about whom, and why (refused without a reason or
    for a client the policy hides)."""
    require_text(reason, field="reason", message=N_("a reason is required"))
    client, _ = gdpr_client(user, client_id)
    return _request(PrivacyRequestKind.EXPORT, client, user, reason)


def export_for_request(user: User, request: PrivacyRequest) -> dict[str, Any]:
    """The second half: the data, gathered under the policy as it stands now (a background
    export checks access again when it runs), and its audit event."""
    client, scope = gdpr_client(user, request.client_id)
    data = collect_client_data(
        client, case_records=scope.case_records, clinical_cases=scope.clinical_cases
    )
    audit.record_change(
        "client.export", client, actor=user, fields=sorted(data), reason_row=request
    )
    return data


def erase_client(user: User, client_id: uuid.UUID, *, reason: str) -> Client:
    """GDPR erasure by crypto-shredding: the client's key and blind indexes are destroyed."""
    require_text(reason, field="reason", message=N_("a reason is required"))
    client, _ = gdpr_client(user, client_id)
    if client.is_erased:
        raise Conflict("this client is already erased")
    request = _request(PrivacyRequestKind.ERASURE, client, user, reason)
    anonymise_client(client, actor=user, action="client.erase", reason_row=request)
    return client


def _request(kind: PrivacyRequestKind, client: Client, user: User, reason: str) -> PrivacyRequest:
    """The request's row, its reason under the staff key (it outlives the client's key)."""
    request = PrivacyRequest(kind=kind, client_id=client.id, requested_by_id=user.id)
    request.reason = reason.strip()
    db.session.add(request)
    return request


def anonymise_client(client: Client, *, actor: User | None, action: str, reason_row: object) -> int:
    """Crypto-shred one client: their data keys and blind indexes are destroyed, so names,
    contact details and every text under their key become unreadable, while the statistical
    columns, dates, states and counts stay for reports. The one code path of erasure and of
    retention (no actor). Returns how many data keys were destroyed."""
    if actor is not None:
        # Their seats go to the people waiting (retention only picks people holding none).
        group_enrolments.withdraw_client_everywhere(actor, client.id)
    destroyed = crypto.shred_client(client.id)
    forget_client_rows(client.id)
    client.erased_at = utcnow()
    audit.record_change(
        action, client, actor=actor, fields=IDENTIFYING_FIELDS, reason_row=reason_row
    )
    db.session.flush()
    db.session.expire(client)  # no decrypted name stays cached on the object
    return destroyed


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def collect_client_data(
    client: Client,
    *,
    case_records: ColumnElement[bool],
    clinical_cases: ColumnElement[bool],
) -> dict[str, Any]:
    """The client's record and consents; their memberships, enrolments and appointments in the
    cases of `case_records` (and those outside any case); their assessments and signed progress
    notes in the cases of `clinical_cases` (predicates over Case, from `policy.gdpr_scope`).
    Another participant's disclosures are not theirs, and private process notes are the
    practitioner's: both are left out."""
    person = {
        name: _plain(getattr(client, name)) for name in IDENTIFYING_FIELDS + STATISTICAL_FIELDS
    }
    listed = select(Case.id).where(case_records)
    clinical = select(Case.id).where(clinical_cases)
    memberships = db.session.execute(
        select(Case.reference, Case.kind, Case.state, Case.opened_at, CaseParticipant.role)
        .join(CaseParticipant, CaseParticipant.case_id == Case.id)
        .where(CaseParticipant.client_id == client.id, Case.id.in_(listed))
    ).all()
    assessments = db.session.scalars(
        select(Assessment).where(
            Assessment.client_id == client.id, Assessment.case_id.in_(clinical)
        )
    )
    enrolments = db.session.scalars(
        select(Enrolment).where(
            Enrolment.client_id == client.id,
            or_(Enrolment.case_id.is_(None), Enrolment.case_id.in_(listed)),
        )
    ).all()
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.enrolment_id.in_([e.id for e in enrolments]))
    )
    notes = db.session.scalars(
        select(SessionNote).where(
            SessionNote.client_id == client.id,
            SessionNote.case_id.in_(clinical),
            SessionNote.state == NoteState.SIGNED,
            SessionNote.kind == NoteKind.PROGRESS,
        )
    )
    return {
        "client": {"id": str(client.id), **person, "created_at": _plain(client.created_at)},
        "consents": [
            {
                "purpose": c.purpose.value,
                "legal_basis": c.legal_basis.value,
                "notice_version": c.notice_version,
                "given_at": _plain(c.given_at),
                "withdrawn_at": _plain(c.withdrawn_at),
            }
            for c in consents_of(client.id)
        ],
        "cases": [
            {
                "reference": m.reference,
                "kind": m.kind.value,
                "state": m.state.value,
                "opened_at": _plain(m.opened_at),
                "role": m.role.value,
            }
            for m in memberships
        ],
        "assessments": [
            {
                "instrument": a.instrument_id,
                "version": a.instrument_version,
                "state": a.state.value,
                "started_at": _plain(a.started_at),
                "answers": a.answers,
                "result": a.result,
            }
            for a in assessments
        ],
        "enrolments": [
            {
                "service": e.service_code,
                "status": e.status.value,
                "started_at": _plain(e.started_at),
                "ended_at": _plain(e.ended_at),
            }
            for e in enrolments
        ],
        "appointments": [
            {
                "starts_at": _plain(a.starts_at),
                "mode": a.mode.value,
                "attendance": a.attendance.value,
            }
            for a in appointments
        ],
        "session_notes": [
            {
                "kind": n.kind.value,
                "signed_at": _plain(n.signed_at),
                "body": n.body,
                "addenda": [
                    {"created_at": _plain(x.created_at), "body": x.body} for x in n.addenda
                ],
            }
            for n in notes
        ],
    }
