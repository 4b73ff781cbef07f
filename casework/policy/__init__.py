"""Who may see and do what: the one place access is decided (DESIGN.md, "Access").

Every read and write of a row behind an access rule asks this package: SQL predicates
(`visible_*`, `assigned_cases`, `managed_group_runs`...) for lists and counts, `require_visible`
and the other `require_*` for one row by id, and `may_*` questions for what a page offers.
An object one may not see is reported exactly like one that does not exist.

- `staff`: roles and supervised teams, the facts every rule builds on;
- `cases`: cases and what is inside them (clients, assessments, enrolments, notes...);
- `programmes`: group runs, consultations, supervision, partner work, surveys, caseload;
- `reporting`: projects and funders' reports (figures only);
- `gdpr`: who may export or erase which client, and what an export holds;
- `rows`: one row by id through its model's rule;
- `questions`: the policy questions pages, templates and the navigation ask.

It imports only the `models` modules of features (tests/test_architecture.py).
"""

from sqlalchemy import false, true

from casework.policy.cases import (
    ENDED_ENROLMENT_GRACE,
    assigned_cases,
    breakable_cases,
    can_see_note,
    in_assigned_case,
    in_visible_case,
    is_assigned,
    may_assess_case,
    may_break_glass,
    may_manage_case,
    may_override_exclusion,
    may_see_individual_disclosure,
    may_work_on_task,
    practitioner_client_ids,
    require_case_manager_of,
    require_supervisor_of,
    supervises_case,
    visible_cases,
    visible_clients,
)
from casework.policy.gdpr import GdprScope, gdpr_scope, may_handle_gdpr_requests
from casework.policy.programmes import (
    consultation_clients,
    facilitates,
    group_enrollable_clients,
    in_managed_run,
    managed_group_runs,
    may_do_partner_work,
    may_manage_group_run,
    may_record_supervision,
    may_record_survey,
    may_see_group_runs,
    require_group_run_manager,
    require_partner_work,
    require_reviewed_teams,
    visible_consultations,
    visible_group_runs,
    visible_supervision_records,
)
from casework.policy.reporting import (
    may_see_projects,
    report_scope,
    require_project_manager,
    visible_projects,
)
from casework.policy.rows import (
    require_case,
    require_chosen_client,
    require_group_run,
    require_visible,
    visibility_rule,
)
from casework.policy.staff import (
    CLINICAL_ROLES,
    require_role,
    supervised_team_ids,
    supervises_user,
)

__all__ = [
    "CLINICAL_ROLES",
    "ENDED_ENROLMENT_GRACE",
    "GdprScope",
    "assigned_cases",
    "breakable_cases",
    "can_see_note",
    "consultation_clients",
    "facilitates",
    "false",
    "gdpr_scope",
    "group_enrollable_clients",
    "in_assigned_case",
    "in_managed_run",
    "in_visible_case",
    "is_assigned",
    "managed_group_runs",
    "may_assess_case",
    "may_break_glass",
    "may_do_partner_work",
    "may_handle_gdpr_requests",
    "may_manage_case",
    "may_manage_group_run",
    "may_override_exclusion",
    "may_record_supervision",
    "may_record_survey",
    "may_see_group_runs",
    "may_see_individual_disclosure",
    "may_see_projects",
    "may_work_on_task",
    "practitioner_client_ids",
    "report_scope",
    "require_case",
    "require_case_manager_of",
    "require_chosen_client",
    "require_group_run",
    "require_group_run_manager",
    "require_partner_work",
    "require_project_manager",
    "require_reviewed_teams",
    "require_role",
    "require_supervisor_of",
    "require_visible",
    "supervised_team_ids",
    "supervises_case",
    "supervises_user",
    "true",
    "visibility_rule",
    "visible_cases",
    "visible_clients",
    "visible_consultations",
    "visible_group_runs",
    "visible_projects",
    "visible_supervision_records",
]
