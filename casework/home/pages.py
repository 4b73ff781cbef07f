"""The "my work" page: what is waiting for the signed-in person today."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from casework.auth.models import Role, User
from casework.care.models import Appointment, SessionNote
from casework.care.services import appointments, notes
from casework.case_assessments.models import Recommendation
from casework.case_assessments.services import recommendations as recommending
from casework.cases.models import Case, CaseState
from casework.cases.services import listing as cases
from casework.clock import centre_midnight
from casework.groups.services import runs
from casework.groups.services.runs import RunFigures


@dataclass
class MyWork:
    appointments_today: list[Appointment] = field(default_factory=list)
    cases_by_state: dict[CaseState, list[Case]] = field(default_factory=dict)
    intake_queue: list[Case] = field(default_factory=list)
    pending_decisions: list[Recommendation] = field(default_factory=list)
    drafts: list[SessionNote] = field(default_factory=list)
    #: Facilitators: the runs they facilitate, with seats and waitlist lengths.
    waitlists: list[RunFigures] = field(default_factory=list)


def my_work(user: User) -> MyWork:
    """Today's appointments (in the centre's time zone), open cases by state, the intake queue,
    decisions, drafts and the waitlists of the runs one facilitates."""
    work = MyWork()
    midnight = centre_midnight()
    if user.has_role(Role.THERAPIST, Role.CASE_MANAGER, Role.FACILITATOR):
        work.appointments_today = appointments.agenda(
            user, starts_from=midnight, starts_before=midnight + timedelta(days=1), limit=50
        ).items
    if user.has_role(Role.CASE_MANAGER, Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR):
        work.cases_by_state = cases.open_cases_by_state(user)
    if user.has_role(Role.CASE_MANAGER):
        work.intake_queue = cases.intake_queue(user)
    if user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR):
        work.pending_decisions = recommending.pending_decisions(user)
    if user.has_role(Role.THERAPIST):
        work.drafts = notes.drafts_to_finish(user)
    if user.has_role(Role.FACILITATOR):
        work.waitlists = runs.list_runs(user, facilitated_by_me=True, limit=50).items
    return work
