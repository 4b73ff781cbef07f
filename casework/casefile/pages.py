"""What the case page shows: the case, its participants, a timeline of what the viewer may see
(assessments, decisions, enrolments, appointments, notes, state changes) and what its action
forms offer. Composed from the services of cases, assessments, care and the catalogue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import assessments as engine
from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.auth.services import display_names, staff_with_role
from casework.care.models import Appointment, Enrolment, EnrolmentStatus, SessionNote
from casework.care.services import appointments as care_appointments
from casework.care.services import enrolments as care_enrolments
from casework.care.services import notes as care_notes
from casework.case_assessments.models import Assessment, AssessmentState, Recommendation
from casework.case_assessments.services import assessments as assessing
from casework.case_assessments.services import recommendations as recommending
from casework.cases.models import Case, CaseState, CaseStateChange
from casework.cases.services import cases
from casework.catalogue.models import Service
from casework.catalogue.services import list_services, service_names
from casework.crypto.keystore import client_owner, data_keys


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # state, assessment, decision, enrolment, appointment, note
    subject: Any


@dataclass
class CaseActions:
    """The choices the case page's forms offer this viewer."""

    instruments: list[engine.Instrument]
    services: list[Service]
    therapists: list[User]
    #: Every service's name in each language, by code (an enrolment's service may be retired).
    service_names: dict[str, dict[str, str]]
    #: Whom the viewer may hand the case to: empty unless they may reassign it.
    case_managers: list[User]
    may_reassign: bool


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
    #: Display names of the staff the page mentions (case manager, authors, practitioners).
    staff_names: dict[uuid.UUID, str] = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)
    actions: CaseActions | None = None

    @property
    def is_joint_case(self) -> bool:
        return len(self.case.participants) > 1

    @property
    def moves(self) -> list[CaseState]:
        """The states the case may move to from the page (closing has its own page)."""
        return [
            state for state in cases.ALLOWED_MOVES[self.case.state] if state != CaseState.CLOSED
        ]

    @property
    def schedulable_enrolments(self) -> list[Enrolment]:
        """Active enrolments with a practitioner: the ones appointments are made in."""
        return [
            e
            for e in self.enrolments
            if e.practitioner_id is not None and e.status == EnrolmentStatus.ACTIVE
        ]

    @property
    def closing_reassessments(self) -> list[Assessment]:
        return [
            a for a in self.assessments if a.is_closing and a.state == AssessmentState.COMPLETED
        ]


def case_page(
    user: User, case_id: uuid.UUID, *, joint: bool = False, with_actions: bool = True
) -> CasePage:
    """Everything the case page shows, in the given context (joint hides individual disclosures);
    `with_actions` adds the choices of its forms.

    Participants' names are read (audited); notes are read through `notes_of_case` (audited).
    """
    case = cases.get_case(user, case_id)
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
        recommendations=recommending.recommendations_of(user, case.id, joint=joint),
        enrolments=care_enrolments.enrolments_of_case(user, case.id),
        appointments=care_appointments.appointments_of_case(user, case.id),
        notes=care_notes.notes_of_case(user, case.id, joint=joint),
    )
    page.staff_names = display_names(
        [case.case_manager_id]
        + [note.author_id for note in page.notes]
        + [appointment.practitioner_id for appointment in page.appointments]
        + [enrolment.practitioner_id for enrolment in page.enrolments]
    )
    page.timeline = _timeline(page)
    if with_actions:
        page.actions = _actions(user, case)
    return page


def _timeline(page: CasePage) -> list[TimelineEntry]:
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
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _actions(user: User, case: Case) -> CaseActions:
    may_reassign = policy.supervises_case(user, case)
    return CaseActions(
        instruments=assessing.instruments_available(),
        services=list_services(),
        therapists=staff_with_role(Role.THERAPIST),
        service_names=service_names(),
        case_managers=staff_with_role(Role.CASE_MANAGER) if may_reassign else [],
        may_reassign=may_reassign,
    )
