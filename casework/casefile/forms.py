"""The action forms of the case page, with the choices its page builder found for the viewer.

The forms are the features' own (starting an assessment, enrolling, scheduling, moving,
reassigning); this module only fills in their choices.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from casework.care.forms import AppointmentForm, EnrolForm
from casework.case_assessments.forms import StartAssessmentForm
from casework.casefile.pages import CasePage
from casework.cases.forms import AssignForm, MoveForm
from casework.clients.names import client_display_name
from casework.web.filters import localised
from casework.web.labels import label


def action_forms(page: CasePage) -> dict[str, FlaskForm]:
    """The case page's forms, unfilled, with their choices."""
    actions = page.actions
    assert actions is not None, "build the page with its actions"
    people = [(str(p.client_id), client_display_name(p.client)) for p in page.case.participants]
    start = StartAssessmentForm(formdata=None)
    start.instrument.choices = [
        (instrument.id, localised(instrument.title)) for instrument in actions.instruments
    ]
    start.client.choices = people
    enrol = EnrolForm(formdata=None)
    enrol.client.choices = people
    enrol.service.choices = [
        (service.code, f"{localised(service.name)} ({label(service.kind)})")
        for service in actions.services
    ]
    enrol.practitioner.choices = [("", _("None (group services)"))] + [
        (str(user.id), user.display_name) for user in actions.therapists
    ]
    appointment = AppointmentForm(formdata=None)
    names_of_people = dict(people)
    appointment.enrolment.choices = [
        (
            str(e.id),
            f"{localised(actions.service_names.get(e.service_code)) or e.service_code} — "
            f"{names_of_people.get(str(e.client_id), '')}",
        )
        for e in page.schedulable_enrolments
    ]
    move = MoveForm(formdata=None)
    move.to_state.choices = [(state.value, label(state)) for state in page.moves]
    assign = AssignForm(formdata=None)
    assign.case_manager.choices = [
        (str(user.id), user.display_name) for user in actions.case_managers
    ]
    return {
        "start_form": start,
        "enrol_form": enrol,
        "appointment_form": appointment,
        "move_form": move,
        "assign_form": assign,
    }
