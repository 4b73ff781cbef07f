"""Use cases for care: enrol in a service, schedule and attend, write and sign session notes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.care.models import (
    Appointment,
    AppointmentMode,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    NoteAddendum,
    NoteKind,
    NoteState,
    SessionNote,
)
from casework.cases import services as cases
from casework.cases.models import Case, CaseKind, CaseState
from casework.catalogue.models import Service, ServiceKind
from casework.clients.models import Client
from casework.clients.services import require_processing_basis
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db, utcnow
from casework.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationError,
    check_version,
    missing_as,
    require_text,
)
from casework.pagination import Page, paginate

#: Services delivered by one named practitioner.
PRACTITIONER_SERVICES = (
    ServiceKind.INDIVIDUAL,
    ServiceKind.COUPLES,
    ServiceKind.FAMILY,
    ServiceKind.CONSULTATION,
)


def enrol(
    user: User,
    case_id: uuid.UUID,
    *,
    client_id: uuid.UUID,
    service_code: str,
    practitioner_id: uuid.UUID | None = None,
) -> Enrolment:
    """Enrol a participant of a case in a service; the case becomes active if it was routing."""
    case = policy.require_case(user, case_id)
    policy.require_case_manager_of(user, case)
    cases.require_not_closed(case)
    if client_id not in case.client_ids:
        raise ValidationError(
            "only a participant of the case can be enrolled",
            fields={"client_id": ["not a participant"]},
        )
    service = db.session.get(Service, service_code)
    if service is None or not service.is_active:
        raise ValidationError(
            f"no active service {service_code!r}", fields={"service_code": ["unknown"]}
        )
    if service.is_group:
        raise ValidationError(
            "people join a group service through one of its group runs",
            fields={"service_code": ["enrol in a group run instead"]},
        )
    if service.kind in PRACTITIONER_SERVICES:
        practitioner = db.session.get(User, practitioner_id) if practitioner_id else None
        if (
            practitioner is None
            or not practitioner.is_enabled
            or not practitioner.has_role(Role.THERAPIST)
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
    require_processing_basis([client_id])
    duplicate = db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.case_id == case.id,
            Enrolment.client_id == client_id,
            Enrolment.service_code == service.code,
            Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED]),
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
    audit.record(
        "enrolment.create",
        actor=user,
        object_type="enrolment",
        object_id=enrolment.id,
        client_id=client_id,
        fields=["service_code", "practitioner_id"],
    )
    db.session.flush()
    return enrolment


def _require_enrolment(user: User, enrolment_id: uuid.UUID) -> tuple[Enrolment, Case | None]:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("no such enrolment")
    if enrolment.case_id is None:
        if enrolment.practitioner_id != user.id:
            raise NotFound("no such enrolment")
        return enrolment, None
    with missing_as("no such enrolment"):
        return enrolment, policy.require_case(user, enrolment.case_id)


def end_enrolment(
    user: User, enrolment_id: uuid.UUID, *, status: EnrolmentStatus, expected_version: int | None
) -> Enrolment:
    enrolment, case = _require_enrolment(user, enrolment_id)
    if case is not None:
        policy.require_case_manager_of(user, case)
    check_version(enrolment, expected_version, "enrolment")
    if status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN):
        raise ValidationError(
            "an enrolment ends as completed or withdrawn", fields={"status": ["invalid"]}
        )
    if enrolment.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN):
        raise Conflict(f"this enrolment already ended ({enrolment.status.value})")
    enrolment.status = status
    enrolment.ended_at = utcnow()
    audit.record(
        "enrolment.end",
        actor=user,
        object_type="enrolment",
        object_id=enrolment.id,
        client_id=enrolment.client_id,
        fields=["status"],
    )
    db.session.flush()
    return enrolment


def _may_schedule(user: User, enrolment: Enrolment, case: Case | None) -> None:
    if enrolment.practitioner_id == user.id:
        return
    if case is None:
        raise Forbidden("only the practitioner may schedule this")
    policy.require_case_manager_of(user, case)


def schedule_appointment(
    user: User,
    enrolment_id: uuid.UUID,
    *,
    starts_at: datetime,
    ends_at: datetime,
    mode: AppointmentMode,
    place: str | None = None,
    is_joint: bool = False,
) -> Appointment:
    enrolment, case = _require_enrolment(user, enrolment_id)
    _may_schedule(user, enrolment, case)
    if case is not None:
        cases.require_not_closed(case)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict("appointments need an active enrolment")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError("times need a time zone", fields={"starts_at": ["naive time"]})
    if ends_at <= starts_at:
        raise ValidationError(
            "an appointment must end after it starts", fields={"ends_at": ["before start"]}
        )
    if is_joint and (case is None or case.kind == CaseKind.INDIVIDUAL):
        raise ValidationError(
            "joint sessions belong to couple or family cases",
            fields={"is_joint": ["not a joint case"]},
        )
    appointment = Appointment(
        enrolment_id=enrolment.id,
        case_id=enrolment.case_id,
        practitioner_id=enrolment.practitioner_id,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=(place or "").strip() or None,
        is_joint=is_joint,
    )
    db.session.add(appointment)
    audit.record(
        "appointment.create",
        actor=user,
        object_type="appointment",
        object_id=appointment.id,
        client_id=enrolment.client_id,
        fields=["starts_at"],
    )
    db.session.flush()
    return appointment


def _require_appointment(user: User, appointment_id: uuid.UUID) -> tuple[Appointment, Case | None]:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("no such appointment")
    with missing_as("no such appointment"):
        _, case = _require_enrolment(user, appointment.enrolment_id)
    return appointment, case


def record_attendance(
    user: User, appointment_id: uuid.UUID, *, attendance: Attendance, expected_version: int | None
) -> Appointment:
    appointment, case = _require_appointment(user, appointment_id)
    _may_schedule(user, appointment.enrolment, case)
    check_version(appointment, expected_version, "appointment")
    if attendance in (Attendance.ATTENDED, Attendance.NO_SHOW) and appointment.starts_at > utcnow():
        raise ValidationError(
            "attendance can be recorded once the appointment has started",
            fields={"attendance": ["in the future"]},
        )
    appointment.attendance = attendance
    audit.record(
        "appointment.attendance",
        actor=user,
        object_type="appointment",
        object_id=appointment.id,
        client_id=appointment.enrolment.client_id,
        fields=["attendance"],
    )
    db.session.flush()
    return appointment


def agenda(
    user: User,
    *,
    starts_from: datetime,
    starts_before: datetime,
    practitioner_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Appointment]:
    """Appointments in a time window: one's own, or (supervisors) a practitioner of their team."""
    practitioner_id = practitioner_id or user.id
    if practitioner_id != user.id:
        practitioner = db.session.get(User, practitioner_id)
        if practitioner is None or not policy.supervises_user(user, practitioner):
            raise NotFound("no such practitioner")
    query = select(Appointment).where(
        Appointment.practitioner_id == practitioner_id,
        Appointment.starts_at >= starts_from,
        Appointment.starts_at < starts_before,
    )
    return paginate(
        query, [Appointment.starts_at, Appointment.id], cursor=cursor, limit=limit, descending=False
    )


# --- session notes ------------------------------------------------------------------------


def write_note(
    user: User,
    appointment_id: uuid.UUID,
    *,
    kind: NoteKind,
    body: str,
    is_individual: bool = False,
    client_id: uuid.UUID | None = None,
) -> SessionNote:
    """A draft note by the appointment's practitioner, about one participant."""
    appointment, case = _require_appointment(user, appointment_id)
    if appointment.practitioner_id != user.id:
        raise Forbidden("only the practitioner of the appointment writes its notes")
    require_text(body, field="body", message="a note needs text")
    about = client_id or appointment.enrolment.client_id
    if case is not None and about not in case.client_ids:
        raise ValidationError(
            "a note is about a participant of the case", fields={"client_id": ["not a participant"]}
        )
    if is_individual and (case is None or case.kind == CaseKind.INDIVIDUAL):
        raise ValidationError(
            "individual disclosures exist in couple and family cases",
            fields={"is_individual": ["not a joint case"]},
        )
    note = SessionNote(
        appointment_id=appointment.id,
        case_id=appointment.case_id,
        client_id=about,
        author_id=user.id,
        kind=kind,
        is_individual=is_individual,
    )
    note.body = body
    db.session.add(note)
    audit.record(
        "note.create",
        actor=user,
        object_type="session_note",
        object_id=note.id,
        client_id=about,
        fields=["body"],
    )
    db.session.flush()
    return note


def _require_note(user: User, note_id: uuid.UUID, *, joint: bool = False) -> SessionNote:
    note = db.session.get(SessionNote, note_id)
    if note is None:
        raise NotFound("no such note")
    with missing_as("no such note"):
        case = policy.require_case(user, note.case_id) if note.case_id else None
    if case is None and note.author_id != user.id:
        raise NotFound("no such note")
    if not policy.can_see_note(user, note, case, joint=joint):
        raise NotFound("no such note")
    return note


def read_note(user: User, note_id: uuid.UUID, *, joint: bool = False) -> SessionNote:
    note = _require_note(user, note_id, joint=joint)
    audit.record(
        "note.read",
        actor=user,
        object_type="session_note",
        object_id=note.id,
        client_id=note.client_id,
        fields=["body", "addenda"],
    )
    return note


def update_draft(
    user: User, note_id: uuid.UUID, *, body: str, expected_version: int | None
) -> SessionNote:
    note = _require_note(user, note_id)
    if note.author_id != user.id:
        raise Forbidden("only the author edits a draft")
    check_version(note, expected_version, "note")
    if note.state == NoteState.SIGNED:
        raise Conflict("a signed note cannot change; add an addendum instead")
    require_text(body, field="body", message="a note needs text")
    note.body = body
    audit.record(
        "note.update",
        actor=user,
        object_type="session_note",
        object_id=note.id,
        client_id=note.client_id,
        fields=["body"],
    )
    db.session.flush()
    return note


def sign_note(user: User, note_id: uuid.UUID, *, expected_version: int | None) -> SessionNote:
    note = _require_note(user, note_id)
    if note.author_id != user.id:
        raise Forbidden("only the author signs a note")
    check_version(note, expected_version, "note")
    if note.state == NoteState.SIGNED:
        raise Conflict("this note is already signed")
    note.state = NoteState.SIGNED
    note.signed_at = utcnow()
    audit.record(
        "note.sign",
        actor=user,
        object_type="session_note",
        object_id=note.id,
        client_id=note.client_id,
        fields=["state", "body", "addenda"],
    )
    db.session.flush()
    return note


def add_addendum(user: User, note_id: uuid.UUID, *, body: str) -> NoteAddendum:
    """Correct a signed note: the note stays as signed, the addendum follows it."""
    note = _require_note(user, note_id)
    if note.author_id != user.id:
        raise Forbidden("only the author adds an addendum to a note")
    if note.state != NoteState.SIGNED:
        raise Conflict("a draft is edited, not amended; sign it first")
    require_text(body, field="body", message="an addendum needs text")
    addendum = NoteAddendum(note_id=note.id, client_id=note.client_id, author_id=user.id)
    addendum.body = body
    db.session.add(addendum)
    audit.record(
        "note.addendum",
        actor=user,
        object_type="session_note",
        object_id=note.id,
        client_id=note.client_id,
        fields=["addenda"],
    )
    db.session.flush()
    return addendum


def notes_of_case(user: User, case_id: uuid.UUID, *, joint: bool) -> list[SessionNote]:
    """The notes of a case the user may see in this context; each read is audited."""
    case = policy.require_case(user, case_id)
    query = (
        select(SessionNote)
        .where(SessionNote.case_id == case.id)
        .options(selectinload(SessionNote.addenda))
        .order_by(SessionNote.created_at)
    )
    notes = [
        n for n in db.session.scalars(query) if policy.can_see_note(user, n, case, joint=joint)
    ]
    data_keys().preload(client_owner(note.client_id) for note in notes)
    audit.record_many(
        "note.read",
        actor=user,
        object_type="session_note",
        objects=[audit.Read(note.id, note.client_id) for note in notes],
        fields=["body", "addenda"],
    )
    return notes


def enrolments_of_case(user: User, case_id: uuid.UUID) -> list[Enrolment]:
    case = policy.require_case(user, case_id)
    return list(
        db.session.scalars(
            select(Enrolment).where(Enrolment.case_id == case.id).order_by(Enrolment.started_at)
        )
    )


# --- for the web interface ----------------------------------------------------------------


def appointments_of_case(user: User, case_id: uuid.UUID, *, limit: int = 200) -> list[Appointment]:
    """The appointments of a case the user may see (bounded; times, modes and attendance)."""
    case = policy.require_case(user, case_id)
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.case_id == case.id)
            .options(selectinload(Appointment.enrolment))
            .order_by(Appointment.starts_at)
            .limit(limit)
        )
    )


def drafts_to_finish(user: User, *, limit: int = 50) -> list[SessionNote]:
    """The user's own unsigned notes, oldest first (metadata: the body is not read)."""
    return list(
        db.session.scalars(
            select(SessionNote)
            .where(SessionNote.author_id == user.id, SessionNote.state == NoteState.DRAFT)
            .order_by(SessionNote.created_at)
            .limit(limit)
        )
    )


def my_enrolments(user: User, *, limit: int = 200) -> list[tuple[Enrolment, Client]]:
    """A practitioner's active enrolments ("my clients"), with the clients' names read (audited)."""
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .where(
                Enrolment.practitioner_id == user.id,
                Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED]),
            )
            .order_by(Enrolment.started_at)
            .limit(limit)
        )
    )
    data_keys().preload(client_owner(enrolment.client_id) for enrolment in enrolments)
    audit.record_many(
        "client.read",
        actor=user,
        object_type="client",
        objects=[audit.Read(e.client_id, e.client_id) for e in enrolments],
        fields=["given_name", "family_name"],
    )
    clients = {
        client.id: client
        for client in db.session.scalars(
            select(Client).where(Client.id.in_({e.client_id for e in enrolments}))
        )
    }
    return [(enrolment, clients[enrolment.client_id]) for enrolment in enrolments]


def get_appointment(user: User, appointment_id: uuid.UUID) -> Appointment:
    """An appointment the user may see (its practitioner, or the case manager of its case)."""
    appointment, _case = _require_appointment(user, appointment_id)
    return appointment


def notes_of_appointment(user: User, appointment_id: uuid.UUID) -> list[SessionNote]:
    """The notes of one appointment the user may see (outside the joint context); reads audited."""
    appointment, case = _require_appointment(user, appointment_id)
    notes = [
        note
        for note in db.session.scalars(
            select(SessionNote)
            .where(SessionNote.appointment_id == appointment.id)
            .options(selectinload(SessionNote.addenda))
            .order_by(SessionNote.created_at)
        )
        if policy.can_see_note(user, note, case, joint=False)
    ]
    audit.record_many(
        "note.read",
        actor=user,
        object_type="session_note",
        objects=[audit.Read(note.id, note.client_id) for note in notes],
        fields=["body", "addenda"],
    )
    return notes
