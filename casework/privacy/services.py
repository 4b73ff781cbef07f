"""GDPR requests about one client: export everything held about them, or erase them by
crypto-shredding. Both read or end the work of every feature that holds the client's data."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.care.models import Appointment, Enrolment, NoteKind, NoteState, SessionNote
from casework.case_assessments.models import Assessment
from casework.cases.models import Case, CaseParticipant
from casework.clients.models import Client
from casework.clients.services.clients import (
    IDENTIFYING_FIELDS,
    STATISTICAL_FIELDS,
    require_client,
)
from casework.clients.services.consents import consents_of
from casework.crypto import services as crypto
from casework.db import db, get_or_not_found, utcnow
from casework.errors import N_, Conflict, Forbidden, require_text
from casework.groups.services import enrolments as group_enrolments
from casework.privacy.models import PrivacyRequest, PrivacyRequestKind


def _require_gdpr_officer(user: User) -> None:
    if not user.has_role(Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("exporting or erasing a client needs a supervisor or an administrator")


def _gdpr_client(user: User, client_id: uuid.UUID) -> Client:
    """The client a GDPR request is about: any client for an administrator, a supervisor's
    own teams' clients otherwise."""
    _require_gdpr_officer(user)
    client = get_or_not_found(Client, client_id, "client")
    if user.has_role(Role.SUPERVISOR) and not user.has_role(Role.ADMIN):
        require_client(user, client_id, assigned_only=True)
    return client


def export_client(user: User, client_id: uuid.UUID, *, reason: str) -> dict[str, Any]:
    """Everything held about a client, as JSON-ready data (GDPR access request)."""
    require_text(reason, field="reason", message=N_("a reason is required"))
    client = _gdpr_client(user, client_id)
    # Administrators see no clinical content: their export is the record, consents and dates.
    data = collect_client_data(client, clinical=user.has_role(Role.SUPERVISOR))
    request = _request(PrivacyRequestKind.EXPORT, client, user, reason)
    audit.record_change(
        "client.export", client, actor=user, fields=sorted(data), reason_row=request
    )
    return data


def erase_client(user: User, client_id: uuid.UUID, *, reason: str) -> Client:
    """GDPR erasure by crypto-shredding: the client's key and blind indexes are destroyed."""
    require_text(reason, field="reason", message=N_("a reason is required"))
    client = _gdpr_client(user, client_id)
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


def collect_client_data(client: Client, *, clinical: bool) -> dict[str, Any]:
    """The client's record, consents, case memberships, enrolments and appointments, and with
    `clinical` their assessments and signed progress notes. Another participant's disclosures
    are not theirs, and private process notes are the practitioner's: both are left out."""
    person = {
        name: _plain(getattr(client, name)) for name in IDENTIFYING_FIELDS + STATISTICAL_FIELDS
    }
    memberships = db.session.execute(
        select(Case.reference, Case.kind, Case.state, Case.opened_at, CaseParticipant.role)
        .join(CaseParticipant, CaseParticipant.case_id == Case.id)
        .where(CaseParticipant.client_id == client.id)
    ).all()
    assessments = db.session.scalars(select(Assessment).where(Assessment.client_id == client.id))
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.client_id == client.id)).all()
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.enrolment_id.in_([e.id for e in enrolments]))
    )
    notes = db.session.scalars(
        select(SessionNote).where(
            SessionNote.client_id == client.id,
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
        "assessments": []
        if not clinical
        else [
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
        "session_notes": []
        if not clinical
        else [
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
