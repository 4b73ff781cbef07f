"""The group-run pages: my runs, a run (roster, waitlist, meetings), the attendance sheet of a
meeting, and enrolling a case participant in a run from the case page."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casework.auth.models import Role
from casework.catalogue.services import list_services
from casework.db import utcnow
from casework.errors import DomainError, NotFound
from casework.form_errors import show_on_form
from casework.groups import completion, services
from casework.groups.forms import CaseGroupForm, MeetingForm, attendance_sheet_form
from casework.groups.models import GroupEnrolmentStatus, MeetingPresence
from casework.policy import may_see_group_runs

bp = Blueprint("group_pages", __name__, template_folder="templates")


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _require_clinical() -> None:
    if not may_see_group_runs(_me()):
        raise NotFound("no such page")


def _service_names() -> dict[str, str]:
    language = str(_me().preferred_language.value)
    return {s.code: s.label(language) for s in list_services(include_inactive=True)}


def _refuse(error: DomainError) -> None:
    """A refusal becomes a message on the page; a hidden object stays a 404."""
    if error.status == 404:
        raise error
    flash(error.message, "error")


@bp.route("/groups")
@login_required
def runs() -> str:
    """The runs I facilitate (everyone's with ?all=1; case managers see all of them)."""
    _require_clinical()
    show_all = request.args.get("all") == "1" or not _me().has_role(Role.FACILITATOR)
    page = services.list_runs(
        _me(),
        facilitated_by_me=not show_all,
        cursor=request.args.get("after") or None,
        limit=50,
    )
    return render_template(
        "groups/runs.html", page=page, show_all=show_all, service_names=_service_names()
    )


@bp.route("/groups/<uuid:run_id>", methods=["GET", "POST"])
@login_required
def run(run_id: uuid.UUID) -> str | Response:
    """A run: seats, the roster and the waitlist in order, meetings, and a new meeting."""
    form = MeetingForm()
    if request.method == "POST" and form.validate_on_submit():
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        starts = datetime.combine(form.day.data, form.starts.data, tzinfo=zone)
        try:
            services.schedule_meeting(
                _me(),
                run_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=form.minutes.data or 90),
                place=form.place.data,
                topic=form.topic.data,
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The meeting is scheduled."), "info")
            return redirect(url_for("group_pages.run", run_id=run_id))
    page = services.run_page(_me(), run_id)
    return render_template(
        "groups/run.html",
        page=page,
        lifecycle=completion.run_lifecycle(_me(), run_id),
        form=form,
        service_names=_service_names(),
        now=utcnow(),
    )


@bp.route("/groups/enrolments/<uuid:enrolment_id>/withdraw", methods=["POST"])
@login_required
def withdraw(enrolment_id: uuid.UUID) -> Response:
    version = request.form.get("version", "")
    try:
        enrolment = services.withdraw(
            _me(),
            enrolment_id,
            expected_version=int(version) if version.isascii() and version.isdigit() else None,
        )
    except DomainError as error:
        _refuse(error)
        return redirect(url_for("group_pages.runs"))
    flash(_("The person is withdrawn; a freed seat went to the first person waiting."), "info")
    return redirect(url_for("group_pages.run", run_id=enrolment.run_id))


@bp.route("/groups/enrolments/<uuid:enrolment_id>/complete", methods=["POST"])
@login_required
def complete(enrolment_id: uuid.UUID) -> Response:
    version = request.form.get("version", "")
    try:
        enrolment = completion.complete(
            _me(),
            enrolment_id,
            expected_version=int(version) if version.isascii() and version.isdigit() else None,
        )
    except DomainError as error:
        _refuse(error)
        return redirect(url_for("group_pages.runs"))
    flash(_("The participation is recorded as completed."), "info")
    return redirect(url_for("group_pages.run", run_id=enrolment.run_id))


@bp.route("/groups/<uuid:run_id>/complete-from-attendance", methods=["POST"])
@login_required
def complete_from_attendance(run_id: uuid.UUID) -> Response:
    try:
        count = completion.complete_run_from_attendance(_me(), run_id)
    except DomainError as error:
        _refuse(error)
    else:
        flash(_("Completed from attendance: %(count)d.", count=count), "info")
    return redirect(url_for("group_pages.run", run_id=run_id))


@bp.route("/groups/meetings/<uuid:meeting_id>", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: uuid.UUID) -> str | Response:
    """The attendance sheet of a meeting: one form, a row per participant."""
    meeting, group_run, rows = services.attendance_sheet(_me(), meeting_id)
    fields = {f"p-{row.enrolment.id}": row for row in rows}
    form = attendance_sheet_form(
        [
            (name, row.name, row.presence.value if row.presence else None)
            for name, row in fields.items()
        ]
    )
    if request.method == "POST" and form.validate_on_submit():
        entries = [
            services.Presence(row.enrolment.id, MeetingPresence(form[name].data))
            for name, row in fields.items()
            if form[name].data in {p.value for p in MeetingPresence}
        ]
        try:
            services.record_attendance(_me(), meeting_id, entries)
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The attendance is recorded."), "info")
            return redirect(url_for("group_pages.attendance", meeting_id=meeting_id))
    return render_template(
        "groups/attendance.html",
        meeting=meeting,
        run=group_run,
        form=form,
        fields=list(fields),
        now=utcnow(),
    )


@bp.route("/cases/<uuid:case_id>/group-runs", methods=["GET", "POST"])
@login_required
def enrol_case(case_id: uuid.UUID) -> str | Response:
    """Enrol a participant of the case in a group run: a seat, or the next place waiting."""
    options = services.case_group_options(_me(), case_id)
    form = CaseGroupForm()
    form.client.choices = [(str(client_id), name) for client_id, name in options.participants]
    form.run.choices = [(str(figures.run.id), figures.run.name) for figures in options.runs]
    if request.method == "POST" and form.validate_on_submit():
        try:
            enrolment = services.enrol(
                _me(),
                uuid.UUID(form.run.data),
                client_id=uuid.UUID(form.client.data),
                case_id=case_id,
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            if enrolment.status == GroupEnrolmentStatus.ACTIVE:
                flash(_("The participant has a seat in the group run."), "info")
            else:
                flash(
                    _(
                        "The group run is full: the participant is number %(position)d on "
                        "its waitlist.",
                        position=enrolment.waitlist_position or 0,
                    ),
                    "info",
                )
            return redirect(url_for("case_pages.show", case_id=case_id))
    return render_template(
        "groups/enrol_case.html", options=options, form=form, service_names=_service_names()
    )
