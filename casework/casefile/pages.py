"""What the case page shows: the case, its participants, a timeline of what the viewer may see
(assessments, decisions, enrolments, appointments, notes, state changes), its plan and safety
tasks, the exclusions overridden, and the actions the policy lets the viewer take. Composed from
the services of cases, assessments, care, tasks and the catalogue."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import assessments as engine
from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.auth.services import display_names
from casework.care.models import Appointment, Enrolment, EnrolmentStatus, SessionNote
from casework.care.services import appointments as care_appointments
from casework.care.services import enrolments as care_enrolments
from casework.care.services import notes as care_notes
from casework.case_assessments.models import (
    Assessment,
    AssessmentState,
    ExclusionOverride,
    Recommendation,
)
from casework.case_assessments.services import assessments as assessing
from casework.case_assessments.services import exclusions
from casework.case_assessments.services import recommendations as recommending
from casework.casefile.results import ResultTable, assessment_lines, latest_joint, result_tables
from casework.casefile.sections import rows_of_case
from casework.casefile.services import StaffChoice, staff_through
from casework.cases.models import Case, CaseState, CaseStateChange
from casework.cases.services import cases
from casework.catalogue.models import Service
from casework.catalogue.services import list_services
from casework.clients.names import client_display_name
from casework.crypto.keystore import client_owner, data_keys
from casework.errors import NotFound
from casework.tasks.pages import CasePlanPage, case_plan, case_plan_page, staff_to_name

#: How many timeline entries the case page shows at once; "Earlier" pages back from there.
TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # state, assessment, decision, enrolment, appointment, note
    subject: Any

    @property
    def key(self) -> tuple[datetime, str, str]:
        """Its place in the timeline, newest first: unique, so a page boundary is exact."""
        return (self.at, self.kind, str(self.subject.id))


@dataclass
class CaseActions:
    """The choices the case page's forms offer this viewer."""

    instruments: list[engine.Instrument]
    services: list[Service]
    therapists: list[StaffChoice]
    #: Every service's name in each language, by code (an enrolment's service may be retired).
    service_names: dict[str, dict[str, str]]
    #: Whom the viewer may hand the case to: empty unless they may reassign it.
    case_managers: list[StaffChoice]
    may_reassign: bool
    #: Close, move, enrol and decide (the case's manager or a supervisor of its team).
    may_manage: bool
    may_assess: bool
    #: May enrol despite an exclusion, with a written reason (a supervisor of the team).
    may_override: bool
    #: Services the latest routing rules out: code -> the reason, by language.
    excluded: dict[str, dict[str, str]]


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
    plan: CasePlanPage | None = None
    overrides: list[ExclusionOverride] = field(default_factory=list)
    #: The viewer may schedule in these enrolments (they are its practitioner or manage the case).
    schedulable: list[Enrolment] = field(default_factory=list)
    #: The joint view of a case with several participants: their newest results side by side.
    side_by_side: list[ResultTable] = field(default_factory=list)
    #: Where the "Earlier" link of a timeline cut at its limit continues (None: nothing earlier).
    earlier: str | None = None
    #: The timeline is a later page (it has a "Latest" link back to the first).
    is_earlier_page: bool = False

    @property
    def is_joint_case(self) -> bool:
        return len(self.case.participants) > 1

    def named(self, client_ids: list[uuid.UUID]) -> str:
        """The display names of these participants (their read is audited by `case_page`)."""
        return ", ".join(
            client_display_name(p.client)
            for p in self.case.participants
            if p.client_id in client_ids
        )

    def about(self, assessment: Assessment) -> str:
        """Whom an assessment is about: the participant interviewed, then any interviewed with."""
        others = [uuid.UUID(str(client_id)) for client_id in assessment.participant_ids or []]
        return self.named([assessment.client_id, *others])

    def for_whom(self, recommendation: Recommendation) -> str:
        """An individual recommendation is for the person whose disclosure led to it; a joint
        one for every participant."""
        if recommendation.is_individual:
            return self.named([recommendation.client_id])
        return self.named(self.case.client_ids)

    @property
    def moves(self) -> list[CaseState]:
        """The states the case may move to from the page (closing has its own page)."""
        return [
            state for state in cases.ALLOWED_MOVES[self.case.state] if state != CaseState.CLOSED
        ]

    @property
    def schedulable_enrolments(self) -> list[Enrolment]:
        """Active enrolments with a practitioner that the viewer may schedule in."""
        return self.schedulable

    @property
    def closing_reassessments(self) -> list[Assessment]:
        return [
            a for a in self.assessments if a.is_closing and a.state == AssessmentState.COMPLETED
        ]


def case_page(
    user: User,
    case_id: uuid.UUID,
    *,
    joint: bool = False,
    with_actions: bool = True,
    earlier: str | None = None,
    timeline_limit: int | None = TIMELINE_LIMIT,
) -> CasePage:
    """Everything the case page shows, in the given context (joint hides individual disclosures);
    `with_actions` adds the choices of its forms. The timeline shows `timeline_limit` entries
    (None: all of them) from the cursor `earlier` on (an unreadable cursor: from the newest).

    The case and the viewer's access to it are read once (`policy.require_case` remembers them
    for the request); every section is one statement whatever the case holds. Participants'
    names are read (audited); notes are read through `notes_of_case` (audited).
    """
    case = cases.get_case(user, case_id)
    _read_participant_names(user, case)
    # The enrolments first: the appointments' enrolments and the viewer's practitioner role in
    # the case (individual disclosures) are then answered from them, without a statement.
    enrolments = care_enrolments.enrolments_of_case(user, case.id)
    policy.remember_enrolments(user, case, enrolments)
    rows = rows_of_case(case.id)
    every_assessment = rows.assessments
    page = CasePage(
        case=case,
        joint=joint,
        history=cases.state_history(user, case.id),
        assessments=assessing.seen_in_context(user, case, every_assessment, joint=joint),
        recommendations=recommending.recommendations_of(
            user, case.id, joint=joint, rows=rows.recommendations
        ),
        enrolments=enrolments,
        appointments=care_appointments.appointments_of_case(user, case.id),
        notes=care_notes.notes_of_case(user, case.id, joint=joint),
    )
    page.overrides = exclusions.overrides_of_case(user, case, rows=rows.overrides)
    current = [
        e
        for e in page.enrolments
        if e.practitioner_id is not None and e.status == EnrolmentStatus.ACTIVE
    ]
    practitioner_ids = [e.practitioner_id for e in current]
    plan = case_plan(user, case, joint=joint, rows=(rows.goals, rows.tasks))
    # One read of every staff name the page and its plan show.
    page.staff_names = display_names(
        [case.case_manager_id]
        + [note.author_id for note in page.notes]
        + [appointment.practitioner_id for appointment in page.appointments]
        + [enrolment.practitioner_id for enrolment in page.enrolments]
        + [override.supervisor_id for override in page.overrides]
        + list(staff_to_name(user, case, plan, practitioner_ids))
    )
    page.timeline, page.earlier = _timeline(page, earlier, timeline_limit)
    page.is_earlier_page = bool(earlier) and _cursor_key(earlier) is not None
    page.plan = case_plan_page(
        user, case, plan, practitioner_ids=practitioner_ids, names=page.staff_names
    )
    manages = policy.may_manage_case(user, case)
    page.schedulable = [e for e in current if manages or e.practitioner_id == user.id]
    if joint and with_actions and page.is_joint_case:
        page.side_by_side = result_tables(
            assessment_lines(user, case, latest_joint(page.assessments))
        )
    if with_actions:
        page.actions = _actions(user, case, every_assessment=every_assessment)
    return page


def _read_participant_names(user: User, case: Case) -> None:
    """Unlock the participants' keys with one query; their names' read is audited once."""
    data_keys().preload(client_owner(client_id) for client_id in case.client_ids)
    audit.record_many(
        "client.read",
        actor=user,
        object_type="client",
        objects=[audit.Read(client_id, client_id) for client_id in case.client_ids],
        fields=["given_name", "family_name"],
    )


def _timeline(
    page: CasePage, earlier: str | None, limit: int | None
) -> tuple[list[TimelineEntry], str | None]:
    """The page's slice of the timeline, newest first, and the cursor of the next slice."""
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
    entries.sort(key=lambda entry: entry.key, reverse=True)
    after = _cursor_key(earlier) if earlier else None
    if after is not None:
        entries = [entry for entry in entries if _comparable(entry.key) < after]
    if limit is None or len(entries) <= limit:
        return entries, None
    return entries[:limit], _cursor(entries[limit - 1])


def _comparable(key: tuple[datetime, str, str]) -> tuple[str, str, str]:
    """A key as the cursor keeps it: ISO 8601 text of one form sorts as its instants do."""
    return (key[0].replace(tzinfo=None).isoformat(timespec="microseconds"), key[1], key[2])


def _cursor(entry: TimelineEntry) -> str:
    text = json.dumps(_comparable(entry.key))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor_key(cursor: str | None) -> tuple[str, str, str] | None:
    """The place a cursor points at; None for one that is not ours (the page then starts from
    the newest entry, as a link that was cut or edited deserves)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode((cursor or "") + "=" * (-len(cursor or "") % 4)))
    except (ValueError, binascii.Error):
        return None
    if not (isinstance(raw, list) and len(raw) == 3 and all(isinstance(v, str) for v in raw)):
        return None
    return (raw[0], raw[1], raw[2])


def _actions(
    user: User, case: Case, *, every_assessment: list[Assessment] | None = None
) -> CaseActions:
    """The forms' choices: one read of the catalogue, and one of the staff the viewer may pick
    (none unless they may enrol or reassign); the exclusions from `every_assessment` of the
    case, when the caller has read them."""
    may_reassign = policy.supervises_case(user, case)
    may_manage = policy.may_manage_case(user, case)
    catalogue = list_services(include_inactive=True)
    gates = ([policy.GIVE_THERAPY] if may_manage else []) + (
        [policy.HOLD_CASES] if may_reassign else []
    )
    staff = dict(zip(gates, staff_through(gates), strict=True))
    return CaseActions(
        instruments=assessing.instruments_available(),
        services=[s for s in catalogue if s.is_active and not s.is_group],
        therapists=staff.get(policy.GIVE_THERAPY, []),
        service_names={service.code: dict(service.name) for service in catalogue},
        case_managers=staff.get(policy.HOLD_CASES, []),
        may_reassign=may_reassign,
        may_manage=may_manage,
        may_assess=policy.may_assess_case(user, case),
        may_override=policy.may_override_exclusion(user, case),
        excluded=exclusions.excluded_services(case, of=every_assessment) if may_manage else {},
    )


@dataclass(frozen=True)
class EnrolPage:
    """The enrolment form of a case on its own page, prefilled from an accepted recommendation."""

    case: Case
    actions: CaseActions
    client_id: uuid.UUID | None
    service_code: str | None
    #: The practitioner who already works with that participant on this case, if any.
    practitioner_id: uuid.UUID | None


def enrol_page(user: User, case_id: uuid.UUID, recommendation_id: uuid.UUID | None) -> EnrolPage:
    """What the enrolment page offers; with an accepted recommendation: its service, the person
    it is for, and their current practitioner."""
    case = cases.get_case(user, case_id)
    policy.require_case_manager_of(user, case)
    _read_participant_names(user, case)
    client_id = service_code = practitioner_id = None
    if recommendation_id is not None:
        recommendation = recommending.accepted_recommendation(user, recommendation_id)
        if recommendation.case_id != case.id:
            raise NotFound("no such accepted recommendation")
        client_id, service_code = recommendation.client_id, recommendation.service_code
        practitioner_id = next(
            (
                e.practitioner_id
                for e in care_enrolments.enrolments_of_case(user, case.id)
                if e.client_id == client_id
                and e.practitioner_id is not None
                and e.status == EnrolmentStatus.ACTIVE
            ),
            None,
        )
    return EnrolPage(case, _actions(user, case), client_id, service_code, practitioner_id)
