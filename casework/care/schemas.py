"""Enrolment, appointment and session-note shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema, VersionSchema, text
from casework.care.models import AppointmentMode, Attendance, EnrolmentStatus, NoteKind, NoteState


class EnrolmentInSchema(ma.Schema):
    client_id = fields.UUID(required=True)
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=60))
    practitioner_id = fields.UUID(allow_none=True)
    #: A supervisor's written reason to enrol despite an exclusion of the latest routing.
    override_reason = fields.String(allow_none=True, validate=validate.Length(max=2000))


class EnrolmentSchema(ma.Schema):
    id = fields.UUID()
    case_id = fields.UUID(allow_none=True)
    client_id = fields.UUID()
    service_code = fields.String()
    practitioner_id = fields.UUID(allow_none=True)
    status = fields.Enum(EnrolmentStatus, by_value=True)
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class EnrolmentEndSchema(VersionSchema):
    status = fields.Enum(EnrolmentStatus, by_value=True, required=True)


class AppointmentInSchema(ma.Schema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    mode = fields.Enum(AppointmentMode, by_value=True, required=True)
    place = text(120, allow_none=True)
    is_joint = fields.Boolean(load_default=False)
    #: Over 1: a weekly series of that many appointments at the same local time.
    weeks = fields.Integer(load_default=1, validate=validate.Range(1, 52))


class RescheduleSchema(VersionSchema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    place = text(120, allow_none=True)


class CancellationSchema(VersionSchema):
    attendance = fields.Enum(
        Attendance,
        by_value=True,
        required=True,
        validate=validate.OneOf([Attendance.CANCELLED_BY_CLIENT, Attendance.CANCELLED_BY_CENTRE]),
    )
    with_later_in_series = fields.Boolean(load_default=False)


class AppointmentSchema(ma.Schema):
    id = fields.UUID()
    enrolment_id = fields.UUID()
    case_id = fields.UUID(allow_none=True)
    practitioner_id = fields.UUID(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    mode = fields.Enum(AppointmentMode, by_value=True)
    place = fields.String(allow_none=True)
    is_joint = fields.Boolean()
    attendance = fields.Enum(Attendance, by_value=True)
    series_id = fields.UUID(allow_none=True)
    version = fields.Integer()


class AgendaArgsSchema(PageArgsSchema):
    starts_from = fields.AwareDateTime(required=True)
    starts_before = fields.AwareDateTime(required=True)
    practitioner_id = fields.UUID()


class AttendanceSchema(VersionSchema):
    attendance = fields.Enum(Attendance, by_value=True, required=True)


class NoteInSchema(ma.Schema):
    kind = fields.Enum(NoteKind, by_value=True, required=True)
    body = text(50_000, required=True)
    is_individual = fields.Boolean(load_default=False)
    client_id = fields.UUID(allow_none=True)


class AddendumSchema(ma.Schema):
    id = fields.UUID()
    author_id = fields.UUID()
    body = fields.String(allow_none=True)
    created_at = fields.DateTime()


class NoteSchema(ma.Schema):
    id = fields.UUID()
    appointment_id = fields.UUID()
    case_id = fields.UUID(allow_none=True)
    client_id = fields.UUID()
    author_id = fields.UUID()
    kind = fields.Enum(NoteKind, by_value=True)
    is_individual = fields.Boolean()
    state = fields.Enum(NoteState, by_value=True)
    body = fields.String(allow_none=True)
    created_at = fields.DateTime()
    signed_at = fields.DateTime(allow_none=True)
    addenda = fields.List(fields.Nested(AddendumSchema))
    version = fields.Integer()


class NoteUpdateSchema(VersionSchema):
    body = text(50_000, required=True)


class AddendumInSchema(ma.Schema):
    body = text(50_000, required=True)
