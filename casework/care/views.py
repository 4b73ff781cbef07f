"""Enrolment, appointments and attendance, the agenda, "my clients" and the session-note editor
(draft, sign, addendum; progress or private; individual or joint context)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.care import services
from casework.care.forms import (
    AddendumForm,
    AppointmentForm,
    AttendanceForm,
    DraftForm,
    EnrolForm,
    NoteForm,
)
from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.catalogue.services import list_services
from casework.db import utcnow
from casework.errors import DomainError, ValidationError
from casework.web.current import current_staff
from casework.web.errors import show_on_form
from casework.web.input import local_path, whole_number

bp = Blueprint("care_pages", __name__, template_folder="templates")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _refuse(error: DomainError) -> None:
    """A refusal becomes a message on the page; a hidden object stays a 404."""
    if error.status == 404:
        raise error
    flash(error.message, "error")


@bp.route("/cases/<uuid:case_id>/enrolments", methods=["POST"])
@login_required
def enrol(case_id: uuid.UUID) -> Response:
    form = EnrolForm()
    try:
        services.enrol(
            current_staff(),
            case_id,
            client_id=uuid.UUID(form.client.data or ""),
            service_code=form.service.data or "",
            practitioner_id=uuid.UUID(form.practitioner.data) if form.practitioner.data else None,
        )
    except ValueError:
        flash(_("Choose a participant."), "error")
    except DomainError as error:
        _refuse(error)
    else:
        flash(_("The client is enrolled."), "info")
    return redirect(url_for("case_pages.show", case_id=case_id))


@bp.route("/cases/<uuid:case_id>/appointments", methods=["POST"])
@login_required
def schedule(case_id: uuid.UUID) -> Response:
    form = AppointmentForm()
    form.enrolment.choices = [(form.enrolment.data, "")]  # the service checks the enrolment
    if not form.validate_on_submit():
        for name, problems in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {' '.join(map(str, problems))}", "error")
        return redirect(url_for("case_pages.show", case_id=case_id))
    starts = datetime.combine(form.day.data, form.starts.data, tzinfo=_zone())
    try:
        services.schedule_appointment(
            current_staff(),
            uuid.UUID(form.enrolment.data or ""),
            starts_at=starts,
            ends_at=starts + timedelta(minutes=form.minutes.data or 50),
            mode=AppointmentMode(form.mode.data),
            place=form.place.data,
            is_joint=bool(form.is_joint.data),
        )
    except ValueError:
        flash(_("Choose an enrolment."), "error")
    except DomainError as error:
        _refuse(error)
    else:
        flash(_("The appointment is scheduled."), "info")
    return redirect(url_for("case_pages.show", case_id=case_id))


@bp.route("/agenda")
@login_required
def agenda_page() -> str:
    """The week's appointments from today (in the centre's time zone)."""
    zone = _zone()
    offset = request.args.get("week", "0")
    weeks = max(-520, min(520, whole_number(offset, signed=True) or 0))
    today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today + timedelta(weeks=weeks)
    page = services.agenda(
        current_staff(), starts_from=start, starts_before=start + timedelta(days=7), limit=200
    )
    return render_template(
        "care/agenda.html", appointments=page.items, start=start, weeks=weeks, now=utcnow()
    )


@bp.route("/my-clients")
@login_required
def my_clients() -> str:
    language = str(current_staff().preferred_language.value)
    names = {
        service.code: service.label(language) for service in list_services(include_inactive=True)
    }
    return render_template(
        "care/my_clients.html", rows=services.my_enrolments(current_staff()), names=names
    )


@bp.route("/appointments/<uuid:appointment_id>", methods=["GET", "POST"])
@login_required
def appointment(appointment_id: uuid.UUID) -> str | Response:
    """An appointment: its attendance, its notes, and a new note by its practitioner."""
    item = services.get_appointment(current_staff(), appointment_id)
    form = NoteForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            note = services.write_note(
                current_staff(),
                appointment_id,
                kind=NoteKind(form.kind.data),
                body=form.body.data or "",
                is_individual=bool(form.is_individual.data),
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The draft note is saved."), "info")
            return redirect(url_for("care_pages.note", note_id=note.id))
    notes = services.notes_of_appointment(current_staff(), appointment_id)
    attendance = AttendanceForm(formdata=None, attendance=item.attendance.value)
    return render_template(
        "care/appointment.html",
        appointment=item,
        notes=notes,
        form=form,
        attendance_form=attendance,
        is_practitioner=item.practitioner_id == current_staff().id,
    )


@bp.route("/appointments/<uuid:appointment_id>/attendance", methods=["POST"])
@login_required
def attendance(appointment_id: uuid.UUID) -> Response:
    form = AttendanceForm()
    version = form.version.data or ""
    try:
        services.record_attendance(
            current_staff(),
            appointment_id,
            attendance=Attendance(form.attendance.data),
            expected_version=whole_number(version),
        )
    except ValueError:
        flash(_("Choose the attendance."), "error")
    except DomainError as error:
        _refuse(error)
    else:
        flash(_("The attendance is recorded."), "info")
    here = url_for("care_pages.appointment", appointment_id=appointment_id)
    return redirect(local_path(request.form.get("back"), here))


@bp.route("/notes/<uuid:note_id>", methods=["GET", "POST"])
@login_required
def note(note_id: uuid.UUID) -> str | Response:
    """A note: the draft editor, signing, and addenda to a signed note."""
    item = services.read_note(current_staff(), note_id)
    draft_form = DraftForm(formdata=None, body=item.body, version=str(item.version))
    addendum_form = AddendumForm(formdata=None)
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "save":
                draft_form = DraftForm()
                if draft_form.validate_on_submit():
                    version = draft_form.version.data or ""
                    services.update_draft(
                        current_staff(),
                        note_id,
                        body=draft_form.body.data or "",
                        expected_version=whole_number(version),
                    )
                    flash(_("The draft note is saved."), "info")
                    return redirect(url_for("care_pages.note", note_id=note_id))
            elif action == "sign":
                version = request.form.get("version", "")
                expected = whole_number(version)
                body = request.form.get("body")
                if body and body.strip() and body != item.body:  # sign what is on the screen
                    expected = services.update_draft(
                        current_staff(), note_id, body=body, expected_version=expected
                    ).version
                services.sign_note(current_staff(), note_id, expected_version=expected)
                flash(_("The note is signed; it can no longer change."), "info")
                return redirect(url_for("care_pages.note", note_id=note_id))
            elif action == "addendum":
                addendum_form = AddendumForm()
                if addendum_form.validate_on_submit():
                    services.add_addendum(
                        current_staff(), note_id, body=addendum_form.body.data or ""
                    )
                    flash(_("The addendum is added."), "info")
                    return redirect(url_for("care_pages.note", note_id=note_id))
        except ValidationError as error:
            show_on_form(addendum_form if action == "addendum" else draft_form, error)
        except DomainError as error:
            _refuse(error)
            return redirect(url_for("care_pages.note", note_id=note_id))
    return render_template(
        "care/note.html",
        note=item,
        draft_form=draft_form,
        addendum_form=addendum_form,
        is_author=item.author_id == current_staff().id,
    )
