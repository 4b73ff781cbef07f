"""The group-run pages: my runs, a run (roster, waitlist, meetings), the attendance sheet of a
meeting, and enrolling a case participant in a run from the case page."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework import policy
from casework.auth.current import current_staff
from casework.care.models import Attendance
from casework.clients.names import client_display_name
from casework.errors import DomainError
from casework.groups import pages
from casework.groups.forms import (
    CaseGroupForm,
    EnrolPersonForm,
    MeetingForm,
    MentoringAttendanceForm,
    MentoringForm,
    WithdrawForm,
    attendance_sheet_form,
)
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus
from casework.groups.services import completion, enrolments, meetings, mentoring
from casework.groups.services.leaders import run_leaders
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.labels import choices
from casework.web.paging import page_cursor

bp = Blueprint("group_pages", __name__, template_folder="templates")


@bp.route("/groups")
@login_required
def runs() -> str:
    """The runs I facilitate (everyone's with ?all=1; case managers see all of them)."""
    page = pages.runs_page(
        current_staff(),
        show_all=request.args.get("all") == "1",
        cursor=page_cursor(),
    )
    return render_template("groups/runs.html", page=page)


@bp.route("/groups/<uuid:run_id>", methods=["GET", "POST"])
@login_required
def run(run_id: uuid.UUID) -> str | Response:
    """A run: seats, the roster and the waitlist in order, meetings, and a new meeting."""
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meetings.schedule_meeting(
                current_staff(),
                run_id,
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                place=form.place.data,
                topic=form.topic.data,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The meeting is scheduled."), "info")
            return redirect(url_for("group_pages.run", run_id=run_id))
    return _run_page(run_id, form=form)


def _run_page(
    run_id: uuid.UUID,
    *,
    form: MeetingForm | None = None,
    enrol_form: EnrolPersonForm | None = None,
    mentoring_form: MentoringForm | None = None,
) -> str:
    page = pages.run_page(current_staff(), run_id)
    seated = [(m.enrolment.id, client_display_name(m.client)) for m in page.seated]
    return render_template(
        "groups/run.html",
        page=page,
        form=form or MeetingForm(formdata=None),
        leaders=run_leaders(current_staff(), run_id),
        enrol_form=enrol_form or EnrolPersonForm.offering(page.enrollable),
        mentoring_form=mentoring_form or MentoringForm.offering(seated, page.mentors),
        attendance_choices=choices(Attendance),
    )


@bp.route("/groups/<uuid:run_id>/enrol", methods=["POST"])
@login_required
def enrol_person(run_id: uuid.UUID) -> str | Response:
    """Enrol a person directly (clubs, courses): a seat, or the next place waiting."""
    page = pages.run_page(current_staff(), run_id)
    policy.require_group_run_manager(current_staff(), page.figures.run)
    form = EnrolPersonForm.offering(page.enrollable)
    if form.validate_on_submit():
        try:
            enrolment = enrolments.enrol(current_staff(), run_id, client_id=form.client_id)
        except DomainError as error:
            show_on_form(form, error)
        else:
            _flash_enrolled(enrolment)
            return redirect(url_for("group_pages.run", run_id=run_id))
    return _run_page(run_id, enrol_form=form)


def _flash_enrolled(enrolment: GroupEnrolment) -> None:
    if enrolment.status == GroupEnrolmentStatus.ACTIVE:
        flash(_("The participant has a seat in the group run."), "info")
    else:
        flash(
            _(
                "The group run is full: the participant is number %(position)d on its waitlist.",
                position=enrolment.waitlist_position or 0,
            ),
            "info",
        )


@bp.route("/groups/<uuid:run_id>/mentoring", methods=["POST"])
@login_required
def schedule_mentoring(run_id: uuid.UUID) -> str | Response:
    """Record a mentoring session of a cohort member."""
    page = pages.run_page(current_staff(), run_id)
    policy.require_group_run_manager(current_staff(), page.figures.run)
    seated = [(m.enrolment.id, client_display_name(m.client)) for m in page.seated]
    form = MentoringForm.offering(seated, page.mentors)
    if form.validate_on_submit():
        try:
            mentoring.schedule_mentoring(
                current_staff(),
                form.enrolment_id,
                mentor_id=form.mentor_id,
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The mentoring session is recorded."), "info")
            return redirect(url_for("group_pages.run", run_id=run_id))
    return _run_page(run_id, mentoring_form=form)


@bp.route("/groups/mentoring/<uuid:session_id>/attendance", methods=["POST"])
@login_required
def mentoring_attendance(session_id: uuid.UUID) -> Response:
    """Mark whether the member came to a mentoring session (its mentor or the run's managers)."""
    form = MentoringAttendanceForm()
    if not form.validate_on_submit():
        flash(_("This page is out of date; reload it and try again."), "error")
        return redirect(url_for("group_pages.runs"))
    try:
        session = mentoring.record_mentoring_attendance(
            current_staff(),
            session_id,
            attendance=Attendance(form.attendance.data),
            expected_version=form.expected_version,
        )
    except DomainError as error:
        refuse_on_page(error)
        return redirect(url_for("group_pages.runs"))
    flash(_("The attendance is recorded."), "info")
    return redirect(url_for("group_pages.run", run_id=session.run_id))


@bp.route("/groups/enrolments/<uuid:enrolment_id>/withdraw", methods=["POST"])
@login_required
def withdraw(enrolment_id: uuid.UUID) -> Response:
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("This page is out of date; reload it and try again."), "error")
        return redirect(url_for("group_pages.runs"))
    try:
        enrolment = enrolments.withdraw(
            current_staff(), enrolment_id, expected_version=form.expected_version
        )
    except DomainError as error:
        refuse_on_page(error)
        return redirect(url_for("group_pages.runs"))
    flash(_("The person is withdrawn; a freed seat went to the first person waiting."), "info")
    return redirect(url_for("group_pages.run", run_id=enrolment.run_id))


@bp.route("/groups/enrolments/<uuid:enrolment_id>/complete", methods=["POST"])
@login_required
def complete(enrolment_id: uuid.UUID) -> Response:
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("This page is out of date; reload it and try again."), "error")
        return redirect(url_for("group_pages.runs"))
    try:
        enrolment = completion.complete(
            current_staff(), enrolment_id, expected_version=form.expected_version
        )
    except DomainError as error:
        refuse_on_page(error)
        return redirect(url_for("group_pages.runs"))
    flash(_("The participation is recorded as completed."), "info")
    return redirect(url_for("group_pages.run", run_id=enrolment.run_id))


@bp.route("/groups/<uuid:run_id>/complete-from-attendance", methods=["POST"])
@login_required
def complete_from_attendance(run_id: uuid.UUID) -> Response:
    try:
        count = completion.complete_run_from_attendance(current_staff(), run_id)
    except DomainError as error:
        refuse_on_page(error)
    else:
        flash(_("Completed from attendance: %(count)d.", count=count), "info")
    return redirect(url_for("group_pages.run", run_id=run_id))


@bp.route("/groups/meetings/<uuid:meeting_id>", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: uuid.UUID) -> str | Response:
    """The attendance sheet of a meeting: one form, a row per participant."""
    page = pages.attendance_page(current_staff(), meeting_id)
    form = attendance_sheet_form(page.sheet.rows)
    if form.validate_on_submit():
        try:
            meetings.record_attendance(current_staff(), meeting_id, form.presences())
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The attendance is recorded."), "info")
            return redirect(url_for("group_pages.attendance", meeting_id=meeting_id))
    return render_template("groups/attendance.html", page=page, form=form)


@bp.route("/cases/<uuid:case_id>/group-runs", methods=["GET", "POST"])
@login_required
def enrol_case(case_id: uuid.UUID) -> str | Response:
    """Enrol a participant of the case in a group run: a seat, or the next place waiting."""
    options = pages.case_group_options(current_staff(), case_id)
    form = CaseGroupForm.offering(options)
    if form.validate_on_submit():
        try:
            enrolment = enrolments.enrol(
                current_staff(), form.run_id, client_id=form.client_id, case_id=case_id
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            _flash_enrolled(enrolment)
            return redirect(url_for("casefile_pages.show", case_id=case_id))
    return render_template("groups/enrol_case.html", options=options, form=form)
