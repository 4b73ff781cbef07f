"""Enrolment, appointments (one or weekly; rescheduled and cancelled from the agenda) and
attendance, the agenda and its secret calendar feed, "my clients" and the session-note editor
(draft, sign, addendum; progress or private; individual or joint context)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.auth.fresh import require_fresh_sign_in
from casework.care import pages
from casework.care.forms import (
    AddendumForm,
    AppointmentForm,
    AttendanceForm,
    CalendarFeedForm,
    CancelForm,
    DraftForm,
    EnrolForm,
    NoteActionForm,
    NoteForm,
    RescheduleForm,
)
from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.care.services import appointments, calendar, enrolments, notes
from casework.clock import centre_zone
from casework.errors import DomainError, NotFound, ValidationError
from casework.web.errors import refuse_on_page, show_on_form
from casework.web.input import whole_number

bp = Blueprint("care_pages", __name__, template_folder="templates")


@bp.route("/cases/<uuid:case_id>/enrolments", methods=["POST"])
@login_required
def enrol(case_id: uuid.UUID) -> Response:
    form = EnrolForm()
    try:
        enrolments.enrol(
            current_staff(),
            case_id,
            client_id=uuid.UUID(form.client.data or ""),
            service_code=form.service.data or "",
            practitioner_id=uuid.UUID(form.practitioner.data) if form.practitioner.data else None,
        )
    except ValueError:
        flash(_("Choose a participant."), "error")
    except DomainError as error:
        refuse_on_page(error)
    else:
        flash(_("The client is enrolled."), "info")
    return redirect(url_for("casefile_pages.show", case_id=case_id))


@bp.route("/cases/<uuid:case_id>/appointments", methods=["POST"])
@login_required
def schedule(case_id: uuid.UUID) -> Response:
    form = AppointmentForm()
    form.enrolment.choices = [(form.enrolment.data, "")]  # the service checks the enrolment
    if not form.validate_on_submit():
        for name, problems in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {' '.join(map(str, problems))}", "error")
        return redirect(url_for("casefile_pages.show", case_id=case_id))
    starts = datetime.combine(form.day.data, form.starts.data, tzinfo=centre_zone())
    try:
        appointments.schedule_appointment(
            current_staff(),
            uuid.UUID(form.enrolment.data or ""),
            starts_at=starts,
            ends_at=starts + timedelta(minutes=form.minutes.data or 50),
            mode=AppointmentMode(form.mode.data),
            place=form.place.data,
            is_joint=bool(form.is_joint.data),
            weeks=form.weeks.data or 1,
        )
    except ValueError:
        flash(_("Choose an enrolment."), "error")
    except DomainError as error:
        refuse_on_page(error)
    else:
        flash(_("The appointment is scheduled."), "info")
    return redirect(url_for("casefile_pages.show", case_id=case_id))


@bp.route("/agenda")
@login_required
def agenda_page() -> str:
    """The week's appointments from today (in the centre's time zone)."""
    weeks = whole_number(request.args.get("week"), signed=True) or 0
    page = pages.agenda_week(current_staff(), weeks=weeks)
    return render_template(
        "care/agenda.html",
        rows=page.rows,
        is_cut=page.is_cut,
        limit=pages.AGENDA_LIMIT,
        start=page.start,
        weeks=page.weeks,
        cancel_form=CancelForm(formdata=None, week=page.weeks),
        level_names=pages.level_names(),
    )


@bp.route("/appointments/<uuid:appointment_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(appointment_id: uuid.UUID) -> str | Response:
    """Move an appointment to another day, time or room."""
    form = RescheduleForm()
    if form.validate_on_submit():
        starts = datetime.combine(form.day.data, form.starts.data, tzinfo=centre_zone())
        try:
            moved = appointments.reschedule_appointment(
                current_staff(),
                appointment_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=form.minutes.data or 50),
                place=form.place.data,
                expected_version=form.expected_version,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The appointment is moved."), "info")
            return redirect(url_for("care_pages.agenda_page", week=pages.week_of(moved)))
    page = pages.appointment_page(current_staff(), appointment_id)
    if not form.is_submitted():
        form = RescheduleForm(
            formdata=None,
            day=page.local_start.date(),
            starts=page.local_start.time(),
            minutes=page.minutes,
            place=page.appointment.place,
            version=page.appointment.version,
        )
    return render_template(
        "care/reschedule.html", page=page, form=form, level_names=pages.LEVEL_LABELS
    )


@bp.route("/appointments/<uuid:appointment_id>/cancel", methods=["POST"])
@login_required
def cancel(appointment_id: uuid.UUID) -> Response:
    form = CancelForm()
    if not form.validate_on_submit():
        for problem in [*form.form_errors, *form.cancelled.errors]:
            flash(str(problem), "error")
    else:
        try:
            called_off = appointments.cancel_appointment(
                current_staff(),
                appointment_id,
                cancelled=Attendance(form.cancelled.data),
                expected_version=form.expected_version,
                with_later_in_series=bool(form.with_later_in_series.data),
            )
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(
                ngettext(
                    "%(num)d appointment is cancelled.",
                    "%(num)d appointments are cancelled.",
                    len(called_off),
                ),
                "info",
            )
    return redirect(url_for("care_pages.agenda_page", week=form.week.data or 0))


@bp.route("/agenda/calendar", methods=["GET"])
@login_required
def calendar_feed_page() -> str:
    """One's calendar address: made (shown once), replaced or revoked."""
    return _calendar_page(CalendarFeedForm(), None)


@bp.route("/agenda/calendar", methods=["POST"])
@login_required
@require_fresh_sign_in
def make_calendar_feed() -> str:
    """A new address is a credential that works without signing in: like an API token, it needs
    a fresh sign-in."""
    form = CalendarFeedForm()
    address = None
    if form.validate_on_submit():
        try:
            _feed, secret = calendar.create_feed(current_staff())
        except DomainError as error:
            refuse_on_page(error)
        else:
            address = url_for("care_pages.calendar_file", secret=secret, _external=True)
    return _calendar_page(form, address)


def _calendar_page(form: CalendarFeedForm, address: str | None) -> str:
    return render_template(
        "care/calendar.html",
        feed=pages.calendar_page(current_staff()),
        address=address,
        form=form,
    )


@bp.route("/agenda/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_feed() -> Response:
    if CalendarFeedForm().validate_on_submit() and calendar.revoke_feed(current_staff()):
        flash(_("The calendar address no longer works."), "info")
    return redirect(url_for("care_pages.calendar_feed_page"))


@bp.route("/calendar/<secret>.ics")
def calendar_file(secret: str) -> Response:
    """The feed a calendar application reads: no sign-in, the secret address is the key."""
    try:
        text = pages.calendar_feed(secret)
    except NotFound:
        abort(404)
    response = Response(text, mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/my-clients")
@login_required
def my_clients() -> str:
    # A changed or foreign cursor leads to the first page (casework.web.errors).
    cursor = request.args.get("after") or None
    page = pages.my_clients(current_staff(), cursor=cursor)
    return render_template(
        "care/my_clients.html",
        rows=page.rows,
        next_cursor=page.next_cursor,
        cursor=cursor,
        level_names=pages.level_names(),
    )


@bp.route("/appointments/<uuid:appointment_id>", methods=["GET", "POST"])
@login_required
def appointment(appointment_id: uuid.UUID) -> str | Response:
    """An appointment: its attendance, its notes, and a new note by its practitioner."""
    form = NoteForm()
    if form.validate_on_submit():
        try:
            note = notes.write_note(
                current_staff(),
                appointment_id,
                kind=NoteKind(form.kind.data),
                body=form.body.data or "",
                is_individual=bool(form.is_individual.data),
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The draft note is saved."), "info")
            return redirect(url_for("care_pages.note", note_id=note.id))
    page = pages.appointment_page(current_staff(), appointment_id)
    attendance_form = AttendanceForm(
        formdata=None,
        attendance=page.appointment.attendance.value,
        version=page.appointment.version,
    )
    return render_template(
        "care/appointment.html",
        appointment=page.appointment,
        notes=page.notes,
        form=form,
        attendance_form=attendance_form,
        is_practitioner=page.is_practitioner,
        page_who=page.who,
        level_names=pages.LEVEL_LABELS,
    )


@bp.route("/appointments/<uuid:appointment_id>/attendance", methods=["POST"])
@login_required
def attendance(appointment_id: uuid.UUID) -> Response:
    form = AttendanceForm()
    if not form.validate_on_submit():
        for problem in form.form_errors:
            flash(str(problem), "error")
        if form.attendance.errors:
            flash(_("Choose the attendance."), "error")
    else:
        try:
            appointments.record_attendance(
                current_staff(),
                appointment_id,
                attendance=Attendance(form.attendance.data),
                expected_version=form.expected_version,
            )
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(_("The attendance is recorded."), "info")
    return redirect(url_for("care_pages.appointment", appointment_id=appointment_id))


@bp.route("/notes/<uuid:note_id>", methods=["GET", "POST"])
@login_required
def note(note_id: uuid.UUID) -> str | Response:
    """A note: the draft editor, signing, and addenda to a signed note."""
    action = NoteActionForm().action.data
    if action in ("save", "sign"):
        return _save_draft(note_id, sign=action == "sign")
    if action == "addendum":
        return _add_addendum(note_id)
    return _note_page(note_id)


def _save_draft(note_id: uuid.UUID, *, sign: bool) -> str | Response:
    """Save the draft, or sign it as it reads on the screen."""
    form = DraftForm()
    if form.validate_on_submit():
        use_case = notes.save_and_sign if sign else notes.update_draft
        try:
            use_case(
                current_staff(),
                note_id,
                body=form.body.data or "",
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            show_on_form(form, error)
        except DomainError as error:
            refuse_on_page(error)
            return redirect(url_for("care_pages.note", note_id=note_id))
        else:
            if sign:
                flash(_("The note is signed; it can no longer change."), "info")
            else:
                flash(_("The draft note is saved."), "info")
            return redirect(url_for("care_pages.note", note_id=note_id))
    return _note_page(note_id, draft_form=form)


def _add_addendum(note_id: uuid.UUID) -> str | Response:
    form = AddendumForm()
    if form.validate_on_submit():
        try:
            notes.add_addendum(current_staff(), note_id, body=form.body.data or "")
        except ValidationError as error:
            show_on_form(form, error)
        except DomainError as error:
            refuse_on_page(error)
            return redirect(url_for("care_pages.note", note_id=note_id))
        else:
            flash(_("The addendum is added."), "info")
            return redirect(url_for("care_pages.note", note_id=note_id))
    return _note_page(note_id, addendum_form=form)


def _note_page(
    note_id: uuid.UUID,
    *,
    draft_form: DraftForm | None = None,
    addendum_form: AddendumForm | None = None,
) -> str:
    page = pages.note_page(current_staff(), note_id)
    if draft_form is None:
        draft_form = DraftForm(formdata=None, body=page.note.body, version=page.note.version)
    return render_template(
        "care/note.html",
        note=page.note,
        draft_form=draft_form,
        addendum_form=addendum_form or AddendumForm(formdata=None),
        is_author=page.is_author,
    )
