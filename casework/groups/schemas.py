"""Group run, enrolment, meeting, attendance and mentoring shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import PageArgsSchema, VersionSchema, text
from casework.care.models import Attendance
from casework.catalogue.models import CAPACITY_CEILING
from casework.groups.models import GroupEnrolmentStatus, MeetingPresence


class GroupRunInSchema(ma.Schema):
    name = text(200, required=True)
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=60))
    #: Omit for the service's default capacity.
    capacity = fields.Integer(validate=validate.Range(1, CAPACITY_CEILING))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)
    is_cohort = fields.Boolean(load_default=False)
    facilitator_ids = fields.List(
        fields.UUID(), load_default=list, validate=validate.Length(max=20)
    )


class GroupRunUpdateSchema(VersionSchema):
    capacity = fields.Integer(validate=validate.Range(1, CAPACITY_CEILING))
    ends_on = fields.Date()


class GroupRunSchema(ma.Schema):
    id = fields.UUID(attribute="run.id")
    name = fields.String(attribute="run.name")
    service_code = fields.String(attribute="run.service_code")
    capacity = fields.Integer(attribute="run.capacity")
    is_cohort = fields.Boolean(attribute="run.is_cohort")
    team_id = fields.UUID(attribute="run.team_id", allow_none=True)
    starts_on = fields.Date(attribute="run.starts_on")
    ends_on = fields.Date(attribute="run.ends_on", allow_none=True)
    facilitator_ids = fields.List(fields.UUID())
    active_count = fields.Integer()
    waitlist_count = fields.Integer()
    version = fields.Integer(attribute="run.version")


class GroupRunArgsSchema(PageArgsSchema):
    service_code = fields.String(validate=validate.Length(max=60))
    is_cohort = fields.Boolean()
    facilitated_by_me = fields.Boolean(load_default=False)


class GroupEnrolmentInSchema(ma.Schema):
    client_id = fields.UUID(required=True)
    #: Omit for people enrolled directly (clubs and courses need no case).
    case_id = fields.UUID(allow_none=True)


class GroupEnrolmentSchema(ma.Schema):
    id = fields.UUID()
    run_id = fields.UUID()
    client_id = fields.UUID()
    case_id = fields.UUID(allow_none=True)
    status = fields.Enum(GroupEnrolmentStatus, by_value=True)
    waitlist_position = fields.Integer(allow_none=True)
    enrolled_at = fields.DateTime()
    activated_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class RosterArgsSchema(PageArgsSchema):
    status = fields.Enum(GroupEnrolmentStatus, by_value=True)


class MeetingInSchema(ma.Schema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    place = text(120, allow_none=True)
    topic = text(200, allow_none=True)


class MeetingSchema(ma.Schema):
    id = fields.UUID()
    run_id = fields.UUID()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    place = fields.String(allow_none=True)
    topic = fields.String(allow_none=True)


class PresenceInSchema(ma.Schema):
    enrolment_id = fields.UUID(required=True)
    presence = fields.Enum(MeetingPresence, by_value=True, required=True)


class AttendanceInSchema(ma.Schema):
    records = fields.List(
        fields.Nested(PresenceInSchema), required=True, validate=validate.Length(min=1, max=500)
    )


class MeetingAttendanceSchema(ma.Schema):
    id = fields.UUID()
    meeting_id = fields.UUID()
    enrolment_id = fields.UUID()
    presence = fields.Enum(MeetingPresence, by_value=True)
    recorded_at = fields.DateTime()


class MentoringInSchema(ma.Schema):
    mentor_id = fields.UUID(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class MentoringSchema(ma.Schema):
    id = fields.UUID()
    enrolment_id = fields.UUID()
    run_id = fields.UUID()
    mentor_id = fields.UUID()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    attendance = fields.Enum(Attendance, by_value=True)
    version = fields.Integer()


class MentoringAttendanceSchema(VersionSchema):
    attendance = fields.Enum(Attendance, by_value=True, required=True)


class ParticipationCountsSchema(ma.Schema):
    """Distinct people of a run by what became of their participation."""

    took_part = fields.Integer()
    completed = fields.Integer()
    withdrew = fields.Integer()
    active = fields.Integer()
    waiting = fields.Integer()


class RunCompletionSchema(ma.Schema):
    completed = fields.Integer()
