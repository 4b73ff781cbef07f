"""The main navigation per role; an entry whose endpoint is not registered is left out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from casework import policy
from casework.auth.models import User


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    #: who sees the entry: the policy's gate of the page it leads to
    gate: policy.Gate


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("home.index", _l("My work"), policy.EVERYONE),
    NavEntry("client_pages.search", _l("Find a client"), policy.CASE_MANAGEMENT),
    NavEntry("client_pages.intake", _l("New intake"), policy.CASE_MANAGEMENT),
    NavEntry("casefile_pages.index", _l("Cases"), policy.CLINICAL_WORK),
    NavEntry("care_pages.my_clients", _l("My clients"), policy.GIVE_THERAPY),
    NavEntry("care_pages.agenda_page", _l("Agenda"), policy.KEEP_AGENDA),
    NavEntry("group_pages.runs", _l("Group runs"), policy.BROWSE_GROUP_RUNS),
    NavEntry("consultation_pages.new", _l("Log a consultation"), policy.LOG_CONSULTATIONS),
    NavEntry("caseload_pages.caseload", _l("Caseload review"), policy.SUPERVISE),
    # supervisors, and the practitioners the records are about
    NavEntry("supervision_pages.records", _l("Supervision records"), policy.CLINICAL_WORK),
    NavEntry("case_pages.break_glass_log", _l("Break-the-glass log"), policy.SUPERVISE),
    NavEntry("project_pages.index", _l("Projects"), policy.MANAGE_PROJECTS),
    NavEntry("report_pages.index", _l("Reports"), policy.REPORTS),
    NavEntry("auth.admin_users", _l("Users and teams"), policy.ADMINISTER),
    NavEntry("catalogue_pages.services", _l("Service catalogue"), policy.ADMINISTER),
    NavEntry("partner_pages.trainings", _l("Trainings and events"), policy.PARTNER_WORK),
    NavEntry("leader_pages.index", _l("Peer leaders"), policy.KEEP_LEADERS),
    NavEntry("survey_pages.hand_out", _l("Client surveys"), policy.SURVEY_HANDOUT),
    NavEntry("survey_pages.results", _l("Survey results"), policy.SURVEY_RESULTS),
    NavEntry("import_pages.upload", _l("Import a spreadsheet"), policy.IMPORTS),
    NavEntry(
        "consultation_pages.statistics",
        _l("Consultation statistics"),
        policy.CONSULTATION_STATISTICS,
    ),
)


def navigation_for(user: User) -> list[NavEntry]:
    """The entries `user` sees, in order; entries of pages not yet built are skipped."""
    registered = current_app.view_functions
    return [
        entry for entry in NAVIGATION if entry.endpoint in registered and entry.gate.allows(user)
    ]
