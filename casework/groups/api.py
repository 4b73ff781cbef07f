"""REST routes for group runs: runs, roster and waitlist, meetings, attendance, mentoring."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import (
    PageArgsSchema,
    VersionSchema,
    current_staff,
    page_of,
    page_response,
)
from casework.groups.schemas import (
    AttendanceInSchema,
    GroupEnrolmentInSchema,
    GroupEnrolmentSchema,
    GroupRunArgsSchema,
    GroupRunInSchema,
    GroupRunSchema,
    GroupRunUpdateSchema,
    MeetingAttendanceSchema,
    MeetingInSchema,
    MeetingSchema,
    MentoringAttendanceSchema,
    MentoringInSchema,
    MentoringSchema,
    ParticipationCountsSchema,
    RosterArgsSchema,
    RunCompletionSchema,
)
from casework.groups.services import completion, enrolments, meetings, mentoring, runs

blp = Blueprint(
    "groups", __name__, url_prefix="/api/v1", description="Group runs, waitlists, attendance"
)


@blp.route("/group-runs")
class GroupRuns(MethodView):
    @blp.arguments(GroupRunArgsSchema, location="query")
    @blp.response(200, page_of(GroupRunSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Group runs with seats taken and waitlist length, newest first."""
        return page_response(runs.list_runs(current_staff(), **args))

    @blp.arguments(GroupRunInSchema)
    @blp.response(201, GroupRunSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Open a run of a group service (supervisors and facilitators)."""
        user = current_staff()
        run = runs.create_run(user, **data)
        return runs.get_run(user, run.id)


@blp.route("/group-runs/<uuid:run_id>")
class GroupRunById(MethodView):
    @blp.response(200, GroupRunSchema)
    def get(self, run_id: uuid.UUID) -> Any:
        return runs.get_run(current_staff(), run_id)

    @blp.arguments(GroupRunUpdateSchema)
    @blp.response(200, GroupRunSchema)
    def patch(self, data: dict[str, Any], run_id: uuid.UUID) -> Any:
        """Change capacity or end date; new seats go at once to the first people waiting."""
        user = current_staff()
        version = data.pop("version")
        runs.update_run(user, run_id, expected_version=version, **data)
        return runs.get_run(user, run_id)


@blp.route("/group-runs/<uuid:run_id>/enrolments")
class GroupRunEnrolments(MethodView):
    @blp.arguments(RosterArgsSchema, location="query")
    @blp.response(200, page_of(GroupEnrolmentSchema))
    def get(self, args: dict[str, Any], run_id: uuid.UUID) -> Any:
        """The roster and waitlist in enrolment order (the run's facilitators and supervisors)."""
        return page_response(enrolments.roster(current_staff(), run_id, **args))

    @blp.arguments(GroupEnrolmentInSchema)
    @blp.response(201, GroupEnrolmentSchema)
    def post(self, data: dict[str, Any], run_id: uuid.UUID) -> Any:
        """A seat if one is free, otherwise the next place on the waitlist."""
        return enrolments.enrol(current_staff(), run_id, **data)


@blp.route("/group-enrolments/<uuid:group_enrolment_id>/withdrawal")
class GroupEnrolmentWithdrawal(MethodView):
    @blp.arguments(VersionSchema)
    @blp.response(200, GroupEnrolmentSchema)
    def post(self, data: dict[str, Any], group_enrolment_id: uuid.UUID) -> Any:
        """Withdraw; a freed seat goes at once to the first person on the waitlist."""
        return enrolments.withdraw(
            current_staff(), group_enrolment_id, expected_version=data["version"]
        )


@blp.route("/group-enrolments/<uuid:group_enrolment_id>/completion")
class GroupEnrolmentCompletion(MethodView):
    @blp.arguments(VersionSchema)
    @blp.response(200, GroupEnrolmentSchema)
    def post(self, data: dict[str, Any], group_enrolment_id: uuid.UUID) -> Any:
        """The facilitator records that a participant completed the run."""
        return completion.complete(
            current_staff(), group_enrolment_id, expected_version=data["version"]
        )


@blp.route("/group-runs/<uuid:run_id>/completion")
class GroupRunCompletion(MethodView):
    @blp.response(200, RunCompletionSchema)
    def post(self, run_id: uuid.UUID) -> Any:
        """An ended run: complete everyone who met the service's attendance threshold."""
        return {"completed": completion.complete_run_from_attendance(current_staff(), run_id)}


@blp.route("/group-runs/<uuid:run_id>/participation")
class GroupRunParticipation(MethodView):
    @blp.response(200, ParticipationCountsSchema)
    def get(self, run_id: uuid.UUID) -> Any:
        """Distinct people who took part, completed, withdrew, hold a seat, wait."""
        return completion.run_participation(current_staff(), run_id)


@blp.route("/group-runs/<uuid:run_id>/meetings")
class GroupRunMeetings(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(MeetingSchema))
    def get(self, args: dict[str, Any], run_id: uuid.UUID) -> Any:
        return page_response(meetings.list_meetings(current_staff(), run_id, **args))

    @blp.arguments(MeetingInSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data: dict[str, Any], run_id: uuid.UUID) -> Any:
        return meetings.schedule_meeting(current_staff(), run_id, **data)


@blp.route("/group-meetings/<uuid:meeting_id>/attendance")
class MeetingAttendance(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(MeetingAttendanceSchema))
    def get(self, args: dict[str, Any], meeting_id: uuid.UUID) -> Any:
        return page_response(meetings.attendance_of(current_staff(), meeting_id, **args))

    @blp.arguments(AttendanceInSchema)
    @blp.response(200, MeetingAttendanceSchema(many=True))
    def post(self, data: dict[str, Any], meeting_id: uuid.UUID) -> Any:
        """Record or correct who was present; returns the meeting's whole attendance."""
        entries = [meetings.Presence(**record) for record in data["records"]]
        return meetings.record_attendance(current_staff(), meeting_id, entries)


@blp.route("/group-enrolments/<uuid:group_enrolment_id>/mentoring-sessions")
class EnrolmentMentoring(MethodView):
    @blp.arguments(MentoringInSchema)
    @blp.response(201, MentoringSchema)
    def post(self, data: dict[str, Any], group_enrolment_id: uuid.UUID) -> Any:
        """An individual mentoring appointment for a member of a cohort."""
        return mentoring.schedule_mentoring(current_staff(), group_enrolment_id, **data)


@blp.route("/group-runs/<uuid:run_id>/mentoring-sessions")
class RunMentoring(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(MentoringSchema))
    def get(self, args: dict[str, Any], run_id: uuid.UUID) -> Any:
        return page_response(mentoring.list_mentoring(current_staff(), run_id, **args))


@blp.route("/mentoring-sessions/<uuid:mentoring_session_id>/attendance")
class MentoringAttendance(MethodView):
    @blp.arguments(MentoringAttendanceSchema)
    @blp.response(200, MentoringSchema)
    def post(self, data: dict[str, Any], mentoring_session_id: uuid.UUID) -> Any:
        return mentoring.record_mentoring_attendance(
            current_staff(),
            mentoring_session_id,
            attendance=data["attendance"],
            expected_version=data["version"],
        )
