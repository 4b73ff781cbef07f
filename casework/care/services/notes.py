"""Session notes: a draft by the appointment's practitioner, signed once, then corrected only by
addenda; who reads which note is the policy's `can_see_note`, and every read is audited."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import NoteAddendum, NoteKind, NoteState, SessionNote
from casework.care.services.appointments import require_appointment
from casework.cases.models import Case, CaseKind
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db, utcnow
from casework.errors import (
    N_,
    Conflict,
    Forbidden,
    NotFound,
    ValidationError,
    check_version,
    require_text,
)

#: The fields a read of a note reveals.
NOTE_CONTENT = ("body", "addenda")


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
    appointment, case = require_appointment(user, appointment_id)
    if not policy.may_write_notes(user, appointment):
        raise Forbidden("only the practitioner of the appointment writes its notes")
    require_text(body, field="body", message=N_("a note needs text"))
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
    audit.record_change("note.create", note, actor=user, fields=["body"])
    db.session.flush()
    return note


def _require_note(user: User, note_id: uuid.UUID, *, joint: bool = False) -> SessionNote:
    note = policy.require_visible(user, SessionNote, note_id, what="note")
    case = db.session.get(Case, note.case_id) if note.case_id else None
    if not policy.can_see_note(user, note, case, joint=joint):
        raise NotFound("no such note")
    return note


def _require_own_note(user: User, note_id: uuid.UUID, *, refusal: str) -> SessionNote:
    note = _require_note(user, note_id)
    if not policy.may_change_note(user, note):
        raise Forbidden(refusal)
    return note


def read_note(user: User, note_id: uuid.UUID, *, joint: bool = False) -> SessionNote:
    """A note the user may see in this context (the joint one hides individual disclosures)."""
    note = _require_note(user, note_id, joint=joint)
    audit.record_change("note.read", note, actor=user, fields=NOTE_CONTENT)
    return note


def update_draft(
    user: User, note_id: uuid.UUID, *, body: str, expected_version: int
) -> SessionNote:
    """Change the text of one's own draft."""
    note = _require_own_note(user, note_id, refusal=N_("only the author edits a draft"))
    check_version(note, expected_version, N_("note"))
    if note.state == NoteState.SIGNED:
        raise Conflict("a signed note cannot change; add an addendum instead")
    require_text(body, field="body", message=N_("a note needs text"))
    note.body = body
    audit.record_change("note.update", note, actor=user, fields=["body"])
    db.session.flush()
    return note


def sign_note(user: User, note_id: uuid.UUID, *, expected_version: int) -> SessionNote:
    """Sign one's own draft: from now on it never changes."""
    note = _require_own_note(user, note_id, refusal=N_("only the author signs a note"))
    check_version(note, expected_version, N_("note"))
    if note.state == NoteState.SIGNED:
        raise Conflict("this note is already signed")
    note.state = NoteState.SIGNED
    note.signed_at = utcnow()
    audit.record_change("note.sign", note, actor=user, fields=["state", *NOTE_CONTENT])
    db.session.flush()
    return note


def save_and_sign(
    user: User, note_id: uuid.UUID, *, body: str, expected_version: int
) -> SessionNote:
    """Sign a draft as it reads on the author's screen: a changed `body` is saved first."""
    note = _require_note(user, note_id)
    if body.strip() and body != note.body:
        expected_version = update_draft(
            user, note_id, body=body, expected_version=expected_version
        ).version
    return sign_note(user, note_id, expected_version=expected_version)


def add_addendum(user: User, note_id: uuid.UUID, *, body: str) -> NoteAddendum:
    """Correct a signed note: the note stays as signed, the addendum follows it."""
    note = _require_own_note(
        user, note_id, refusal=N_("only the author adds an addendum to a note")
    )
    if note.state != NoteState.SIGNED:
        raise Conflict("a draft is edited, not amended; sign it first")
    require_text(body, field="body", message=N_("an addendum needs text"))
    addendum = NoteAddendum(note_id=note.id, client_id=note.client_id, author_id=user.id)
    addendum.body = body
    db.session.add(addendum)
    audit.record_change("note.addendum", note, actor=user, fields=["addenda"])
    db.session.flush()
    return addendum


def _audit_reads(user: User, notes: list[SessionNote]) -> None:
    audit.record_many(
        "note.read",
        actor=user,
        object_type=SessionNote.__audit_type__,
        objects=[audit.Read(note.id, note.client_id) for note in notes],
        fields=NOTE_CONTENT,
    )


def notes_of_case(user: User, case_id: uuid.UUID, *, joint: bool) -> list[SessionNote]:
    """The notes of a case the user may see in this context; each read is audited."""
    case = policy.require_case(user, case_id)
    # The addenda come joined to their notes: one statement for both (a note has few).
    query = (
        select(SessionNote)
        .where(SessionNote.case_id == case.id)
        .options(joinedload(SessionNote.addenda))
        .order_by(SessionNote.created_at)
    )
    notes = [
        n
        for n in db.session.scalars(query).unique()
        if policy.can_see_note(user, n, case, joint=joint)
    ]
    data_keys().preload(client_owner(note.client_id) for note in notes)
    _audit_reads(user, notes)
    return notes


def notes_of_appointment(user: User, appointment_id: uuid.UUID) -> list[SessionNote]:
    """The notes of one appointment the user may see (outside the joint context); reads audited."""
    appointment, case = require_appointment(user, appointment_id)
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
    _audit_reads(user, notes)
    return notes


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
