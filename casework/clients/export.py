"""Everything held about one client, for a GDPR access request (their own data only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casework.care.models import Appointment, Enrolment, NoteKind, NoteState, SessionNote
from casework.case_assessments.models import Assessment
from casework.cases.models import Case, CaseParticipant
from casework.clients.models import Client
from casework.clients.services import IDENTIFYING_FIELDS, STATISTICAL_FIELDS, consents_of
from casework.db import db


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
    data: dict[str, Any] = {
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
    return data
