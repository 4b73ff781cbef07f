"""What the group-run pages show, built from the use cases: my runs, a run (roster, waitlist,
meetings), a meeting's attendance sheet, and enrolling a case participant in a run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from casework import policy
from casework.auth.models import User
from casework.auth.services import display_names
from casework.clients.names import client_display_name
from casework.clock import centre_today
from casework.crypto.keystore import client_owner, data_keys
from casework.db import utcnow
from casework.errors import NotFound
from casework.groups.models import GroupEnrolmentStatus, GroupMeeting, MentoringSession
from casework.groups.services import completion, enrolments, meetings, mentoring, runs
from casework.groups.services.enrolments import Member
from casework.groups.services.meetings import Sheet
from casework.groups.services.runs import RunFigures
from casework.pagination import Page


@dataclass(frozen=True)
class RunsPage:
    runs: Page[RunFigures]
    #: Everyone's runs, not only those I facilitate.
    show_all: bool
    may_filter: bool


def runs_page(user: User, *, show_all: bool, cursor: str | None) -> RunsPage:
    """The runs I facilitate, or all of them (always all for staff who facilitate none)."""
    if not policy.may_see_group_runs(user):
        raise NotFound("no such page")
    facilitates = policy.FACILITATE.allows(user)
    show_all = show_all or not facilitates
    page = runs.list_runs(user, facilitated_by_me=not show_all, cursor=cursor, limit=50)
    return RunsPage(page, show_all, facilitates)


@dataclass(frozen=True)
class RunPage:
    figures: RunFigures
    may_manage: bool
    #: Empty unless `may_manage`: only the run's managers see who is in it.
    seated: list[Member]
    #: In waitlist order, the next person first.
    waiting: list[Member]
    meetings: list[GroupMeeting]
    #: Figures by person, who has left and how, completion from attendance.
    lifecycle: completion.RunLifecycle
    #: (client id, name) of the people the manager may enrol directly (empty unless managing).
    enrollable: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    #: A cohort's mentoring sessions (a mentor who does not manage the run: their own).
    mentoring: list[MentoringRow] = field(default_factory=list)
    #: (user id, name) of the staff who may mentor, for the mentoring form.
    mentors: list[tuple[uuid.UUID, str]] = field(default_factory=list)


@dataclass(frozen=True)
class MentoringRow:
    session: MentoringSession
    #: The member's name, or "" when the reader does not manage the run.
    member: str
    mentor: str


def run_page(user: User, run_id: uuid.UUID) -> RunPage:
    """A run's figures and meetings; for its managers also who holds a seat and who waits."""
    figures = runs.get_run(user, run_id)
    schedule = meetings.list_meetings(user, run_id, limit=200).items
    lifecycle = completion.run_lifecycle(user, run_id)
    sessions = (
        mentoring.list_mentoring(user, run_id, limit=200).items if figures.run.is_cohort else []
    )
    if not policy.may_manage_group_run(user, figures.run):
        rows = _mentoring_rows(sessions, {})
        return RunPage(figures, False, [], [], schedule, lifecycle, mentoring=rows)
    members = enrolments.open_members(user, figures.run)
    # The names shown (members, those who left) unlock their keys with one query.
    clients = [m.client for m in members] + [row.client for row in lifecycle.past]
    data_keys().preload(client_owner(client.id) for client in clients)
    waiting = [m for m in members if m.enrolment.status == GroupEnrolmentStatus.WAITLISTED]
    names = {m.enrolment.id: client_display_name(m.client) for m in members}
    names.update({m.enrolment.id: client_display_name(m.client) for m in lifecycle.past})
    return RunPage(
        figures,
        True,
        [m for m in members if m.enrolment.status == GroupEnrolmentStatus.ACTIVE],
        sorted(waiting, key=lambda m: m.enrolment.waitlist_position or 0),
        schedule,
        lifecycle,
        enrollable=enrolments.enrollable_clients(user, figures.run),
        mentoring=_mentoring_rows(sessions, names),
        mentors=[(u.id, u.display_name) for u in mentoring.mentors()]
        if figures.run.is_cohort
        else [],
    )


def _mentoring_rows(
    sessions: list[MentoringSession], members: dict[uuid.UUID, str]
) -> list[MentoringRow]:
    mentors = display_names(s.mentor_id for s in sessions)
    return [
        MentoringRow(s, members.get(s.enrolment_id, ""), mentors.get(s.mentor_id, ""))
        for s in sessions
    ]


@dataclass(frozen=True)
class AttendancePage:
    sheet: Sheet
    #: Attendance can be recorded once the meeting has started.
    has_started: bool


def attendance_page(user: User, meeting_id: uuid.UUID) -> AttendancePage:
    """A meeting's attendance sheet (the run's managers)."""
    sheet = meetings.sheet(user, meeting_id)
    return AttendancePage(sheet, sheet.meeting.starts_at <= utcnow())


@dataclass(frozen=True)
class CaseGroupOptions:
    case_id: uuid.UUID
    #: (client id, name) of the case's participants.
    participants: list[tuple[uuid.UUID, str]]
    #: Runs of group services that have not ended, with their seats and waitlists.
    runs: list[RunFigures]


def case_group_options(user: User, case_id: uuid.UUID) -> CaseGroupOptions:
    """What the "enrol in a group run" form of a case offers: its participants and current runs."""
    case = policy.require_case(user, case_id)
    if not policy.may_see_group_runs(user):
        raise NotFound("no such case")
    clients = enrolments.clients_by_id(case.client_ids)
    return CaseGroupOptions(
        case.id,
        [(client_id, client_display_name(clients[client_id])) for client_id in case.client_ids],
        runs.current_runs(user, on=centre_today()),
    )
