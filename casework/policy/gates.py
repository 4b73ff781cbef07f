"""Role gates: which roles reach which work, each named once, for services (`require`), pages,
templates and the navigation (`allows`). Whether a gate's holder may then touch one particular
row is the SQL predicates' job (`cases`, `programmes`); a gate never replaces them."""

from __future__ import annotations

from dataclasses import dataclass

from casework.auth.models import Role, User
from casework.policy.staff import CLINICAL_ROLES, require_role


@dataclass(frozen=True)
class Gate:
    """Work open to the holders of any of `roles`."""

    roles: tuple[Role, ...]

    def allows(self, user: User) -> bool:
        return user.has_role(*self.roles)

    def require(self, user: User) -> None:
        """Forbidden, naming the roles, unless `user` holds one of them."""
        require_role(user, *self.roles)


CM, SUP, THER, FAC = Role.CASE_MANAGER, Role.SUPERVISOR, Role.THERAPIST, Role.FACILITATOR

#: Everyone signed in (the home page).
EVERYONE = Gate(tuple(Role))
#: Cases, case files and supervision records one is part of.
CLINICAL_WORK = Gate(CLINICAL_ROLES)
#: Searching clients, the intake form, opening cases, routing decisions waiting.
CASE_MANAGEMENT = Gate((CM, SUP))
#: Registering a person (intake, consultations, clubs).
REGISTER_CLIENTS = Gate((CM, SUP, Role.CONSULTANT, FAC))
#: Who can hold a case as its case manager (and is offered for reassignment).
HOLD_CASES = Gate((CM,))
#: Who delivers individual therapy (is offered as a therapist; "My clients").
GIVE_THERAPY = Gate((THER,))
#: An appointments agenda.
KEEP_AGENDA = Gate((THER, CM))
#: Appointments with clients: today's on the home page, an agenda's calendar feed.
APPOINTMENTS = Gate((THER, CM, FAC))
#: Browsing group runs from the navigation.
BROWSE_GROUP_RUNS = Gate((FAC, CM))
#: Opening a group run.
OPEN_GROUP_RUNS = Gate((SUP, FAC))
#: Who runs groups: is offered as a facilitator or mentor.
LEAD_GROUPS = Gate((FAC, THER))
#: "The runs I facilitate" as the default list.
FACILITATE = Gate((FAC,))
#: Logging information consultations.
LOG_CONSULTATIONS = Gate((Role.CONSULTANT,))
#: Consultation lists and figures.
CONSULTATION_FIGURES = Gate((Role.CONSULTANT, SUP))
#: The consultation topic list.
MANAGE_TOPICS = Gate((Role.ADMIN,))
#: Supervision: records, the caseload review, the break-the-glass log.
SUPERVISE = Gate((SUP,))
#: Partner institutions, trainings and events (not clinical); coordinators record them because
#: they report them to funders.
PARTNER_WORK = Gate((SUP, Role.ADMIN, Role.COORDINATOR))
#: Survey results (the summary page and the API).
SURVEY_RESULTS = Gate((SUP, Role.ADMIN, Role.COORDINATOR))
#: Projects: changing them, and what is attributed to them.
MANAGE_PROJECTS = Gate((Role.ADMIN, Role.COORDINATOR))
#: Funders' reports.
REPORTS = Gate((Role.COORDINATOR, SUP))
#: Users, teams and the service catalogue.
ADMINISTER = Gate((Role.ADMIN,))
#: The register of peer leaders and volunteers (no staff account): their records and trainings.
KEEP_LEADERS = Gate((Role.COORDINATOR, SUP))
#: Handing surveys to clients: a kiosk tablet, one-time links (those who deliver services).
SURVEY_HANDOUT = Gate((*CLINICAL_ROLES, Role.CONSULTANT))
#: Importing clients from spreadsheets.
IMPORT_CLIENTS = Gate((CM, SUP))
#: The import pages (each kind of import is checked by its own gate as well).
IMPORTS = Gate((CM, SUP, Role.CONSULTANT, FAC))
#: Consultation statistics (figures only; a coordinator's cover the whole centre).
CONSULTATION_STATISTICS = Gate((Role.CONSULTANT, SUP, Role.COORDINATOR))
