"""The "my work" page: what is waiting for the signed-in person today, each row saying whom and
what it is about (the names of the whole page read in one audited batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from casework import policy
from casework.auth.models import User
from casework.care.models import Appointment, SessionNote
from casework.care.pages import AppointmentRow, appointment_subject
from casework.care.services import appointments, notes
from casework.care.services.worklists import Subject, WhoAndWhat, who_and_what
from casework.case_assessments.models import Recommendation
from casework.case_assessments.services import recommendations as recommending
from casework.cases.models import Case, CaseState
from casework.cases.services import listing as cases
from casework.clock import centre_midnight
from casework.groups.services import runs
from casework.groups.services.runs import RunFigures
from casework.tasks.pages import MyTasksPage, my_tasks_page

#: How many rows each list of the page shows at most; a longer list says so and links to the
#: page that has it all, so the page costs the same however much work is waiting.
HOME_LIMIT = 20


@dataclass
class MyWork:
    appointments_today: list[AppointmentRow] = field(default_factory=list)
    cases_by_state: dict[CaseState, list[tuple[Case, WhoAndWhat]]] = field(default_factory=dict)
    intake_queue: list[tuple[Case, WhoAndWhat]] = field(default_factory=list)
    pending_decisions: list[tuple[Recommendation, WhoAndWhat]] = field(default_factory=list)
    drafts: list[SessionNote] = field(default_factory=list)
    #: Facilitators: the runs they facilitate, with seats and waitlist lengths.
    waitlists: list[RunFigures] = field(default_factory=list)
    #: Tasks one owns (overdue, due this week); supervisors: their teams' overdue safety tasks.
    tasks: MyTasksPage | None = None
    #: The sections shown even when empty, as the policy's gates decide.
    sections: frozenset[str] = frozenset()
    #: All one's open cases per state (the lists show the first HOME_LIMIT of them).
    case_counts: dict[CaseState, int] = field(default_factory=dict)
    #: The sections whose list was cut at HOME_LIMIT rows.
    cut: frozenset[str] = frozenset()
    limit: int = HOME_LIMIT


#: A section of the page, and the gate of the work it is about.
SECTIONS = {
    "appointments": policy.GIVE_THERAPY,
    "cases": policy.HOLD_CASES,
    "intake": policy.HOLD_CASES,
    "decisions": policy.CASE_MANAGEMENT,
    "drafts": policy.GIVE_THERAPY,
    "waitlists": policy.FACILITATE,
    "administration": policy.ADMINISTER,
}


def my_work(user: User) -> MyWork:
    """Today's appointments (in the centre's time zone), open cases by state, the intake queue,
    decisions, drafts and the waitlists of the runs one facilitates."""
    work = MyWork(
        sections=frozenset(name for name, gate in SECTIONS.items() if gate.allows(user)),
        limit=HOME_LIMIT,
    )
    midnight = centre_midnight()
    today: list[Appointment] = []
    if policy.APPOINTMENTS.allows(user):
        today = appointments.agenda(
            user,
            starts_from=midnight,
            starts_before=midnight + timedelta(days=1),
            limit=HOME_LIMIT + 1,
        ).items
    by_state: dict[CaseState, list[Case]] = {}
    if policy.CLINICAL_WORK.allows(user):
        by_state = cases.open_cases_by_state(user, limit=HOME_LIMIT)
        work.case_counts = cases.open_case_counts(user)
    queue: list[Case] = []
    if policy.HOLD_CASES.allows(user):
        queue = cases.intake_queue(user, limit=HOME_LIMIT + 1)
    decisions: list[Recommendation] = []
    if policy.CASE_MANAGEMENT.allows(user):
        decisions = recommending.pending_decisions(user, limit=HOME_LIMIT + 1)
    cut = {
        name
        for name, rows in (("appointments", today), ("intake", queue), ("decisions", decisions))
        if len(rows) > HOME_LIMIT
    }
    today, queue, decisions = today[:HOME_LIMIT], queue[:HOME_LIMIT], decisions[:HOME_LIMIT]
    open_cases = [case for items in by_state.values() for case in items]
    if len(open_cases) < sum(work.case_counts.values()):
        cut.add("cases")
    found = iter(
        who_and_what(
            user,
            [appointment_subject(appointment) for appointment in today]
            + [Subject(case.id) for case in open_cases + queue]
            + [
                Subject(r.case_id, client_ids=[r.client_id], service_codes=[r.service_code])
                for r in decisions
            ],
        )
    )
    work.appointments_today = [AppointmentRow(a, next(found)) for a in today]
    work.cases_by_state = {
        state: [(case, next(found)) for case in items] for state, items in by_state.items()
    }
    work.intake_queue = [(case, next(found)) for case in queue]
    work.pending_decisions = [(r, next(found)) for r in decisions]
    if policy.GIVE_THERAPY.allows(user):
        drafts = notes.drafts_to_finish(user, limit=HOME_LIMIT + 1)
        if len(drafts) > HOME_LIMIT:
            cut.add("drafts")
        work.drafts = drafts[:HOME_LIMIT]
    if policy.CLINICAL_WORK.allows(user):
        work.tasks = my_tasks_page(user)
    if policy.FACILITATE.allows(user):
        page = runs.list_runs(user, facilitated_by_me=True, limit=HOME_LIMIT)
        work.waitlists = page.items
        if page.next_cursor:
            cut.add("waitlists")
    work.cut = frozenset(cut)
    return work
