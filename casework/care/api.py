"""REST routes for enrolments, appointments and session notes."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import VersionSchema, current_staff, page_of, page_response
from casework.care.schemas import (
    AddendumInSchema,
    AddendumSchema,
    AgendaArgsSchema,
    AppointmentInSchema,
    AppointmentSchema,
    AttendanceSchema,
    CancellationSchema,
    EnrolmentEndSchema,
    EnrolmentInSchema,
    EnrolmentSchema,
    NoteInSchema,
    NoteSchema,
    NoteUpdateSchema,
    RescheduleSchema,
)
from casework.care.services import appointments, enrolments, notes
from casework.case_assessments.schemas import ContextArgsSchema

blp = Blueprint(
    "care", __name__, url_prefix="/api/v1", description="Enrolments, appointments, notes"
)


@blp.route("/cases/<uuid:case_id>/enrolments")
class CaseEnrolments(MethodView):
    @blp.response(200, EnrolmentSchema(many=True))
    def get(self, case_id: uuid.UUID) -> Any:
        return enrolments.enrolments_of_case(current_staff(), case_id)

    @blp.arguments(EnrolmentInSchema)
    @blp.response(201, EnrolmentSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Enrol a participant in a service (individual services need a therapist)."""
        return enrolments.enrol(current_staff(), case_id, **data)


@blp.route("/enrolments/<uuid:enrolment_id>/end")
class EnrolmentEnd(MethodView):
    @blp.arguments(EnrolmentEndSchema)
    @blp.response(200, EnrolmentSchema)
    def post(self, data: dict[str, Any], enrolment_id: uuid.UUID) -> Any:
        return enrolments.end_enrolment(
            current_staff(), enrolment_id, status=data["status"], expected_version=data["version"]
        )


@blp.route("/enrolments/<uuid:enrolment_id>/appointments")
class EnrolmentAppointments(MethodView):
    @blp.arguments(AppointmentInSchema)
    @blp.response(201, AppointmentSchema)
    def post(self, data: dict[str, Any], enrolment_id: uuid.UUID) -> Any:
        return appointments.schedule_appointment(current_staff(), enrolment_id, **data)


@blp.route("/appointments")
class Agenda(MethodView):
    @blp.arguments(AgendaArgsSchema, location="query")
    @blp.response(200, page_of(AppointmentSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Your appointments in a time window (supervisors: a practitioner of their team)."""
        return page_response(appointments.agenda(current_staff(), **args))


@blp.route("/appointments/<uuid:appointment_id>")
class AppointmentById(MethodView):
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    def patch(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Move a scheduled appointment to another time (and room)."""
        return appointments.reschedule_appointment(
            current_staff(),
            appointment_id,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data.get("place"),
            expected_version=data["version"],
        )


@blp.route("/appointments/<uuid:appointment_id>/cancellation")
class AppointmentCancellation(MethodView):
    @blp.arguments(CancellationSchema)
    @blp.response(200, AppointmentSchema(many=True))
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Cancel a scheduled appointment (optionally the later ones of its weekly series);
        answers every appointment cancelled."""
        return appointments.cancel_appointment(
            current_staff(),
            appointment_id,
            cancelled=data["attendance"],
            expected_version=data["version"],
            with_later_in_series=data["with_later_in_series"],
        )


@blp.route("/appointments/<uuid:appointment_id>/attendance")
class AppointmentAttendance(MethodView):
    @blp.arguments(AttendanceSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        return appointments.record_attendance(
            current_staff(),
            appointment_id,
            attendance=data["attendance"],
            expected_version=data["version"],
        )


@blp.route("/appointments/<uuid:appointment_id>/notes")
class AppointmentNotes(MethodView):
    @blp.arguments(NoteInSchema)
    @blp.response(201, NoteSchema)
    def post(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Write a draft note (the appointment's practitioner)."""
        return notes.write_note(current_staff(), appointment_id, **data)


@blp.route("/cases/<uuid:case_id>/notes")
class CaseNotes(MethodView):
    @blp.arguments(ContextArgsSchema, location="query")
    @blp.response(200, NoteSchema(many=True))
    def get(self, args: dict[str, Any], case_id: uuid.UUID) -> Any:
        """The notes you may see; the joint context leaves out individual disclosures."""
        return notes.notes_of_case(current_staff(), case_id, joint=args["context"] == "joint")


@blp.route("/notes/<uuid:note_id>")
class NoteById(MethodView):
    @blp.arguments(ContextArgsSchema, location="query")
    @blp.response(200, NoteSchema)
    def get(self, args: dict[str, Any], note_id: uuid.UUID) -> Any:
        return notes.read_note(current_staff(), note_id, joint=args["context"] == "joint")

    @blp.arguments(NoteUpdateSchema)
    @blp.response(200, NoteSchema)
    def patch(self, data: dict[str, Any], note_id: uuid.UUID) -> Any:
        """Edit a draft (a signed note is immutable: add an addendum)."""
        return notes.update_draft(
            current_staff(), note_id, body=data["body"], expected_version=data["version"]
        )


@blp.route("/notes/<uuid:note_id>/signature")
class NoteSignature(MethodView):
    @blp.arguments(VersionSchema)
    @blp.response(200, NoteSchema)
    def post(self, data: dict[str, Any], note_id: uuid.UUID) -> Any:
        return notes.sign_note(current_staff(), note_id, expected_version=data["version"])


@blp.route("/notes/<uuid:note_id>/addenda")
class NoteAddenda(MethodView):
    @blp.arguments(AddendumInSchema)
    @blp.response(201, AddendumSchema)
    def post(self, data: dict[str, Any], note_id: uuid.UUID) -> Any:
        return notes.add_addendum(current_staff(), note_id, body=data["body"])
