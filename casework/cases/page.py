"""The case page as one use case: the case, its participants and a timeline of what the viewer
may see (assessments, decisions, enrolments, appointments, notes, state changes).

It composes the services of cases, assessments and care, so it lives beside them rather than in
`cases/services.py` (which those services import).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care import services as care
from casework.care.models import Appointment, Enrolment, SessionNote
from casework.case_assessments import services as assessing
from casework.case_assessments.models import Assessment, Recommendation
from casework.cases import services as cases
from casework.cases.models import Case, CaseStateChange
from casework.crypto.keystore import client_owner, data_keys


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # state, assessment, decision, enrolment, appointment, note
    subject: Any


@dataclass
class CasePage:
    case: Case
    joint: bool
    history: list[CaseStateChange]
    assessments: list[Assessment]
    recommendations: list[Recommendation]
    enrolments: list[Enrolment]
    appointments: list[Appointment]
    notes: list[SessionNote]
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def is_joint_case(self) -> bool:
        return len(self.case.participants) > 1


def case_page(user: User, case_id: uuid.UUID, *, joint: bool = False) -> CasePage:
    """Everything the case page shows, in the given context (joint hides individual disclosures).

    Participants' names are read (audited); notes are read through `notes_of_case` (audited).
    """
    case = policy.require_case(user, case_id)
    data_keys().preload(client_owner(client_id) for client_id in case.client_ids)
    audit.record_many(
        "client.read",
        actor=user,
        object_type="client",
        objects=[audit.Read(client_id, client_id) for client_id in case.client_ids],
        fields=["given_name", "family_name"],
    )
    page = CasePage(
        case=case,
        joint=joint,
        history=cases.state_history(user, case.id),
        assessments=assessing.assessments_of(user, case.id, joint=joint),
        recommendations=assessing.recommendations_of(user, case.id, joint=joint),
        enrolments=care.enrolments_of_case(user, case.id),
        appointments=care.appointments_of_case(user, case.id),
        notes=care.notes_of_case(user, case.id, joint=joint),
    )
    entries = [TimelineEntry(change.changed_at, "state", change) for change in page.history]
    entries += [
        TimelineEntry(a.completed_at or a.started_at, "assessment", a) for a in page.assessments
    ]
    entries += [
        TimelineEntry(r.decided_at, "decision", r) for r in page.recommendations if r.decided_at
    ]
    entries += [TimelineEntry(e.started_at, "enrolment", e) for e in page.enrolments]
    entries += [TimelineEntry(a.starts_at, "appointment", a) for a in page.appointments]
    entries += [TimelineEntry(n.created_at, "note", n) for n in page.notes]
    page.timeline = sorted(entries, key=lambda entry: entry.at, reverse=True)
    return page
