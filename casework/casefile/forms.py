"""The action forms of the case page, with the choices its page builder found for the viewer.

The forms are the features' own (starting an assessment, enrolling, scheduling, moving,
reassigning, the case plan); this module fills in their choices, service lists sorted by name in
the page's language, and adds to enrolling a supervisor's reason to override an exclusion.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import UUID, Length, Optional

from casework.care.forms import AppointmentForm, EnrolForm
from casework.case_assessments.forms import StartAssessmentForm
from casework.casefile.pages import CaseActions, CasePage
from casework.cases.forms import AssignForm, MoveForm
from casework.cases.models import Case
from casework.clients.names import client_display_name
from casework.tasks.forms import GoalForm, TaskForm
from casework.tasks.pages import CasePlanPage
from casework.web.collation import sorted_choices
from casework.web.filters import localised
from casework.web.labels import label


class CaseEnrolForm(EnrolForm):
    """Enrolling from the case page; its fields carry the prefix "enrol-" (the page has other
    participant lists)."""

    override_reason = TextAreaField(
        _l("Supervisor's reason to enrol despite the exclusion"),
        validators=[Length(max=2000)],
    )


class PrefillArgs(FlaskForm):
    """The enrolment page's query: the accepted recommendation to prefill it from."""

    class Meta:
        csrf = False  # a GET query, it changes nothing

    recommendation = StringField(validators=[Optional(), UUID()])

    @property
    def recommendation_id(self) -> uuid.UUID | None:
        """The recommendation named, if its id is well formed."""
        if not self.validate() or not self.recommendation.data:
            return None
        return uuid.UUID(self.recommendation.data)


def enrol_form(case: Case, actions: CaseActions, **prefill: object) -> CaseEnrolForm:
    """The enrolment form with its choices (services by name, a ruled-out one saying so),
    prefilled with `prefill` unless it was sent."""
    form = CaseEnrolForm(prefix="enrol", data=prefill)  # a POST reads what was sent
    form.client.choices = _people(case)
    ruled_out = " — " + _("ruled out")
    form.service.choices = sorted_choices(
        [
            (
                service.code,
                f"{localised(service.name)} ({label(service.kind)})"
                + (ruled_out if service.code in actions.excluded else ""),
            )
            for service in actions.services
        ]
    )
    form.practitioner.choices = [("", _("None (group services)"))] + [
        (str(user.id), user.display_name) for user in actions.therapists
    ]
    return form


def _people(case: Case) -> list[tuple[str, str]]:
    return [(str(p.client_id), client_display_name(p.client)) for p in case.participants]


def plan_forms(plan: CasePlanPage) -> dict[str, FlaskForm]:
    """The case plan's forms: a goal, and a task with its owners and goals."""
    task = TaskForm(formdata=None)
    task.owner.choices = sorted_choices(
        [(str(user_id), name) for user_id, name in plan.owners.items()]
    )
    task.goal.choices = [("", _("No particular goal"))] + [
        (str(goal.id), goal.text or "") for goal in plan.plan.goals if goal.achieved_at is None
    ]
    return {"goal_form": GoalForm(formdata=None), "task_form": task}


def action_forms(page: CasePage) -> dict[str, FlaskForm]:
    """The case page's forms, unfilled, with their choices."""
    actions = page.actions
    assert actions is not None, "build the page with its actions"
    assert page.plan is not None
    people = _people(page.case)
    start = StartAssessmentForm(formdata=None)
    start.instrument.choices = [
        (instrument.id, localised(instrument.title)) for instrument in actions.instruments
    ]
    start.client.choices = people
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
        "enrol_form": enrol_form(page.case, actions),
        **plan_forms(page.plan),
        "appointment_form": appointment,
        "move_form": move,
        "assign_form": assign,
    }
