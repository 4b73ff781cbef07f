"""The main navigation per role; an entry whose endpoint is not registered is left out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from casework.auth.models import Role, User


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    roles: frozenset[Role]


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


CLINICAL = _roles(Role.CASE_MANAGER, Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR)

NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("home.index", _l("My work"), frozenset(Role)),
    NavEntry(
        "client_pages.search", _l("Find a client"), _roles(Role.CASE_MANAGER, Role.SUPERVISOR)
    ),
    NavEntry("client_pages.intake", _l("New intake"), _roles(Role.CASE_MANAGER, Role.SUPERVISOR)),
    NavEntry("casefile_pages.index", _l("Cases"), CLINICAL),
    NavEntry("care_pages.my_clients", _l("My clients"), _roles(Role.THERAPIST)),
    NavEntry("care_pages.agenda_page", _l("Agenda"), _roles(Role.THERAPIST, Role.CASE_MANAGER)),
    NavEntry("group_pages.runs", _l("Group runs"), _roles(Role.FACILITATOR, Role.CASE_MANAGER)),
    NavEntry("consultation_pages.new", _l("Log a consultation"), _roles(Role.CONSULTANT)),
    NavEntry("caseload_pages.caseload", _l("Caseload review"), _roles(Role.SUPERVISOR)),
    # supervisors, and the practitioners the records are about
    NavEntry("supervision_pages.records", _l("Supervision records"), CLINICAL),
    NavEntry("case_pages.break_glass_log", _l("Break-the-glass log"), _roles(Role.SUPERVISOR)),
    NavEntry("project_pages.index", _l("Projects"), _roles(Role.ADMIN, Role.COORDINATOR)),
    NavEntry("report_pages.index", _l("Reports"), _roles(Role.COORDINATOR, Role.SUPERVISOR)),
    NavEntry("auth.admin_users", _l("Users and teams"), _roles(Role.ADMIN)),
    NavEntry("catalogue_pages.services", _l("Service catalogue"), _roles(Role.ADMIN)),
)


def navigation_for(user: User) -> list[NavEntry]:
    """The entries `user` sees, in order; entries of pages not yet built are skipped."""
    registered = current_app.view_functions
    return [
        entry
        for entry in NAVIGATION
        if entry.endpoint in registered and not entry.roles.isdisjoint(user.roles)
    ]
