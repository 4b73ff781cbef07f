"""Session notes through their services: who reads which, signing, addenda, versions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.care.models import AppointmentMode, Attendance, NoteKind, NoteState
from casework.care.services import appointments, enrolments, notes
from casework.db import db, utcnow
from casework.errors import Conflict, NotFound
from tests.factories import staff


def test_an_individual_disclosure_never_reaches_the_joint_context_or_the_partners_practitioner(
    app: Flask, team, couple_in_care
) -> None:
    with app.app_context():
        couple = couple_in_care()
        manager, case = couple.manager, couple.case
        therapist, therapist2 = staff(team, "therapist"), staff(team, "therapist2")
        enrolment = next(
            e
            for e in enrolments.enrolments_of_case(manager, case.id)
            if e.client_id == couple.first
        )
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() - timedelta(hours=1),
            mode=AppointmentMode.IN_PERSON,
            place="Room 2",
        )
        appointments.record_attendance(
            therapist,
            appointment.id,
            attendance=Attendance.ATTENDED,
            expected_version=appointment.version,
        )
        disclosure = notes.write_note(
            therapist,
            appointment.id,
            kind=NoteKind.PROGRESS,
            body="Discloses fear of partner.",
            is_individual=True,
        )
        shared = notes.write_note(
            therapist, appointment.id, kind=NoteKind.PROGRESS, body="Joint goals agreed."
        )
        for note in (disclosure, shared):
            notes.sign_note(therapist, note.id, expected_version=note.version)
        assert {n.id for n in notes.notes_of_case(therapist2, case.id, joint=False)} == {shared.id}
        assert {n.id for n in notes.notes_of_case(manager, case.id, joint=True)} == {shared.id}
        assert {n.id for n in notes.notes_of_case(manager, case.id, joint=False)} == {
            shared.id,
            disclosure.id,
        }
        with pytest.raises(NotFound):
            notes.read_note(therapist2, disclosure.id)
        assert notes.read_note(therapist, disclosure.id).body == "Discloses fear of partner."


def test_a_signed_note_is_immutable_and_corrected_by_an_addendum(
    app: Flask, team, couple_in_care, appointment_of
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        note = notes.write_note(
            therapist, appointment.id, kind=NoteKind.PRIVATE, body="Hypothesis A."
        )
        notes.sign_note(therapist, note.id, expected_version=note.version)
        with pytest.raises(Conflict, match="add an addendum"):
            notes.update_draft(therapist, note.id, body="Changed", expected_version=note.version)
        notes.add_addendum(therapist, note.id, body="Hypothesis A was wrong; see session 3.")
        read = notes.read_note(therapist, note.id)
        assert read.body == "Hypothesis A." and [a.body for a in read.addenda] == [
            "Hypothesis A was wrong; see session 3."
        ]
        assert notes.read_note(staff(team, "supervisor"), note.id).body == "Hypothesis A."
        with pytest.raises(NotFound):
            notes.read_note(couple.manager, note.id)  # private: author and supervisor only


def test_a_hidden_note_reads_exactly_like_a_missing_one(
    app: Flask, team, couple_in_care, appointment_of
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="x")
        outsider = staff(team, "other_manager")
        messages = []
        for note_id in (note.id, uuid.uuid4()):
            with pytest.raises(NotFound) as missing:
                notes.read_note(outsider, note_id)
            messages.append(str(missing.value))
        assert messages == ["no such note", "no such note"]


def test_signing_keeps_the_text_on_the_authors_screen(
    app: Flask, team, couple_in_care, appointment_of
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="Draft.")
        signed = notes.save_and_sign(
            therapist, note.id, body="Draft, finished.", expected_version=note.version
        )
        assert signed.state == NoteState.SIGNED and signed.body == "Draft, finished."
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(note.id))
            .order_by(AuditEvent.seq)
        ).all()
        assert actions == ["note.create", "note.update", "note.sign"]


def test_signing_an_unchanged_draft_saves_nothing(
    app: Flask, team, couple_in_care, appointment_of
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="Same.")
        notes.save_and_sign(therapist, note.id, body="Same.", expected_version=note.version)
        updates = db.session.scalar(
            select(func.count()).where(
                AuditEvent.object_id == str(note.id), AuditEvent.action == "note.update"
            )
        )
        assert note.state == NoteState.SIGNED and updates == 0


def test_a_note_changed_meanwhile_is_not_signed_from_a_stale_page(
    app: Flask, team, couple_in_care, appointment_of
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        note = notes.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="One.")
        seen = note.version
        notes.update_draft(therapist, note.id, body="Two.", expected_version=seen)
        with pytest.raises(Conflict, match="changed by someone else"):
            notes.save_and_sign(therapist, note.id, body="One, signed.", expected_version=seen)
        with pytest.raises(Conflict, match="changed by someone else"):
            notes.sign_note(therapist, note.id, expected_version=seen)
        assert note.state == NoteState.DRAFT and note.body == "Two."


def test_a_stale_appointment_version_records_no_attendance(
    app: Flask, team, couple_in_care, appointment_of
) -> None:
    with app.app_context():
        couple = couple_in_care()
        therapist = staff(team, "therapist")
        appointment = appointment_of(couple, couple.first, therapist)
        seen = appointment.version
        appointments.record_attendance(
            therapist, appointment.id, attendance=Attendance.ATTENDED, expected_version=seen
        )
        with pytest.raises(Conflict):
            appointments.record_attendance(
                therapist, appointment.id, attendance=Attendance.NO_SHOW, expected_version=seen
            )
        assert appointment.attendance == Attendance.ATTENDED
